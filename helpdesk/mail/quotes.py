"""Separating what someone just wrote from the earlier mail their client quoted below it.

The thread shows the new part and keeps the history collapsible. Plain text is cut at the first line
that starts quoted history ("On … wrote:", "-----Original Message-----", an Outlook "From:/Sent:"
block, a separator line, or the trailing ">" block). HTML is cut where a mail client's quote container
starts (Gmail, Apple Mail, Outlook, Thunderbird), or at such a line. HTML is split *before* it is
sanitised, since the sanitiser drops the classes and ids that mark the containers.
When nothing would be left above the cut, the whole message counts as new.
"""

from __future__ import annotations

import re
from bisect import bisect_left
from collections.abc import Sequence
from html.parser import HTMLParser

from tickets.html import html_to_text, sanitize_html

_SEPARATOR = re.compile(
    r"^(?:-{2,}\s*(?:original message|messaggio originale|ursprüngliche nachricht|message d'origine|"
    r"mensaje original|reply message)\s*-{2,}|_{20,})$",
    re.IGNORECASE,
)
# "On Mon, 3 Mar 2025 at 10:00, Carol <carol@example.com> wrote:", "Il giorno lun 3 mar 2025 alle ore
# 10:00 Carol <…> ha scritto:", "Il 03/03/2025 10:00, Carol ha scritto:" and their French/German/Spanish
# cousins. A date or an address must appear in it, so "On Monday I wrote:" stays in the reply.
_ATTRIBUTION = re.compile(
    r"^(?:on\s.{4,400}\swrote|il\s.{4,400}\sha\sscritto|le\s.{4,400}\sa\sécrit|am\s.{4,400}\sschrieb|"
    r"el\s.{4,400}\sescribió)\s?:$",
    re.IGNORECASE,
)
_EVIDENCE = re.compile(r"\d|@")
_HEADER_FROM = re.compile(r"^\*?(?:from|da|von|de|van)\*?:\s*\S", re.IGNORECASE)
_HEADER_SENT = re.compile(r"^\*?(?:sent|date|inviato|data|gesendet|datum|envoyé|enviado)\*?:\s*\S", re.IGNORECASE)
_ATTRIBUTION_LINES = 3  # clients wrap a long attribution over up to three lines
_HEADER_LOOKAHEAD = 4  # lines between "From:" and "Sent:" (To:, Cc: may sit between)


def split_quoted(text: str) -> tuple[str, str]:
    """Plain text as (what is new, the quoted history below it); history is "" when there is none."""
    lines = text.splitlines()
    start = quote_start(lines)
    if start is None:
        return text.strip("\n"), ""
    new = "\n".join(lines[:start]).rstrip()
    if not new.strip():
        return text.strip("\n"), ""
    return new.strip("\n"), "\n".join(lines[start:]).strip("\n")


def split_quoted_html(markup: str) -> tuple[str, str]:
    """Unsanitised HTML as (what is new, the quoted history); sanitise both halves afterwards."""
    finder = _QuoteFinder(markup)
    starts = [finder.container]
    line = quote_start([text for _, text in finder.lines])
    if line is not None:
        starts.append(finder.rule_above(finder.lines[line][0]))
    found = [start for start in starts if start is not None]
    if not found:
        return markup, ""
    cut = min(found)
    new, quoted = markup[:cut], markup[cut:]
    if not _has_content(new):
        return markup, ""
    return new, quoted


def quote_start(lines: Sequence[str]) -> int | None:
    """The index of the first line of quoted history in ``lines``, if any."""
    for index in range(len(lines)):
        if _starts_history(lines, index):
            return index
    return _trailing_quote(lines)


def _starts_history(lines: Sequence[str], index: int) -> bool:
    line = lines[index].strip()
    if _SEPARATOR.match(line):
        return True
    if _HEADER_FROM.match(line):
        following = lines[index + 1 : index + 1 + _HEADER_LOOKAHEAD]
        return any(_HEADER_SENT.match(other.strip()) for other in following)
    if not line or line.startswith(">"):
        return False
    for count in range(1, _ATTRIBUTION_LINES + 1):
        joined = " ".join(part.strip() for part in lines[index : index + count])
        if _ATTRIBUTION.match(joined) and _EVIDENCE.search(joined):
            return True
    return False


def _trailing_quote(lines: Sequence[str]) -> int | None:
    """Where the block of ">" lines that ends the message starts (with its attribution line)."""
    end = len(lines)
    while end and not lines[end - 1].strip():
        end -= 1
    if not end or not lines[end - 1].lstrip().startswith(">"):
        return None
    start = end
    while start and (not lines[start - 1].strip() or lines[start - 1].lstrip().startswith(">")):
        start -= 1
    while not lines[start].strip():
        start += 1
    before = start - 1
    while before >= 0 and not lines[before].strip():
        before -= 1
    if before >= 0 and lines[before].rstrip().endswith(":") and _EVIDENCE.search(lines[before]):
        return before
    return start


def _has_content(markup: str) -> bool:
    clean = sanitize_html(markup)
    return bool(html_to_text(clean).strip()) or "<img" in clean


_BREAKS = frozenset({"br", "p", "div", "blockquote", "li", "tr", "table", "hr", "h1", "h2", "h3", "h4", "h5", "h6"})
_HIDDEN = frozenset({"script", "style", "title", "head"})
_CONTAINER_CLASSES = frozenset({"gmail_quote", "moz-cite-prefix", "yahoo_quoted"})
_TOP_BORDER = re.compile(r"border-top\s*:\s*solid", re.IGNORECASE)
_CONTAINER_ID = re.compile(r"(?:^|_)(?:divRplyFwdMsg|appendonsend)$")


def _is_container(tag: str, attrs: dict[str, str]) -> bool:
    if _CONTAINER_CLASSES.intersection(attrs.get("class", "").split()):
        return True
    if tag == "blockquote" and attrs.get("type", "").lower() == "cite":
        return True
    return bool(_CONTAINER_ID.search(attrs.get("id", "")))


class _QuoteFinder(HTMLParser):
    """Reads HTML as lines of visible text, each with the offset where it starts in the source,
    and notes where the first quote container of a known mail client opens."""

    def __init__(self, markup: str) -> None:
        super().__init__(convert_charrefs=True)
        self._line_offsets = [0] + [match.end() for match in re.finditer("\n", markup)]
        self.lines: list[tuple[int, str]] = []
        self.container: int | None = None
        self._rules: list[int] = []  # elements drawn with a top border: Outlook's line above "From:"
        self._start = 0
        self._text: list[str] = []
        self._hidden = 0  # inside <script>, <style> or <title>, whose text is not shown
        self.feed(markup)
        self.close()
        self._break(len(markup))

    def _offset(self) -> int:
        line, column = self.getpos()
        return self._line_offsets[line - 1] + column

    def rule_above(self, cut: int) -> int:
        """Where a top-bordered element opens right above ``cut`` (no text between), else ``cut``."""
        starts = [at for at, _ in self.lines]  # ascending
        below = bisect_left(starts, cut)
        return min((rule for rule in self._rules if rule <= cut and bisect_left(starts, rule) == below), default=cut)

    def _break(self, offset: int) -> None:
        text = " ".join("".join(self._text).split())
        if text:
            self.lines.append((self._start, text))
        self._start, self._text = offset, []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        offset = self._offset()
        attributes = {name: value or "" for name, value in attrs}
        if self.container is None and _is_container(tag, attributes):
            self.container = offset
        if _TOP_BORDER.search(attributes.get("style", "")):
            self._rules.append(offset)
        if tag in _BREAKS:
            self._break(offset)
        self._hidden += tag in _HIDDEN

    def handle_endtag(self, tag: str) -> None:
        if tag in _BREAKS:
            self._break(self._offset())
        if tag in _HIDDEN:
            self._hidden = max(0, self._hidden - 1)

    def handle_data(self, data: str) -> None:
        if not self._hidden:
            self._text.append(data)
