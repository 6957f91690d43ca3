"""Customer accounts: sign-up with e-mail confirmation, sign-in and out, password reset, my tickets, profile.

Sign-up never says whether an address is known: the page is the same and the mail differs. Confirming an
address that already opened tickets by e-mail gives that same user a password, so those tickets appear.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login, logout
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.core import signing
from django.core.paginator import Paginator
from django.db import IntegrityError, transaction
from django.db.models import Q, QuerySet
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import redirect, render
from django.urls import reverse, reverse_lazy
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from helpdesk.accounts.backends import BACKEND
from helpdesk.accounts.models import User, same_email
from tickets.access import customer_tickets
from tickets.models import State, Ticket
from tickets.portal_account_forms import (
    ChoosePasswordForm,
    CustomerAuthenticationForm,
    MyTicketsForm,
    ProfileForm,
    SignUpForm,
)
from tickets.portal_limits import allow_all, client_ip
from tickets.portal_mail import send_signup

SIGNUP_SALT = "tickets.portal.signup"
SIGNUP_MAX_AGE = 2 * 24 * 60 * 60
PAGE_SIZE = 20
LOGIN = "portal:login"


# --- sign-up ----------------------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
def register(request: HttpRequest) -> HttpResponse:
    """Ask for name and address; mail a confirmation link (or a sign-in hint when the account exists)."""
    form = SignUpForm(request.POST or None)
    if request.method != "POST" or not form.is_valid():
        return render(request, "portal/register.html", {"form": form}, status=400 if form.is_bound else 200)
    email = form.cleaned_data["email"]
    if not allow_all("lookup", [client_ip(request), email], limit=settings.PORTAL_LOOKUPS_PER_HOUR):
        form.add_error(None, _("Too many requests from here or for this address. Try again later."))
        return render(request, "portal/register.html", {"form": form}, status=429)
    user = User.objects.filter(same_email(email)).first()
    if user is not None and not _claimable(user):
        send_signup(email=email, confirm_url=None, user=user)
    else:
        token = signing.dumps({"e": email, "n": form.cleaned_data["name"]}, salt=SIGNUP_SALT)
        url = settings.SITE_URL + reverse("portal:register_confirm", args=[token])
        send_signup(email=email, confirm_url=url, user=user)
    text = _("We sent a message to %(email)s. Open the link in it to finish.") % {"email": email}
    return render(request, "portal/check_mail.html", {"message": text})


def _claimable(user: User) -> bool:
    """Whether confirming the address may give this existing user their first password: an active customer
    who so far only wrote by mail or through the portal. Staff accounts are never set up this way."""
    return user.is_active and not user.is_staff and not user.has_usable_password()


def _signup_claim(token: str) -> dict[str, str] | None:
    try:
        claim = signing.loads(token, salt=SIGNUP_SALT, max_age=SIGNUP_MAX_AGE)
    except signing.BadSignature:
        return None
    return claim if isinstance(claim, dict) and claim.get("e") else None


@require_http_methods(["GET", "POST"])
def register_confirm(request: HttpRequest, token: str) -> HttpResponse:
    """The link from the sign-up mail: choose a password, then you are signed in with your earlier tickets."""
    claim = _signup_claim(token)
    existing = User.objects.filter(same_email(claim["e"])).first() if claim else None
    if claim is None or (existing is not None and not _claimable(existing)):
        # Expired, tampered with, or already used (the address has a password now).
        return render(request, "portal/register_invalid.html", status=400)
    user = existing or User(email=claim["e"], name=claim.get("n", ""))
    form = ChoosePasswordForm(request.POST or None, user=user)
    if request.method != "POST" or not form.is_valid():
        context = {"form": form, "email": user.email}
        return render(request, "portal/register_confirm.html", context, status=400 if form.is_bound else 200)
    try:
        user = _confirm(user, form.cleaned_data["password1"])
    except IntegrityError:
        return render(request, "portal/register_invalid.html", status=400)
    login(request, user, backend=BACKEND)
    messages.success(request, _("Your address is confirmed and your account is ready."))
    return redirect("portal:my_tickets")


@transaction.atomic
def _confirm(user: User, password: str) -> User:
    """Set the password on the user with this address (created now if new), marking the address confirmed."""
    if user.pk is None:
        return User.objects.create_user(user.email, password, name=user.name, email_confirmed=True)
    user.set_password(password)
    user.email_confirmed = True
    user.save(update_fields=["password", "email_confirmed"])
    return user


# --- sign-in, sign-out, password reset --------------------------------------------------------


class CustomerLoginView(auth_views.LoginView):
    """Django's sign-in; django-axes counts failures per address and client and pauses after too many."""

    form_class = CustomerAuthenticationForm
    template_name = "portal/login.html"
    redirect_authenticated_user = True

    def get_default_redirect_url(self) -> str:
        return reverse("portal:my_tickets")


@require_POST
def sign_out(request: HttpRequest) -> HttpResponse:
    logout(request)
    messages.info(request, _("You have signed out."))
    return redirect("portal:home")


class CustomerPasswordResetView(auth_views.PasswordResetView):
    """Django's reset: the same answer whether or not the address has an account; throttled per client."""

    template_name = "portal/password_reset.html"
    email_template_name = "mail/portal_password_reset.txt"
    subject_template_name = "mail/portal_password_reset_subject.txt"
    success_url = reverse_lazy("portal:password_reset_done")

    def form_valid(self, form: Any) -> HttpResponse:
        email = str(form.cleaned_data["email"]).strip().lower()
        if not allow_all("lookup", [client_ip(self.request), email], limit=settings.PORTAL_LOOKUPS_PER_HOUR):
            return HttpResponseRedirect(self.get_success_url())  # silently: the answer may not differ
        self.extra_email_context = {"portal_name": settings.PORTAL_NAME, "site_url": settings.SITE_URL}
        return super().form_valid(form)


class CustomerPasswordResetConfirmView(auth_views.PasswordResetConfirmView):
    template_name = "portal/password_reset_confirm.html"
    success_url = reverse_lazy("portal:password_reset_complete")


# --- my tickets and profile -------------------------------------------------------------------


@require_GET
@login_required(login_url=LOGIN)
def my_tickets(request: HttpRequest) -> HttpResponse:
    """The customer's tickets (requested, CC'd, their organization's if they manage it): filter, search, pages."""
    form = MyTicketsForm(request.GET or None)
    filters: dict[str, Any] = form.cleaned_data if form.is_valid() else {}
    tickets = _filtered(customer_tickets(request.user), filters)  # type: ignore[arg-type]
    page = Paginator(tickets, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "portal/my_tickets.html", {"form": form, "page": page, "state": filters.get("state")})


def _filtered(tickets: QuerySet[Ticket], filters: dict[str, Any]) -> QuerySet[Ticket]:
    state = filters.get("state") or "open"
    if state in (State.OPEN, State.CLOSED):
        tickets = tickets.filter(state=state)
    text = str(filters.get("q") or "").strip()
    if text:
        tickets = tickets.filter(Q(subject__icontains=text) | Q(number=text.lstrip("#")))
    return tickets.select_related("status", "requester").order_by("-last_activity_at", "-pk")


@require_http_methods(["GET", "POST"])
@login_required(login_url=LOGIN)
def profile(request: HttpRequest) -> HttpResponse:
    """Name, phone and language."""
    user: User = request.user  # type: ignore[assignment]
    form = ProfileForm(request.POST or None, instance=user)
    if request.method != "POST" or not form.is_valid():
        return render(request, "portal/profile.html", {"form": form}, status=400 if form.is_bound else 200)
    form.save(commit=False).save(update_fields=["name", "phone", "language"])
    messages.success(request, _("Your profile is saved."))
    response = redirect("portal:profile")
    if user.language:
        response.set_cookie(settings.LANGUAGE_COOKIE_NAME, user.language, samesite="Lax")
    else:
        response.delete_cookie(settings.LANGUAGE_COOKIE_NAME)
    return response
