"""The customer portal, mounted at / in the "portal" namespace."""

from django.urls import URLPattern, path, re_path

from tickets import portal_link_views, portal_ticket_views

app_name = "portal"

TICKET = r"^tickets/(?P<number>\d+)/"

urlpatterns: list[URLPattern] = [
    path("link/<str:token>/", portal_link_views.open_link, name="link"),
    re_path(TICKET + r"$", portal_ticket_views.ticket_page, name="ticket"),
    re_path(TICKET + r"files/(?P<pk>\d+)$", portal_ticket_views.attachment, name="attachment"),
]
