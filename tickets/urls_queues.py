"""Queues, saved searches and bulk actions."""

from django.urls import path

from tickets import queue_views

urlpatterns = [
    path("", queue_views.ticket_list, name="tickets"),
    path("queues/<slug:slug>/", queue_views.queue, name="queue"),
    path("searches/<int:pk>/", queue_views.saved_search, name="saved_search"),
    path("searches/new", queue_views.saved_search_create, name="saved_search_create"),
    path("searches/<int:pk>/delete", queue_views.saved_search_delete, name="saved_search_delete"),
    path("bulk", queue_views.bulk, name="bulk"),
]
