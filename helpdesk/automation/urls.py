"""Automation in the staff panel: /scp/tickets/<number>/due."""

from django.urls import URLPattern, re_path

from helpdesk.automation import views

urlpatterns: list[URLPattern] = [
    re_path(r"^tickets/(?P<number>\d+)/due$", views.ticket_due_date, name="ticket_due_date"),
]
