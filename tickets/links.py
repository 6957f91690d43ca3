"""Signed, expiring, revocable links that open one ticket in the portal for one person.

Every customer mail carries one. The URL holds a random secret signed with SECRET_KEY; the database keeps only
its SHA-256, the ticket, the person and the expiry, so a link can be revoked and a stolen database opens nothing.
"""

from __future__ import annotations

import hashlib
import secrets
from datetime import timedelta

from django.conf import settings
from django.core import signing
from django.db.models import QuerySet
from django.urls import reverse
from django.utils import timezone

from helpdesk.accounts.models import User
from tickets.models import AccessLink, Ticket

_SALT = "tickets.links.access"


def _hash(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def _signer() -> signing.Signer:
    return signing.Signer(salt=_SALT)


def create_link(*, ticket: Ticket, user: User) -> tuple[AccessLink, str]:
    """A new access link and the signed token that opens it (the only time the secret exists in clear)."""
    secret = secrets.token_urlsafe(32)
    now = timezone.now()
    link = AccessLink.objects.create(
        token_hash=_hash(secret),
        ticket=ticket,
        user=user,
        created_at=now,
        expires_at=now + timedelta(days=settings.PORTAL_LINK_DAYS),
    )
    return link, _signer().sign(secret)


def customer_link(*, ticket: Ticket, user: User) -> str:
    """An absolute URL that opens ``ticket`` in the portal for ``user`` through a fresh access link."""
    _link, token = create_link(ticket=ticket, user=user)
    return settings.SITE_URL + reverse("portal:link", kwargs={"token": token})


def link_for_token(token: str) -> AccessLink | None:
    """The valid link a token opens, or ``None`` when it is tampered with, unknown, expired or revoked."""
    try:
        secret = _signer().unsign(token)
    except signing.BadSignature:
        return None
    link = AccessLink.objects.select_related("ticket", "user").filter(token_hash=_hash(secret)).first()
    if link is None or not link.is_valid():
        return None
    return link


def valid_links(ids: list[int]) -> QuerySet[AccessLink]:
    """Of these link ids, those neither revoked nor expired."""
    return AccessLink.objects.filter(pk__in=ids, revoked_at__isnull=True, expires_at__gt=timezone.now())


def revoke_links(*, ticket: Ticket, user: User | None = None) -> int:
    """Revoke every live link to the ticket (only ``user``'s when given); returns how many."""
    links = AccessLink.objects.filter(ticket=ticket, revoked_at__isnull=True)
    if user is not None:
        links = links.filter(user=user)
    return links.update(revoked_at=timezone.now())


def revoke_link_ids(ids: list[int]) -> int:
    """Revoke these links (those still live); returns how many."""
    return AccessLink.objects.filter(pk__in=ids, revoked_at__isnull=True).update(revoked_at=timezone.now())
