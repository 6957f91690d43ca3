"""The Django admin, for superusers only, behind the same sign-in (and two-factor step) as the staff panel."""

from __future__ import annotations

from django.contrib import admin
from django.contrib.auth.views import redirect_to_login
from django.http import HttpRequest, HttpResponse
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from helpdesk.accounts.models import User
from helpdesk.accounts.views import pending_step


class SportelloAdminSite(admin.AdminSite):
    site_header = _("Sportello administration")
    site_title = _("Sportello admin")
    index_title = _("Configuration")

    def has_permission(self, request: HttpRequest) -> bool:
        user = request.user
        if not (isinstance(user, User) and user.is_active and user.is_superuser):
            return False
        # A superuser with an authenticator (or who must have one) passes the code step first.
        return pending_step(user) is None

    def login(self, request: HttpRequest, extra_context: object = None) -> HttpResponse:
        """One sign-in for everyone: the staff panel's, which throttles and asks for the TOTP code."""
        target = request.GET.get("next") or reverse("admin:index")
        return redirect_to_login(target, reverse("scp:login"))
