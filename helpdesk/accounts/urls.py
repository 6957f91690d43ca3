"""Staff sign-in URLs, included under /scp/ in the "scp" namespace by tickets/scp_urls.py."""

from django.urls import path

from helpdesk.accounts import views

urlpatterns = [
    path("login", views.StaffLoginView.as_view(), name="login"),
    path("login/verify", views.verify, name="verify"),
    path("logout", views.sign_out, name="logout"),
    path("2fa/setup", views.two_factor_setup, name="2fa_setup"),
]
