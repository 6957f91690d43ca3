"""The thread as the staff ticket page shows it: entries with their files, inline images resolved, long threads cut.

Two queries whatever the thread's length: the entries with their authors (numbered by a window function, so
a thread of more than ``LONG_THREAD`` entries loads only its first and last ``SHOWN_AT_EACH_END`` and learns
its length in the same query), then their attachments. What each entry shows (author, times, file URLs) is
worked out here once, so the template only prints strings: template lookups per entry cost more than the SQL.
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass

from django.db.models import Count, F, Prefetch, Q, QuerySet, Subquery, Window
from django.db.models.functions import RowNumber
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext

from tickets.dates import ShownTime, TimeFormatter
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
class FileView:
    attachment: Attachment
    url: str
    name: str


@dataclass(frozen=True)
class EntryView:
    entry: ThreadEntry
    body: str  # sanitised HTML with cid: images pointing at our attachment URLs
    files: list[FileView]
    images: list[FileView]  # image files not already shown in the body
    quoted: str  # the quoted history below a mail, prepared like the body
    author: str
    created: ShownTime


@dataclass(frozen=True)
class Thread:
    entries: list[EntryView]
    total: int
    hidden: int = 0  # entries left out between the first and the last ones
    gap_after: int = 0  # how many entries come before the "show earlier entries" link
    latest_message_id: int | None = None  # see latest_message_id(), also when hidden in the middle


def _entries(ticket: Ticket) -> QuerySet[ThreadEntry]:
    return (
        ThreadEntry.objects.filter(ticket=ticket)
        .select_related("author")
        .only(*_ENTRY_FIELDS, "author__name", "author__email")
        # A list per entry (to_attr): reading a prefetched manager clones a queryset each time, twice per entry.
        .prefetch_related(Prefetch("attachments", queryset=Attachment.objects.order_by("id"), to_attr=_FILES))
        .order_by("created_at", "id")
    )


_FILES = "files_in_order"
# What the page prints of an entry: not its plain-text copy for search, nor the author's whole row.
_ENTRY_FIELDS = ("ticket_id", "kind", "author_id", "author_name", "body", "quoted", "source", "created_at")


def thread_for(ticket: Ticket, *, everything: bool = False) -> Thread:
    """The entries to show in order; unless ``everything``, a long thread skips its middle."""
    entries = _entries(ticket)
    if everything:
        shown = list(entries)
        messages = [entry.pk for entry in shown if entry.kind == ThreadEntry.Kind.MESSAGE]
        return Thread(
            entries=_entry_views(shown), total=len(shown), latest_message_id=messages[-1] if messages else None
        )
    # Number the thread on its keys alone, so the bodies and authors of a skipped middle are never read.
    ends = (
        ThreadEntry.objects.filter(ticket=ticket)
        .annotate(
            position=Window(RowNumber(), order_by=[F("created_at").asc(), F("id").asc()]),
            thread_total=Window(Count("*")),
        )
        .filter(
            Q(thread_total__lte=LONG_THREAD)
            | Q(position__lte=SHOWN_AT_EACH_END)
            | Q(position__gt=F("thread_total") - SHOWN_AT_EACH_END)
        )
        .values("pk")
    )
    length = ThreadEntry.objects.filter(ticket=ticket).order_by().values("ticket").annotate(n=Count("*")).values("n")
    newest = _messages(ticket).order_by("-created_at", "-id").values("pk")[:1]
    shown = list(entries.filter(pk__in=ends).annotate(thread_total=Subquery(length), newest=Subquery(newest)))
    total = shown[0].thread_total if shown else 0  # type: ignore[attr-defined]  # the annotation
    hidden = total - len(shown)
    return Thread(
        entries=_entry_views(shown),
        total=total,
        hidden=hidden,
        gap_after=SHOWN_AT_EACH_END if hidden else 0,
        latest_message_id=shown[0].newest if shown else None,  # type: ignore[attr-defined]  # the annotation
    )


def _entry_views(entries: list[ThreadEntry]) -> list[EntryView]:
    """The entries as the page prints them, with dates formatted once for the active language and zone."""
    shown_time = TimeFormatter()
    unknown = gettext("Unknown")
    return [
        _entry_view(
            entry,
            author=entry.author_name or (entry.author.display_name if entry.author else "") or unknown,
            created=shown_time(entry.created_at),
        )
        for entry in entries
    ]


def _entry_view(entry: ThreadEntry, *, author: str, created: ShownTime) -> EntryView:
    """One entry loaded by ``_entries`` (its files prefetched in order) as the page prints it."""
    files: list[Attachment] = getattr(entry, _FILES)
    by_cid = {a.content_id.strip("<>"): a for a in files if a.content_id}
    urls = {a.pk: attachment_url(a) for a in files}
    in_body: set[int] = set()

    def to_url(match: re.Match[str]) -> str:
        attachment = by_cid.get(html.unescape(match.group(1)).strip("<>"))
        if attachment is None:
            return match.group(0)
        in_body.add(attachment.pk)
        return f'src="{urls[attachment.pk]}"'

    body = _without_remote_images(_CID_SRC.sub(to_url, entry.body))
    quoted = _without_remote_images(_CID_SRC.sub(to_url, entry.quoted)) if entry.quoted else ""
    views = [FileView(attachment=a, url=urls[a.pk], name=a.safe_name) for a in files]
    images = [v for v in views if is_inline_image(v.attachment) and v.attachment.pk not in in_body]
    return EntryView(entry=entry, body=body, files=views, images=images, quoted=quoted, author=author, created=created)


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
    return _messages(ticket).order_by("-created_at", "-id").values_list("pk", flat=True).first()


def _messages(ticket: Ticket) -> QuerySet[ThreadEntry]:
    return ThreadEntry.objects.filter(ticket=ticket, kind=ThreadEntry.Kind.MESSAGE)
