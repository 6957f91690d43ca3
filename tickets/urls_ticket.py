"""The ticket page, its reply box, presence and canned responses, and attachment downloads: /scp/..."""

from django.urls import URLPattern, path, re_path

from tickets import ticket_views as views

TICKET = r"^tickets/(?P<number>\d+)/"

urlpatterns: list[URLPattern] = [
    re_path(TICKET + r"$", views.ticket_page, name="ticket"),
    re_path(TICKET + r"reply$", views.ticket_reply, name="ticket_reply"),
    re_path(TICKET + r"presence$", views.ticket_presence, name="ticket_presence"),
    re_path(TICKET + r"canned/(?P<pk>\d+)$", views.canned_render, name="canned_render"),
    path("attachments/<int:pk>/", views.attachment, name="attachment"),
]
