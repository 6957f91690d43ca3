"""Recognising machine-written mail: it may be imported, but it must never get an auto-response."""

from __future__ import annotations

import email
import email.policy
from pathlib import Path

import pytest

from helpdesk.mail.robots import RobotReason, classify, robot_headers

SAMPLES = Path(__file__).parent / "samples"


def sample(name: str):
    return email.message_from_bytes((SAMPLES / name).read_bytes(), policy=email.policy.default)


def mail(*headers: str, content_type: str = "text/plain; charset=utf-8", sender: str = "carol@example.com"):
    lines = [f"From: {sender}", "To: support@helpdesk.test", "Subject: Hi", f"Content-Type: {content_type}", *headers]
    return email.message_from_bytes(("\r\n".join(lines) + "\r\n\r\nHello\r\n").encode(), policy=email.policy.default)


def reason_of(msg) -> RobotReason | None:
    verdict = classify(msg)
    return verdict.reason if verdict else None


def test_a_normal_reply_from_a_person_is_not_a_robot():
    assert classify(sample("gmail_reply.eml")) is None


def test_out_of_office_with_auto_submitted_is_a_robot():
    verdict = classify(sample("out_of_office.eml"))
    assert verdict is not None
    assert verdict.reason == RobotReason.AUTO_SUBMITTED
    assert verdict.detail == "Auto-Submitted: auto-replied"


@pytest.mark.parametrize("value", ["auto-replied", "auto-generated", "auto-notified; owner-email=a@b.c"])
def test_any_auto_submitted_value_but_no_is_a_robot(value):
    assert reason_of(mail(f"Auto-Submitted: {value}")) == RobotReason.AUTO_SUBMITTED


def test_auto_submitted_no_is_a_person():
    assert classify(mail("Auto-Submitted: No")) is None


def test_x_auto_response_suppress_is_a_robot():
    assert reason_of(mail("X-Auto-Response-Suppress: All")) == RobotReason.AUTO_RESPONSE_SUPPRESS


@pytest.mark.parametrize("value", ["bulk", "junk", "list", "auto_reply", "Bulk"])
def test_bulk_junk_list_precedence_is_a_robot(value):
    assert reason_of(mail(f"Precedence: {value}")) == RobotReason.PRECEDENCE


def test_first_class_precedence_is_a_person():
    assert classify(mail("Precedence: first-class")) is None


def test_mailing_list_with_list_id_is_a_robot():
    verdict = classify(sample("mailing_list.eml"))
    assert verdict is not None
    assert verdict.reason == RobotReason.LIST
    assert verdict.detail.startswith("List-Id: Users of Example")


def test_list_unsubscribe_alone_marks_bulk_mail():
    assert reason_of(mail("List-Unsubscribe: <mailto:leave@news.example>")) == RobotReason.LIST


@pytest.mark.parametrize(
    "header", ["X-Autoreply: yes", "X-Autorespond: Out of office", "X-Auto-Reply-From: carol@example.com"]
)
def test_auto_reply_headers_are_a_robot(header):
    assert reason_of(mail(header)) == RobotReason.AUTOREPLY_HEADERS


def test_delivery_status_report_is_a_bounce():
    verdict = classify(sample("bounce_dsn.eml"))
    assert verdict is not None
    assert verdict.reason == RobotReason.BOUNCE


def test_mail_from_mailer_daemon_is_a_bounce_even_without_a_report():
    assert reason_of(mail(sender="Mail Delivery Subsystem <MAILER-DAEMON@mx.example>")) == RobotReason.BOUNCE


def test_postmaster_with_a_delivery_status_part_is_a_bounce():
    msg = email.message_from_bytes(
        b"From: postmaster@mx.example\r\nTo: support@helpdesk.test\r\nSubject: failure\r\n"
        b'Content-Type: multipart/mixed; boundary="b"\r\n\r\n--b\r\nContent-Type: text/plain\r\n\r\nfailed\r\n'
        b"--b\r\nContent-Type: message/delivery-status\r\n\r\nReporting-MTA: dns; mx.example\r\n\r\n"
        b"Final-Recipient: rfc822; x@y.z\r\nAction: failed\r\n--b--\r\n",
        policy=email.policy.default,
    )
    assert reason_of(msg) == RobotReason.BOUNCE


def test_postmaster_writing_as_a_person_is_not_a_bounce():
    assert classify(mail(sender="postmaster@example.com")) is None


def test_read_receipt_is_a_robot():
    receipt = mail(content_type='multipart/report; report-type=disposition-notification; boundary="r"')
    assert reason_of(receipt) == RobotReason.RECEIPT


def test_verdict_has_a_readable_label_for_the_admin():
    verdict = classify(sample("out_of_office.eml"))
    assert verdict is not None
    assert verdict.label == "Auto-Submitted header"


def test_robot_headers_are_collected_for_the_admin():
    assert robot_headers(sample("bounce_dsn.eml")) == {"Auto-Submitted": "auto-replied", "Return-Path": "<>"}
