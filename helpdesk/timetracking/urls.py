"""Time tracking in the staff panel: the timer and log on a ticket, and the time report at /scp/time/."""

from django.urls import URLPattern, path, re_path

from helpdesk.timetracking import views

TICKET = r"^tickets/(?P<number>\d+)/time/"

urlpatterns: list[URLPattern] = [
    re_path(TICKET + r"start$", views.ticket_timer_start, name="ticket_timer_start"),
    re_path(TICKET + r"stop$", views.ticket_timer_stop, name="ticket_timer_stop"),
    re_path(TICKET + r"log$", views.ticket_time_log, name="ticket_time_log"),
    path("time/", views.time_report, name="time_report"),
]
