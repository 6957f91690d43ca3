"""Recognising mail written by machines: auto-replies, bounces, mailing lists and bulk mail.

A helpdesk that answers a robot starts a mail loop, so whatever the importer decides to do with
such a message (import it, drop it), it must never send an auto-response to it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from email.message import Message

from django.db import models
from django.utils.translation import gettext_lazy as _


class RobotReason(models.TextChoices):
    BOUNCE = "bounce", _("Delivery failure report (bounce)")
    RECEIPT = "receipt", _("Read receipt")
    AUTO_SUBMITTED = "auto_submitted", _("Auto-Submitted header")
    AUTOREPLY_HEADERS = "autoreply", _("Auto-reply header")
    AUTO_RESPONSE_SUPPRESS = "suppress", _("Sender asked for no automatic replies")
    PRECEDENCE = "precedence", _("Bulk or list precedence")
    LIST = "list", _("Mailing list")


@dataclass(frozen=True)
class RobotVerdict:
    reason: RobotReason
    detail: str  # the header or structure that gave it away, for the admin

    @property
    def label(self) -> str:
        return str(self.reason.label)


# The headers classify() reads; the parser keeps them on the InboundMessage for the admin to see.
ROBOT_HEADERS = (
    "Auto-Submitted",
    "X-Autoreply",
    "X-Autorespond",
    "X-Auto-Reply-From",
    "X-Auto-Response-Suppress",
    "Precedence",
    "X-Precedence",
    "List-Id",
    "List-Unsubscribe",
    "Return-Path",
)
_AUTOREPLY_HEADERS = ("X-Autoreply", "X-Autorespond", "X-Auto-Reply-From")
_BULK = frozenset({"bulk", "junk", "list", "auto_reply", "auto-reply"})
_DAEMON = re.compile(r"(?:^|[<\s])mailer-daemon@", re.IGNORECASE)
_POSTMASTER = re.compile(r"(?:^|[<\s])postmaster@", re.IGNORECASE)
_DSN_TYPES = frozenset({"message/delivery-status", "message/global-delivery-status"})


def raw_headers(msg: Message, name: str) -> list[str]:
    """Every ``name`` header as sent (unfolded), without the email package parsing it."""
    wanted = name.lower()
    return [" ".join(str(value).split()) for key, value in msg.raw_items() if key.lower() == wanted]


def raw_header(msg: Message, name: str) -> str:
    """The first ``name`` header as sent, or ""."""
    return next(iter(raw_headers(msg, name)), "")


def robot_headers(msg: Message) -> dict[str, str]:
    """The robot-revealing headers present on ``msg``."""
    found = {name: raw_header(msg, name) for name in ROBOT_HEADERS}
    return {name: value for name, value in found.items() if value}


def classify(msg: Message) -> RobotVerdict | None:
    """Why ``msg`` was written by a machine, or None for mail from a person."""
    for check in (_report, _auto_submitted, _autoreply, _suppress, _precedence, _mailing_list):
        verdict = check(msg)
        if verdict is not None:
            return verdict
    return None


def _report(msg: Message) -> RobotVerdict | None:
    report_type = str(msg.get_param("report-type", "", header="Content-Type") or "").lower()
    is_report = msg.get_content_type() == "multipart/report"
    if is_report and report_type == "delivery-status":
        return RobotVerdict(RobotReason.BOUNCE, "multipart/report; report-type=delivery-status")
    if is_report and report_type == "disposition-notification":
        return RobotVerdict(RobotReason.RECEIPT, "multipart/report; report-type=disposition-notification")
    sender = raw_header(msg, "From")
    if _DAEMON.search(sender):
        return RobotVerdict(RobotReason.BOUNCE, f"From: {sender}")
    has_dsn = any(part.get_content_type() in _DSN_TYPES for part in msg.walk())
    if has_dsn and _POSTMASTER.search(sender):
        return RobotVerdict(RobotReason.BOUNCE, f"From: {sender}")
    return None


def _auto_submitted(msg: Message) -> RobotVerdict | None:
    value = raw_header(msg, "Auto-Submitted")
    if value and value.split(";")[0].strip().lower() != "no":
        return RobotVerdict(RobotReason.AUTO_SUBMITTED, f"Auto-Submitted: {value}")
    return None


def _autoreply(msg: Message) -> RobotVerdict | None:
    for name in _AUTOREPLY_HEADERS:
        value = raw_header(msg, name)
        if value and value.lower() not in ("no", "false", "0"):
            return RobotVerdict(RobotReason.AUTOREPLY_HEADERS, f"{name}: {value}")
    return None


def _suppress(msg: Message) -> RobotVerdict | None:
    value = raw_header(msg, "X-Auto-Response-Suppress")
    if value:
        return RobotVerdict(RobotReason.AUTO_RESPONSE_SUPPRESS, f"X-Auto-Response-Suppress: {value}")
    return None


def _precedence(msg: Message) -> RobotVerdict | None:
    for name in ("Precedence", "X-Precedence"):
        value = raw_header(msg, name)
        if value.lower() in _BULK:
            return RobotVerdict(RobotReason.PRECEDENCE, f"{name}: {value}")
    return None


def _mailing_list(msg: Message) -> RobotVerdict | None:
    for name in ("List-Id", "List-Unsubscribe"):
        value = raw_header(msg, name)
        if value:
            return RobotVerdict(RobotReason.LIST, f"{name}: {value}")
    return None
