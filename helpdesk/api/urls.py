"""Everything under /api/: osTicket's endpoints (tickets, mail piping), the JSON API and its OpenAPI document."""

from django.urls import path, re_path

from helpdesk.api import osticket_views
from helpdesk.api.rest import api

urlpatterns = [
    # Many osTicket clients call /api/http.php/tickets.json: both spellings answer.
    re_path(r"^(?:http\.php/)?tickets\.json$", osticket_views.tickets_json, name="osticket-json"),
    re_path(r"^(?:http\.php/)?tickets\.xml$", osticket_views.tickets_xml, name="osticket-xml"),
    re_path(r"^(?:http\.php/)?tickets\.email$", osticket_views.tickets_email, name="osticket-email"),
    path("", osticket_views.unsupported),  # before the JSON API, whose own root view would answer 404
    path("", api.urls),
    re_path(r"^.*$", osticket_views.unsupported),
]
