"""The staff panel, mounted at /scp/ in the "scp" namespace."""

from django.urls import include, path

from tickets import scp_views

app_name = "scp"

urlpatterns = [
    path("", scp_views.ticket_list, name="tickets"),
    path("", include("helpdesk.accounts.urls")),
]
