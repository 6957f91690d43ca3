"""The portal visitor: who they are for a ticket, through their account or the mail links opened in this session."""

from __future__ import annotations

from django.http import HttpRequest

from helpdesk.accounts.models import User
from tickets.access import portal_ticket
from tickets.models import AccessLink, Ticket

LINKS_KEY = "portal_links"


def grant_link(request: HttpRequest, link: AccessLink) -> None:
    """Remember in this session that the visitor opened ``link``; each request checks it again."""
    ids = [i for i in request.session.get(LINKS_KEY, []) if i != link.pk]
    if not ids:
        # A fresh key when access is first granted: a session id planted before the click learns nothing.
        request.session.cycle_key()
    request.session[LINKS_KEY] = [*ids[-19:], link.pk]


def ticket_and_customer(request: HttpRequest, number: str) -> tuple[Ticket, User]:
    """The ticket the visitor may read with this number and the customer they act as, else 404."""
    return portal_ticket(request.user, number, list(request.session.get(LINKS_KEY, [])))  # type: ignore[arg-type]
