"""Matching one incoming ticket (a ``Sample``) against the conditions of a filter. Pure: no database writes.

Regular expressions come from admins but run on text strangers send, so a pattern is refused when it is long
or has the shapes that backtrack without end (a quantified group that is itself quantified, back-references),
and it only ever sees the first ``TEXT_LIMIT`` characters. Python's ``re`` has no timeout; this check is the
guard instead.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from django.utils.translation import gettext as _

from helpdesk.automation.models import REGEX_MAX_LENGTH, FilterCondition

TEXT_LIMIT = 20_000
Field = FilterCondition.Field
Operator = FilterCondition.Operator

_BACKREFERENCE = re.compile(r"\\[1-9]|\(\?P=")
_REPEAT = "*+{"


@dataclass(frozen=True)
class Sample:
    """What filters look at in a new ticket."""

    email: str
    subject: str = ""
    body: str = ""
    help_topic: str = ""
    mailbox: tuple[str, ...] = ()
    source: str = ""

    @property
    def domain(self) -> str:
        return self.email.rpartition("@")[2]

    def values(self, field: str) -> tuple[str, ...]:
        """The text(s) a condition on ``field`` compares; a mailbox matches by its name or its address."""
        single: dict[str, str] = {
            Field.SENDER_EMAIL: self.email,
            Field.SENDER_DOMAIN: self.domain,
            Field.SUBJECT: self.subject,
            Field.BODY: self.body[:TEXT_LIMIT],
            Field.HELP_TOPIC: self.help_topic,
            Field.SOURCE: self.source,
        }
        if field == Field.MAILBOX:
            return self.mailbox
        return (single.get(field, ""),)


def unsafe_regex_reason(pattern: str) -> str:
    """Why the pattern may not be used (too long, may backtrack for ever, invalid), or "" when it is fine."""
    if len(pattern) > REGEX_MAX_LENGTH:
        return _("A regular expression may have at most %(limit)s characters.") % {"limit": REGEX_MAX_LENGTH}
    if _has_nested_repetition(pattern) or _BACKREFERENCE.search(pattern):
        return _("Nested repetitions and back-references are not allowed: they can make matching endless.")
    try:
        re.compile(pattern)
    except re.error as error:
        return _("This is not a valid regular expression: %(error)s") % {"error": error}
    return ""


def _has_nested_repetition(pattern: str) -> bool:
    """Whether a repeated group (``(...)*``, ``+``, ``{n,m}``) repeats something inside it, at any depth."""
    stack = [False]  # per open group: does it contain a repetition?
    index = 0
    while index < len(pattern):
        char = pattern[index]
        if char == "\\":
            index += 2
            continue
        if char == "[":
            index = _class_end(pattern, index)
        elif char == "(":
            stack.append(False)
        elif char == ")" and len(stack) > 1:
            inner = stack.pop()
            repeated = pattern[index + 1 : index + 2] in tuple(_REPEAT)
            if inner and repeated:
                return True
            stack[-1] = stack[-1] or inner or repeated
        elif char in _REPEAT:
            stack[-1] = True
        index += 1
    return False


def _class_end(pattern: str, start: int) -> int:
    """Index of the "]" closing the character class opened at ``start`` (or the end of the pattern)."""
    index = start + 1
    if pattern[index : index + 1] == "^":
        index += 1
    if pattern[index : index + 1] == "]":
        index += 1
    while index < len(pattern) and pattern[index] != "]":
        index += 2 if pattern[index] == "\\" else 1
    return index


@lru_cache(maxsize=256)
def _compiled(pattern: str) -> re.Pattern[str] | None:
    return None if unsafe_regex_reason(pattern) else re.compile(pattern, re.IGNORECASE)


def condition_matches(condition: FilterCondition, sample: Sample) -> bool:
    """Whether one condition holds; ``not contains`` holds only when no compared text contains the value."""
    texts = [text.lower() for text in sample.values(condition.field)]
    value = condition.value.strip().lower()
    if condition.operator == Operator.NOT_CONTAINS:
        return all(value not in text for text in texts)
    return any(_test(condition.operator, condition.value, value, text) for text in texts)


def _test(operator: str, raw: str, value: str, text: str) -> bool:
    if operator == Operator.EQUALS:
        return text.strip() == value
    if operator == Operator.CONTAINS:
        return value in text
    if operator == Operator.STARTS_WITH:
        return text.startswith(value)
    if operator == Operator.ENDS_WITH:
        return text.endswith(value)
    if operator == Operator.REGEX:
        pattern = _compiled(raw)
        # A pattern saved before the check existed (or written straight to the database) never runs.
        return pattern is not None and pattern.search(text[:TEXT_LIMIT]) is not None
    return False
