"""The staff sign-in (password, then a one-time code or two-factor setup) and the guard on every /scp view.

A staff sign-in has up to three steps: the password (``scp:login``), then either the code of a confirmed
device (``scp:verify``) or, when two-factor sign-in is compulsory and the user has no device yet, its setup
(``scp:2fa_setup``). ``staff_required`` sends a user to the first step they still owe.
"""

from __future__ import annotations

from base64 import b32encode
from collections.abc import Callable
from functools import wraps
from typing import Any, overload

import django_otp
import segno
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.forms import AuthenticationForm
from django.contrib.auth.signals import user_login_failed
from django.contrib.auth.views import LoginView, redirect_to_login
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme, urlencode
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_http_methods, require_POST
from django_otp.oath import TOTP
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice
from django_otp.util import random_hex

from helpdesk.accounts.backends import has_confirmed_device
from helpdesk.accounts.forms import ConfirmDeviceForm, OneTimeCodeForm, StaffAuthenticationForm
from helpdesk.accounts.models import Agent, User

LOGIN = "scp:login"
VERIFY = "scp:verify"
SETUP = "scp:2fa_setup"

MAX_CODE_FAILURES = 5
BACKUP_CODE_COUNT = 10
CODE_FAILURES_KEY = "sportello_code_failures"
SETUP_KEY = "sportello_totp_setup_key"

View = Callable[..., HttpResponseBase]


class StaffRequest(HttpRequest):
    """The request a view behind ``staff_required`` receives: its user is a signed-in staff member."""

    user: User


def is_verified(user: User) -> bool:
    """Whether this session's user entered a one-time code (OTPMiddleware sets ``otp_device``)."""
    return getattr(user, "otp_device", None) is not None


def two_factor_required(user: User) -> bool:
    """Whether the user may not use the staff panel without a second factor."""
    if settings.STAFF_REQUIRE_2FA:
        return True
    try:
        return user.agent.require_2fa
    except Agent.DoesNotExist:
        return False


def pending_step(user: User) -> str | None:
    """The URL name of the sign-in step a signed-in staff user still owes, or None when they are through."""
    if is_verified(user):
        return None
    if has_confirmed_device(user):
        return VERIFY
    if two_factor_required(user):
        return SETUP
    return None


@overload
def staff_required(view: View, /) -> View: ...
@overload
def staff_required(*, step: str) -> Callable[[View], View]: ...
def staff_required(view: View | None = None, /, *, step: str | None = None) -> View | Callable[[View], View]:
    """Let through signed-in staff who finished their sign-in; send everyone else to the right place.

    Anonymous users go to the sign-in page, signed-in non-staff get 403, and staff who still owe a step
    go to it. The views of a step itself pass ``step`` so that users on that step reach them.
    """

    def decorator(view: View) -> View:
        @wraps(view)
        def guarded(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
            user = request.user
            if not isinstance(user, User):
                return redirect_to_login(request.get_full_path())
            if not user.is_staff:
                raise PermissionDenied
            pending = pending_step(user)
            if pending is not None and pending != step:
                return _redirect_to_step(pending, request.get_full_path())
            return view(request, *args, **kwargs)

        return guarded

    return decorator if view is None else decorator(view)


def _redirect_to_step(step: str, next_url: str) -> HttpResponseRedirect:
    return HttpResponseRedirect(f"{reverse(step)}?{urlencode({'next': next_url})}")


def _next_url(request: HttpRequest) -> str:
    """Where to go once signed in: the ``next`` parameter when it stays on this site, else the ticket list."""
    candidate = request.POST.get("next") or request.GET.get("next", "")
    if url_has_allowed_host_and_scheme(
        candidate, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return candidate
    return reverse(settings.LOGIN_REDIRECT_URL)


class StaffLoginView(LoginView):
    """The password step. Django's view does the work; we only add the step that may follow."""

    form_class = StaffAuthenticationForm
    template_name = "scp/login.html"

    def dispatch(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        if request.user.is_authenticated and request.user.is_staff:
            return HttpResponseRedirect(self.get_success_url())
        return super().dispatch(request, *args, **kwargs)

    def form_valid(self, form: AuthenticationForm) -> HttpResponse:
        response = super().form_valid(form)
        step = pending_step(form.get_user())
        if step is not None:
            return _redirect_to_step(step, self.get_success_url())
        return response


@require_POST
def sign_out(request: HttpRequest) -> HttpResponse:
    logout(request)
    messages.info(request, _("You have signed out."))
    return redirect(LOGIN)


@require_http_methods(["GET", "POST"])
@staff_required(step=VERIFY)
def verify(request: StaffRequest) -> HttpResponse:
    """The one-time code step, for staff with a confirmed device."""
    next_url = _next_url(request)
    if pending_step(request.user) != VERIFY:
        return redirect(next_url)
    form = OneTimeCodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        device = django_otp.match_token(request.user, form.cleaned_data["code"])
        if device is None:
            return _code_refused(request, form, next_url)
        django_otp.login(request, device)
        request.session.pop(CODE_FAILURES_KEY, None)
        if isinstance(device, StaticDevice):
            _warn_backup_codes_left(request, device)
        return redirect(next_url)
    return render(request, "scp/verify.html", {"form": form, "next": next_url})


def _code_refused(request: StaffRequest, form: OneTimeCodeForm, next_url: str) -> HttpResponse:
    # A wrong code counts as a failed sign-in, so django-axes locks the user and address as for passwords.
    user_login_failed.send(sender=__name__, credentials={"username": request.user.get_username()}, request=request)
    failures = request.session.get(CODE_FAILURES_KEY, 0) + 1
    if failures >= MAX_CODE_FAILURES:
        logout(request)
        messages.error(request, _("Too many wrong codes. Sign in again."))
        return redirect(LOGIN)
    request.session[CODE_FAILURES_KEY] = failures
    form.add_error("code", _("That code is not valid. Check that your phone's clock is right and try again."))
    return render(request, "scp/verify.html", {"form": form, "next": next_url})


def _warn_backup_codes_left(request: HttpRequest, device: StaticDevice) -> None:
    left = device.token_set.count()
    messages.warning(
        request,
        ngettext(
            "You signed in with a backup code. You have %(count)d left.",
            "You signed in with a backup code. You have %(count)d left.",
            left,
        )
        % {"count": left},
    )


@require_http_methods(["GET", "POST"])
@staff_required(step=SETUP)
def two_factor_setup(request: StaffRequest) -> HttpResponse:
    """Pair an authenticator app: show its secret as a QR code, confirm a code, then hand out backup codes.

    The secret stays in the session until a code proves the app has it; only then is a device saved.
    """
    next_url = _next_url(request)
    if django_otp.user_has_device(request.user):
        messages.info(request, _("Two-factor sign-in is already set up."))
        return redirect(next_url)
    device = TOTPDevice(
        user=request.user, name="Authenticator app", key=request.session.setdefault(SETUP_KEY, random_hex(20))
    )
    form = ConfirmDeviceForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if _code_matches(device, form.cleaned_data["code"]):
            codes = enable_two_factor(device=device)
            django_otp.login(request, device)
            del request.session[SETUP_KEY]
            return render(request, "scp/2fa_backup_codes.html", {"codes": codes, "next": next_url})
        form.add_error("code", _("That code does not match. Check that your phone's clock is right and try again."))
    secret = b32encode(device.bin_key).decode()
    context = {
        "form": form,
        "next": next_url,
        "qr_code": segno.make(device.config_url, error="m").svg_data_uri(scale=5, dark="#000", light="#fff"),
        "secret": " ".join(secret[i : i + 4] for i in range(0, len(secret), 4)),
    }
    return render(request, "scp/2fa_setup.html", context)


def _code_matches(device: TOTPDevice, code: str) -> bool:
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    if not totp.verify(int(code), tolerance=device.tolerance):
        return False
    device.last_t = totp.t()  # the same code cannot sign in again
    return True


@transaction.atomic
def enable_two_factor(*, device: TOTPDevice) -> list[str]:
    """Save a confirmed TOTP device and a fresh set of backup codes for its user; return the codes."""
    device.confirmed = True
    device.save()
    backup = StaticDevice.objects.create(user=device.user, name="Backup codes")
    codes = [StaticToken.random_token() for _n in range(BACKUP_CODE_COUNT)]
    StaticToken.objects.bulk_create(StaticToken(device=backup, token=code) for code in codes)
    return codes
