"""Turning what people write (plain text or untrusted HTML) into safe HTML and plain text."""

from __future__ import annotations

import html
import re

import nh3
from django.utils.html import linebreaks

ALLOWED_TAGS = {
    "a", "abbr", "b", "blockquote", "br", "code", "div", "em", "h1", "h2", "h3", "h4", "h5", "h6", "hr", "i",
    "img", "li", "ol", "p", "pre", "s", "span", "strong", "sub", "sup", "table", "tbody", "td", "tfoot", "th",
    "thead", "tr", "u", "ul",
}  # fmt: skip
ALLOWED_ATTRIBUTES = {
    "a": {"href", "title"},
    "img": {"src", "alt", "title", "width", "height"},
    "td": {"colspan", "rowspan"},
    "th": {"colspan", "rowspan"},
}
# cid: points at an inline attachment of the same mail; it is rewritten to our own URL when shown.
URL_SCHEMES = {"http", "https", "mailto", "cid"}

_BLOCK_END = re.compile(r"</(p|div|li|tr|h[1-6]|blockquote|pre)>|<br\s*/?>", re.IGNORECASE)
_TAG = re.compile(r"<[^>]+>")
_BLANK_LINES = re.compile(r"\n{3,}")


def sanitize_html(raw: str) -> str:
    """Keep formatting, drop scripts, styles, event handlers and dangerous URLs."""
    return nh3.clean(
        raw,
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes=URL_SCHEMES,
        link_rel="noopener noreferrer nofollow",
        strip_comments=True,
    )


def text_to_html(text: str) -> str:
    """Plain text as escaped HTML paragraphs."""
    return linebreaks(text.strip(), autoescape=True)


def html_to_text(markup: str) -> str:
    """A readable plain-text version of sanitised HTML (for search, previews and text mail)."""
    text = _BLOCK_END.sub("\n", markup)
    text = html.unescape(_TAG.sub("", text))
    lines = [line.rstrip() for line in text.replace("\r", "").split("\n")]
    return _BLANK_LINES.sub("\n\n", "\n".join(lines)).strip()


def to_safe_body(body: str, *, is_html: bool) -> tuple[str, str]:
    """The (HTML, plain text) pair stored for a body written as HTML or as plain text."""
    if is_html:
        safe = sanitize_html(body)
        return safe, html_to_text(safe)
    return text_to_html(body), body.strip()
