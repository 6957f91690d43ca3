"""Dashboard URLs, included under /scp/ in the "scp" namespace by tickets/scp_urls.py."""

from django.urls import path

from dashboard import views

urlpatterns = [
    path("home/", views.home, name="home"),
    path("dashboard/", views.statistics, name="dashboard"),
    path("notifications/", views.notifications, name="notifications"),
    path("notifications/read", views.notifications_read, name="notifications_read"),
]
