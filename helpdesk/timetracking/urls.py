"""Time tracking in the staff panel: timers and logs on tickets and tasks, and the time report at /scp/time/."""

from django.urls import URLPattern, path, re_path

from helpdesk.timetracking import views

TICKET = r"^tickets/(?P<number>\d+)/time/"
TASK = "tasks/<int:pk>/time/"

urlpatterns: list[URLPattern] = [
    re_path(TICKET + r"start$", views.ticket_time_start, name="ticket_time_start"),
    re_path(TICKET + r"stop$", views.ticket_time_stop, name="ticket_time_stop"),
    re_path(TICKET + r"log$", views.ticket_time_log, name="ticket_time_log"),
    path(TASK + "start", views.task_time_start, name="task_time_start"),
    path(TASK + "stop", views.task_time_stop, name="task_time_stop"),
    path(TASK + "log", views.task_time_log, name="task_time_log"),
    path("time/", views.time_report, name="time_report"),
]
