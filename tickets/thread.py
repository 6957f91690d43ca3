"""The thread as the staff ticket page shows it: entries with their files, inline images resolved, long threads cut.

A fixed number of queries whatever the thread's length: authors are joined, attachments prefetched, and a
thread of more than ``LONG_THREAD`` entries loads only its first and last ``SHOWN_AT_EACH_END``.
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass

from django.db.models import Prefetch, QuerySet
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext

from tickets.models import Attachment, ThreadEntry, Ticket

LONG_THREAD = 100
SHOWN_AT_EACH_END = 50

# Shown in the page and served inline; anything else (SVG and HTML above all) is only ever downloaded.
INLINE_IMAGE_TYPES = frozenset({"image/png", "image/jpeg", "image/gif", "image/webp"})

_CID_SRC = re.compile(r'src="cid:([^"]+)"', re.IGNORECASE)
_REMOTE_IMG = re.compile(r'<img\b[^>]*?\ssrc="((?:https?:)?//[^"]*)"[^>]*>', re.IGNORECASE)


def media_type(attachment: Attachment) -> str:
    """The attachment's content type without parameters, lower-case."""
    return attachment.content_type.split(";")[0].strip().lower()


def is_inline_image(attachment: Attachment) -> bool:
    return media_type(attachment) in INLINE_IMAGE_TYPES


@dataclass(frozen=True)
class EntryView:
    entry: ThreadEntry
    body: str  # sanitised HTML with cid: images pointing at our attachment URLs
    files: list[Attachment]
    images: list[Attachment]  # image files not already shown in the body
    quoted: str = ""  # the quoted history below a mail, prepared like the body


@dataclass(frozen=True)
class Thread:
    entries: list[EntryView]
    total: int
    hidden: int = 0  # entries left out between the first and the last ones
    gap_after: int = 0  # how many entries come before the "show earlier entries" link


def _entries(ticket: Ticket) -> QuerySet[ThreadEntry]:
    return (
        ThreadEntry.objects.filter(ticket=ticket)
        .select_related("author")
        .prefetch_related(Prefetch("attachments", queryset=Attachment.objects.order_by("id")))
        .order_by("created_at", "id")
    )


def thread_for(ticket: Ticket, *, everything: bool = False) -> Thread:
    """The entries to show in order; unless ``everything``, a long thread skips its middle."""
    entries = _entries(ticket)
    if everything:
        shown = list(entries)
        return Thread(entries=[entry_view(e) for e in shown], total=len(shown))
    total = entries.count()
    if total <= LONG_THREAD:
        return Thread(entries=[entry_view(e) for e in entries], total=total)
    head = list(entries[:SHOWN_AT_EACH_END])
    tail = list(entries.order_by("-created_at", "-id")[:SHOWN_AT_EACH_END])[::-1]
    return Thread(
        entries=[entry_view(e) for e in head + tail],
        total=total,
        hidden=total - len(head) - len(tail),
        gap_after=len(head),
    )


def entry_view(entry: ThreadEntry) -> EntryView:
    files = list(entry.attachments.all())
    by_cid = {a.content_id.strip("<>"): a for a in files if a.content_id}
    in_body: set[int] = set()

    def to_url(match: re.Match[str]) -> str:
        attachment = by_cid.get(html.unescape(match.group(1)).strip("<>"))
        if attachment is None:
            return match.group(0)
        in_body.add(attachment.pk)
        return f'src="{attachment_url(attachment)}"'

    body = _without_remote_images(_CID_SRC.sub(to_url, entry.body))
    quoted = _without_remote_images(_CID_SRC.sub(to_url, entry.quoted))
    images = [a for a in files if is_inline_image(a) and a.pk not in in_body]
    return EntryView(entry=entry, body=body, files=files, images=images, quoted=quoted)


def _without_remote_images(markup: str) -> str:
    """Images from other hosts become links: loading them would tell the sender who read the mail, and when."""

    def to_link(match: re.Match[str]) -> str:
        return format_html(
            '<a class="external-image" href="{}" rel="noopener noreferrer nofollow" target="_blank">{}</a>',
            html.unescape(match.group(1)),
            gettext("[external image]"),
        )

    return _REMOTE_IMG.sub(to_link, markup)


def attachment_url(attachment: Attachment) -> str:
    return reverse("scp:attachment", args=[attachment.pk])


def latest_message_id(ticket: Ticket) -> int | None:
    """The newest customer message of the ticket: a reply written before it arrived crosses it."""
    return (
        ThreadEntry.objects.filter(ticket=ticket, kind=ThreadEntry.Kind.MESSAGE)
        .order_by("-created_at", "-id")
        .values_list("pk", flat=True)
        .first()
    )
