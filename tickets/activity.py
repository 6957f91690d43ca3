"""The activity log in words: each TicketEvent becomes one translated sentence for the ticket page.

Sentences about what a person did name them ("Alice Agent assigned the ticket to Bob"); sentences
about a field name only the change ("Priority changed from Normal to High") and the page shows who
made it next to the time. Event data holds names and raw values as the services wrote them, so a
label renamed later never rewrites history, and unknown values are shown as they were stored.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.utils import formats, timezone
from django.utils.translation import gettext as _

from tickets.models import Priority, Source, TicketEvent, TicketType
from tickets.services import DUE_EVENT

Kind = TicketEvent.Kind


@dataclass(frozen=True)
class ActivityLine:
    """One event as the activity list shows it."""

    event: TicketEvent
    text: str
    icon: str
    # Whether ``text`` already names the actor; otherwise the page adds "by <actor>".
    names_actor: bool

    @property
    def actor_name(self) -> str:
        return actor_name(self.event)


def activity_lines(events: Iterable[TicketEvent]) -> list[ActivityLine]:
    """The events (actor selected) as sentences, in the order given."""
    return [describe(event) for event in events]


def describe(event: TicketEvent) -> ActivityLine:
    """One event as a sentence; a kind this module does not know falls back to its label."""
    writer = _WRITERS.get(event.kind)
    if writer is None:
        return ActivityLine(event, event.get_kind_display(), "bi-dot", names_actor=False)
    text, names_actor = writer(event, event.data if isinstance(event.data, dict) else {})
    return ActivityLine(event, text, _ICONS.get(event.kind, "bi-dot"), names_actor)


def actor_name(event: TicketEvent) -> str:
    # No actor: the system did it, or the person was deleted since.
    return event.actor.display_name if event.actor is not None else _("Someone")


# --- one writer per kind: (event, data) -> (sentence, whether it names the actor) ---------------

Sentence = tuple[str, bool]


def _created(event: TicketEvent, data: dict[str, Any]) -> Sentence:
    values = {
        "actor": actor_name(event),
        "department": data.get("department") or "?",
        "source": _label(Source.choices, data.get("source")),
    }
    text = _("%(actor)s opened the ticket in %(department)s (source: %(source)s)") % values
    if isinstance(data.get("filters"), list) and data["filters"]:
        text += "; " + _("ticket filters applied: %(names)s") % {"names": ", ".join(map(str, data["filters"]))}
    return text, True


def _message(event: TicketEvent, data: dict[str, Any]) -> Sentence:
    return _("%(actor)s wrote a message") % {"actor": actor_name(event)}, True


def _response(event: TicketEvent, data: dict[str, Any]) -> Sentence:
    return _("%(actor)s replied to the customer") % {"actor": actor_name(event)}, True


def _note(event: TicketEvent, data: dict[str, Any]) -> Sentence:
    return _("%(actor)s added an internal note") % {"actor": actor_name(event)}, True


def _assigned(event: TicketEvent, data: dict[str, Any]) -> Sentence:
    after = data.get("after")
    if not isinstance(after, dict):
        after = {}
    agent, team = after.get("agent"), after.get("team")
    if agent is None and team is None:
        return _("%(actor)s unassigned the ticket") % {"actor": actor_name(event)}, True
    if agent and team:
        target = _("%(agent)s (team %(team)s)") % {"agent": agent, "team": team}
    elif agent:
        target = agent
    else:
        target = _("team %(team)s") % {"team": team}
    if data.get("by_topic"):
        return _("The help topic assigned the ticket to %(target)s") % {"target": target}, True
    if event.actor is not None and agent == event.actor.display_name and not team:
        return _("%(actor)s took charge of the ticket") % {"actor": actor_name(event)}, True
    return _("%(actor)s assigned the ticket to %(target)s") % {"actor": actor_name(event), "target": target}, True


def _transferred(event: TicketEvent, data: dict[str, Any]) -> Sentence:
    values = {"actor": actor_name(event), "before": data.get("before"), "after": data.get("after")}
    if data.get("unassigned"):
        values["agent"] = data["unassigned"]
        text = _(
            "%(actor)s transferred the ticket from %(before)s to %(after)s; "
            "%(agent)s, who has no access there, was unassigned"
        )
        return text % values, True
    return _("%(actor)s transferred the ticket from %(before)s to %(after)s") % values, True


def _status(event: TicketEvent, data: dict[str, Any]) -> Sentence:
    values = {"before": data.get("before"), "after": data.get("after")}
    return _automatic(_("Status changed from %(before)s to %(after)s") % values, data), False


def _closed(event: TicketEvent, data: dict[str, Any]) -> Sentence:
    return _automatic(_("Closed (status %(status)s)") % {"status": data.get("after")}, data), False


def _automatic(text: str, data: dict[str, Any]) -> str:
    """Mark a change made by status automation or auto-close."""
    return text + " " + _("(automatically)") if data.get("automatic") else text


def _reopened(event: TicketEvent, data: dict[str, Any]) -> Sentence:
    return _("Reopened (status %(status)s)") % {"status": data.get("after")}, False


def _priority(event: TicketEvent, data: dict[str, Any]) -> Sentence:
    values = {key: _label(Priority.choices, data.get(key)) for key in ("before", "after")}
    return _("Priority changed from %(before)s to %(after)s") % values, False


def _type(event: TicketEvent, data: dict[str, Any]) -> Sentence:
    values = {key: _label(TicketType.choices, data.get(key)) for key in ("before", "after")}
    return _("Type changed from %(before)s to %(after)s") % values, False


def _title(event: TicketEvent, data: dict[str, Any]) -> Sentence:
    values = {"before": data.get("before"), "after": data.get("after")}
    return _("Subject changed from “%(before)s” to “%(after)s”") % values, False


def _merged(event: TicketEvent, data: dict[str, Any]) -> Sentence:
    if data.get("into"):
        values = {"actor": actor_name(event), "number": data["into"]}
        return _("%(actor)s merged this ticket into #%(number)s") % values, True
    values = {"actor": actor_name(event), "number": data.get("merged")}
    return _("%(actor)s merged #%(number)s into this ticket") % values, True


def _cc(event: TicketEvent, data: dict[str, Any]) -> Sentence:
    if data.get("removed"):
        values = {"actor": actor_name(event), "email": data["removed"]}
        return _("%(actor)s removed %(email)s from CC") % values, True
    values = {"actor": actor_name(event), "email": data.get("added")}
    return _("%(actor)s added %(email)s to CC") % values, True


def _published(event: TicketEvent, data: dict[str, Any]) -> Sentence:
    if data.get("after"):
        return _("Published in the public reports"), False
    return _("Withdrawn from the public reports"), False


def _overdue(event: TicketEvent, data: dict[str, Any]) -> Sentence:
    due = _parse_moment(data.get("due_at"))
    if due is None:
        return _("Marked overdue"), False
    return _("Marked overdue (it was due %(due)s)") % {"due": due}, False


def _due(event: TicketEvent, data: dict[str, Any]) -> Sentence:
    due = _parse_moment(data.get("after"))
    if due is None:
        return _("Due date removed"), False
    return _("Due date set to %(due)s") % {"due": due}, False


def _linked(event: TicketEvent, data: dict[str, Any]) -> Sentence:
    if data.get("removed"):
        values = {"actor": actor_name(event), "number": data["removed"]}
        return _("%(actor)s removed the link to ticket #%(number)s") % values, True
    values = {"actor": actor_name(event), "number": data.get("added")}
    return _("%(actor)s linked ticket #%(number)s as related") % values, True


def _requester(event: TicketEvent, data: dict[str, Any]) -> Sentence:
    values = {"actor": actor_name(event), "before": data.get("before"), "after": data.get("after")}
    return _("%(actor)s changed the requester from %(before)s to %(after)s") % values, True


_WRITERS: dict[str, Callable[[TicketEvent, dict[str, Any]], Sentence]] = {
    Kind.CREATED: _created,
    Kind.MESSAGE: _message,
    Kind.RESPONSE: _response,
    Kind.NOTE: _note,
    Kind.ASSIGNED: _assigned,
    Kind.TRANSFERRED: _transferred,
    Kind.STATUS: _status,
    Kind.CLOSED: _closed,
    Kind.REOPENED: _reopened,
    Kind.PRIORITY: _priority,
    Kind.TYPE: _type,
    Kind.TITLE: _title,
    Kind.MERGED: _merged,
    Kind.CC: _cc,
    Kind.PUBLISHED: _published,
    Kind.OVERDUE: _overdue,
    Kind.LINKED: _linked,
    Kind.REQUESTER: _requester,
    DUE_EVENT: _due,
}

# Bootstrap Icons class per kind.
_ICONS: dict[str, str] = {
    Kind.CREATED: "bi-plus-circle",
    Kind.MESSAGE: "bi-envelope",
    Kind.RESPONSE: "bi-reply",
    Kind.NOTE: "bi-sticky",
    Kind.ASSIGNED: "bi-person-check",
    Kind.TRANSFERRED: "bi-arrow-left-right",
    Kind.STATUS: "bi-flag",
    Kind.CLOSED: "bi-check-circle",
    Kind.REOPENED: "bi-arrow-counterclockwise",
    Kind.PRIORITY: "bi-exclamation-diamond",
    Kind.TYPE: "bi-tag",
    Kind.TITLE: "bi-pencil",
    Kind.MERGED: "bi-union",
    Kind.CC: "bi-people",
    Kind.PUBLISHED: "bi-globe",
    Kind.OVERDUE: "bi-alarm",
    Kind.LINKED: "bi-link-45deg",
    Kind.REQUESTER: "bi-person-badge",
    DUE_EVENT: "bi-calendar-event",
}


def _label(choices: Iterable[tuple[Any, Any]], value: object) -> str:
    """The choice's translated label, or the stored value itself when it is no longer a choice."""
    if isinstance(value, str | int):
        return str(dict(choices).get(value, value))
    return str(value)


def _parse_moment(value: object) -> str | None:
    if not isinstance(value, str):
        return None
    try:
        moment = datetime.fromisoformat(value)
    except ValueError:
        return None
    if timezone.is_naive(moment):
        moment = timezone.make_aware(moment, timezone.get_current_timezone())
    return formats.date_format(timezone.localtime(moment), "SHORT_DATETIME_FORMAT")
