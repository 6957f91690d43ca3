"""The portal's own mail: a ticket link on request, and the sign-up confirmation. Three templates per mail."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation

from helpdesk.accounts.models import User
from tickets.links import customer_link
from tickets.models import Ticket


def send(template: str, *, to: str, context: dict[str, Any], language: str = "") -> None:
    """Send ``mail/<template>_subject.txt`` / ``.txt`` / ``.html`` to one address, in ``language`` if given."""
    context = {"portal_name": settings.PORTAL_NAME, "site_url": settings.SITE_URL, **context}
    with translation.override(language or translation.get_language()):
        subject = " ".join(render_to_string(f"mail/{template}_subject.txt", context).split())
        text = render_to_string(f"mail/{template}.txt", context)
        html = render_to_string(f"mail/{template}.html", context)
    message = EmailMultiAlternatives(subject, text, settings.DEFAULT_FROM_EMAIL, [to])
    message.attach_alternative(html, "text/html")
    message.send()


def send_ticket_link(*, ticket: Ticket, user: User) -> None:
    """Mail ``user`` a fresh signed link to the ticket (the status check)."""
    context = {"ticket": ticket, "user": user, "link": customer_link(ticket=ticket, user=user)}
    send("portal_status_link", to=user.email, context=context, language=user.language)


def send_signup(*, email: str, confirm_url: str | None, user: User | None) -> None:
    """The answer to a sign-up: a confirmation link, or word that the address already has an account."""
    if confirm_url is None:
        context = {"user": user, "login_url": settings.SITE_URL + reverse("portal:login")}
        send("portal_signup_exists", to=email, context=context, language=user.language if user else "")
        return
    send("portal_signup", to=email, context={"confirm_url": confirm_url}, language=user.language if user else "")
