"""The thread as a customer sees it: messages and agent responses only, never internal notes."""

from __future__ import annotations

import html
import re
from dataclasses import dataclass

from django.db.models import Prefetch
from django.urls import reverse

from tickets.models import Attachment, ThreadEntry, Ticket
from tickets.thread import is_inline_image

PUBLIC_KINDS = (ThreadEntry.Kind.MESSAGE, ThreadEntry.Kind.RESPONSE)
_CID_SRC = re.compile(r'src="cid:([^"]+)"', re.IGNORECASE)


@dataclass(frozen=True)
class PublicEntry:
    entry: ThreadEntry
    body: str
    files: list[Attachment]
    images: list[Attachment]


def public_thread(ticket: Ticket) -> list[PublicEntry]:
    """The ticket's public entries, oldest first, in two queries whatever the length."""
    entries = (
        ThreadEntry.objects.filter(ticket=ticket, kind__in=PUBLIC_KINDS)
        .select_related("author")
        .prefetch_related(Prefetch("attachments", queryset=Attachment.objects.order_by("id")))
        .order_by("created_at", "id")
    )
    return [_public_entry(ticket, entry) for entry in entries]


def _public_entry(ticket: Ticket, entry: ThreadEntry) -> PublicEntry:
    files = list(entry.attachments.all())
    by_cid = {a.content_id.strip("<>"): a for a in files if a.content_id}
    in_body: set[int] = set()

    def to_url(match: re.Match[str]) -> str:
        found = by_cid.get(html.unescape(match.group(1)).strip("<>"))
        if found is None or not is_inline_image(found):
            return 'src=""'
        in_body.add(found.pk)
        return f'src="{attachment_url(ticket, found)}"'

    body = _CID_SRC.sub(to_url, entry.body)
    images = [a for a in files if is_inline_image(a) and a.pk not in in_body]
    return PublicEntry(entry=entry, body=body, files=files, images=images)


def attachment_url(ticket: Ticket, attachment: Attachment) -> str:
    return reverse("portal:attachment", kwargs={"number": ticket.number, "pk": attachment.pk})
