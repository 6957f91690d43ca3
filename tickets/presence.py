"""Who else has a ticket open in the staff panel, and who is typing a reply there (collision avoidance).

Kept in Django's cache, one entry per ticket mapping user ids to their last sign of life; an agent whose
page stops reporting drops out after ``TTL`` seconds. Two agents reporting at the same instant may
overwrite each other's update; the next report, ten seconds later, puts the lost one back.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from typing import Any

from django.core.cache import cache
from django.utils.translation import gettext as _

from helpdesk.accounts.models import User

TTL = 30  # seconds without a report before an agent is no longer shown
Entries = dict[int, dict[str, Any]]


@dataclass(frozen=True)
class Presence:
    user_id: int
    name: str
    typing: bool

    @property
    def text(self) -> str:
        if self.typing:
            return _("%(name)s is typing a reply") % {"name": self.name}
        return _("%(name)s is viewing") % {"name": self.name}

    def as_json(self) -> dict[str, Any]:
        return {"name": self.name, "typing": self.typing, "text": self.text}


def _key(ticket_id: int) -> str:
    return f"sportello:presence:{ticket_id}"


def _fresh(entries: Entries, now: float) -> Entries:
    return {user_id: entry for user_id, entry in entries.items() if now - entry["at"] < TTL}


def touch(ticket_id: int, user: User, *, typing: bool, now: float | None = None) -> None:
    """Record that ``user`` has the ticket open (and whether they are typing)."""
    now = time.time() if now is None else now
    entries = _fresh(cache.get(_key(ticket_id)) or {}, now)
    entries[user.pk] = {"name": user.display_name, "typing": typing, "at": now}
    cache.set(_key(ticket_id), entries, timeout=TTL)


def others(ticket_id: int, user: User, *, now: float | None = None) -> list[Presence]:
    """Everyone but ``user`` who has the ticket open, typists first."""
    now = time.time() if now is None else now
    entries = _fresh(cache.get(_key(ticket_id)) or {}, now)
    found = [
        Presence(user_id=user_id, name=entry["name"], typing=entry["typing"])
        for user_id, entry in entries.items()
        if user_id != user.pk
    ]
    return sorted(found, key=lambda presence: (not presence.typing, presence.name))
