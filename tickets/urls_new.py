"""+ New ticket: /scp/tickets/new/."""

from django.urls import URLPattern, path

from tickets import new_ticket_views

urlpatterns: list[URLPattern] = [
    path("tickets/new/", new_ticket_views.ticket_new, name="ticket_new"),
]
