"""My profile: the signed-in agent's name, signature, preferences, notifications, password and API tokens."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import update_session_auth_hash
from django.contrib.auth.forms import PasswordChangeForm
from django.db import transaction
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from helpdesk.accounts.models import Agent, User
from helpdesk.accounts.profile_forms import PreferencesForm, ProfileForm
from helpdesk.accounts.views import StaffRequest, staff_required
from helpdesk.api import token_views


def _agent_profile(user: User) -> Agent:
    """The user's agent profile; staff without one (a superuser, say) get an unsaved one, saved with the form."""
    try:
        return Agent.objects.get(user=user)
    except Agent.DoesNotExist:
        return Agent(user=user)


@require_http_methods(["GET", "POST"])
@staff_required
def profile(request: StaffRequest) -> HttpResponse:
    data = request.POST if request.method == "POST" else None
    # Fresh copies: a refused change must not show up in the navigation bar's name on this response.
    profile_form = ProfileForm(data, instance=User.objects.get(pk=request.user.pk))
    preferences_form = PreferencesForm(data, instance=_agent_profile(request.user))
    if data is not None and profile_form.is_valid() and preferences_form.is_valid():
        with transaction.atomic():
            profile_form.save()
            preferences_form.save()
        messages.success(request, _("Your profile was saved."))
        response = redirect("scp:profile")
        # A language picked earlier with the switcher (a cookie) would hide the one just saved.
        response.delete_cookie(
            settings.LANGUAGE_COOKIE_NAME,
            path=settings.LANGUAGE_COOKIE_PATH,
            domain=settings.LANGUAGE_COOKIE_DOMAIN,
            samesite=settings.LANGUAGE_COOKIE_SAMESITE,
        )
        return response
    return _render(request, profile_form, preferences_form, PasswordChangeForm(request.user))


@require_http_methods(["GET", "POST"])
@staff_required
def profile_password(request: StaffRequest) -> HttpResponse:
    """Django's password change (the password validators apply), keeping this session signed in."""
    form = PasswordChangeForm(request.user, request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        user = form.save()
        update_session_auth_hash(request, user)
        messages.success(request, _("Your password was changed."))
        return redirect("scp:profile")
    profile_form = ProfileForm(instance=User.objects.get(pk=request.user.pk))
    return _render(request, profile_form, PreferencesForm(instance=_agent_profile(request.user)), form)


def _render(
    request: StaffRequest,
    profile_form: ProfileForm,
    preferences_form: PreferencesForm,
    password_form: PasswordChangeForm,
) -> HttpResponse:
    # Django's form grabs the focus for the old password; on this page the name field comes first.
    password_form.fields["old_password"].widget.attrs.pop("autofocus", None)
    context = {
        "profile_form": profile_form,
        "preferences_form": preferences_form,
        "password_form": password_form,
        "token_self_service": settings.AGENT_TOKENS_SELF_SERVICE,
        "tokens": token_views.my_tokens(request),
        "token_form": token_views.NewTokenForm(),
    }
    return render(request, "scp/profile.html", context)
