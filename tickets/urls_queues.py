from django.urls import path

from tickets import scp_views

urlpatterns = [
    path("", scp_views.ticket_list, name="tickets"),
]
