"""Actions on one ticket, its print view and its activity log: /scp/tickets/<number>/<action>."""

from django.urls import URLPattern, re_path

from tickets import action_views as views
from tickets import portal_publish

TICKET = r"^tickets/(?P<number>\d+)/"

urlpatterns: list[URLPattern] = [
    re_path(TICKET + r"assign$", views.ticket_assign, name="ticket_assign"),
    re_path(TICKET + r"claim$", views.ticket_claim, name="ticket_claim"),
    re_path(TICKET + r"transfer$", views.ticket_transfer, name="ticket_transfer"),
    re_path(TICKET + r"status$", views.ticket_status, name="ticket_status"),
    re_path(TICKET + r"priority$", views.ticket_priority, name="ticket_priority"),
    re_path(TICKET + r"type$", views.ticket_type, name="ticket_type"),
    re_path(TICKET + r"subject$", views.ticket_subject, name="ticket_subject"),
    re_path(TICKET + r"publish$", portal_publish.ticket_publish, name="ticket_publish"),
    re_path(TICKET + r"requester$", views.ticket_requester, name="ticket_requester"),
    re_path(TICKET + r"cc/add$", views.ticket_cc_add, name="ticket_cc_add"),
    re_path(TICKET + r"cc/remove$", views.ticket_cc_remove, name="ticket_cc_remove"),
    re_path(TICKET + r"merge$", views.ticket_merge, name="ticket_merge"),
    re_path(TICKET + r"link$", views.ticket_link, name="ticket_link"),
    re_path(TICKET + r"unlink$", views.ticket_unlink, name="ticket_unlink"),
    re_path(TICKET + r"delete$", views.ticket_delete, name="ticket_delete"),
    re_path(TICKET + r"print$", views.ticket_print, name="ticket_print"),
    re_path(TICKET + r"activity$", views.ticket_activity, name="ticket_activity"),
]
