"""What a polled mail leaves in the thread: clean HTML, inline images, quoted history, charsets, dropped parts."""

from email import message_from_bytes, policy

import pytest
from django.core import mail
from django.urls import reverse

from helpdesk.mail.models import InboundMail
from tests.conftest import signed_in
from tests.mail.letters import fetch, letter, sample
from tickets.models import Ticket

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture(autouse=True)
def _setup(default_statuses):
    pass


def only_entry():
    [ticket] = Ticket.objects.all()
    return ticket.entries.get()


def staff_page(client, agent, ticket) -> str:
    response = signed_in(client, agent).get(reverse("scp:ticket", args=[ticket.number]))
    assert response.status_code == 200
    return response.content.decode()


def test_script_and_event_handlers_are_stored_clean(dovecot, imap_mailbox):
    fetch(dovecot, imap_mailbox, sample("html_hostile.eml"))

    body = only_entry().body.lower()
    assert "please" in body
    for hostile in ("<script", "onerror", "onclick", "javascript:", "<iframe", "<form", "onload", "style="):
        assert hostile not in body


def test_remote_images_are_links_on_the_staff_page_not_images(dovecot, imap_mailbox, alice, client):
    fetch(dovecot, imap_mailbox, sample("html_hostile.eml"))
    entry = only_entry()

    page = staff_page(client, alice, entry.ticket)

    assert "tracker.example/pixel.gif" in entry.body  # kept, never fetched by the server
    assert '<img src="https://tracker.example' not in page
    assert 'class="external-image" href="https://tracker.example/pixel.gif?u=carol"' in page


def test_inline_cid_image_is_shown_through_the_access_checked_attachment_url(dovecot, imap_mailbox, alice, client):
    fetch(dovecot, imap_mailbox, sample("apple_mail_inline_image.eml"))
    entry = only_entry()
    image = entry.attachments.get(content_type="image/png")

    page = staff_page(client, alice, entry.ticket)

    assert f'src="{reverse("scp:attachment", args=[image.pk])}"' in page
    assert "cid:" not in page


def test_quoted_history_is_kept_apart_and_shown_collapsed(dovecot, imap_mailbox, alice, client):
    fetch(dovecot, imap_mailbox, sample("gmail_reply.eml"))
    entry = only_entry()

    page = staff_page(client, alice, entry.ticket)

    assert "Please restart the router" in entry.quoted
    assert "Please restart the router" not in entry.body
    details = page.split('<details class="thread-entry-quoted">', 1)[1].split("</details>", 1)[0]
    assert "Please restart the router" in details


def test_latin1_mail_is_decoded(dovecot, imap_mailbox):
    raw = (
        "From: carol@customer.test\r\nTo: help@example.com\r\nSubject: =?iso-8859-1?q?Perch=E8?=\r\n"
        "Message-ID: <latin1@client.test>\r\nMIME-Version: 1.0\r\n"
        "Content-Type: text/plain; charset=iso-8859-1\r\nContent-Transfer-Encoding: 8bit\r\n\r\n"
        "Il caff\xe8 costa 2 \xa3.\r\n"
    ).encode("latin-1")

    fetch(dovecot, imap_mailbox, raw)

    entry = only_entry()
    assert (entry.ticket.subject, entry.body_text) == ("Perchè", "Il caffè costa 2 £.")


def test_mis_declared_charset_is_read_as_windows_1252(dovecot, imap_mailbox):
    fetch(dovecot, imap_mailbox, sample("charset_misdeclared.eml"))

    entry = only_entry()
    assert entry.ticket.subject == "Perché costa 10 €?"
    assert "perché l'abbonamento costa 10 € in più?" in entry.body_text


def test_oversized_attachment_is_dropped_with_a_note_and_the_mail_imported(dovecot, imap_mailbox, settings):
    settings.ATTACHMENT_MAX_BYTES = 1024
    parsed = message_from_bytes(letter(body="See the log."), policy=policy.default)
    parsed.add_attachment(b"x" * 5000, maintype="application", subtype="octet-stream", filename="huge.log")
    parsed.add_attachment(b"small", maintype="text", subtype="plain", filename="small.txt")

    fetch(dovecot, imap_mailbox, parsed.as_bytes())

    entry = only_entry()
    assert [a.name for a in entry.attachments.all()] == ["small.txt"]
    assert "huge.log" in entry.body
    assert "larger than the attachment size limit" in entry.body


def test_unreadable_mail_is_stored_raw_as_failed_and_taken_off_the_server(dovecot, imap_mailbox):
    raw = b"From: one@a.test, two@b.test\r\nSubject: which sender?\r\n\r\nbody\r\n"

    fetch(dovecot, imap_mailbox, raw)

    record = InboundMail.objects.get()
    assert record.state == InboundMail.State.FAILED
    assert bytes(record.raw).replace(b"\r\n", b"\n") == raw.replace(b"\r\n", b"\n")
    assert "exactly one sender" in record.reason
    assert not Ticket.objects.exists()
    assert dovecot.count() == 0


def test_customer_mail_gets_an_auto_response(dovecot, imap_mailbox):
    fetch(dovecot, imap_mailbox, letter("erin@newco.test"))

    assert [message.to for message in mail.outbox] == [["erin@newco.test"]]


@pytest.mark.parametrize(
    "robot_header",
    [
        {"Auto_Submitted": "auto-replied"},
        {"X_Auto_Response_Suppress": "All"},
        {"Precedence": "bulk"},
        {"List_Id": "<news.newco.test>"},
    ],
    ids=["auto-submitted", "auto-response-suppress", "precedence", "list-id"],
)
def test_robot_mail_is_imported_but_gets_no_auto_response(dovecot, imap_mailbox, robot_header):
    fetch(dovecot, imap_mailbox, letter("erin@newco.test", "Out of office", **robot_header))

    assert only_entry().body_text.startswith("It smokes")
    assert mail.outbox == []


def test_bounce_from_mailer_daemon_gets_no_auto_response(dovecot, imap_mailbox):
    fetch(dovecot, imap_mailbox, letter("MAILER-DAEMON@mx.newco.test", "Undelivered Mail Returned to Sender"))

    assert Ticket.objects.count() == 1
    assert mail.outbox == []


def test_robot_mail_is_dropped_when_the_policy_says_so(dovecot, imap_mailbox, settings):
    settings.MAIL_ROBOT_POLICY = "drop"

    fetch(dovecot, imap_mailbox, sample("bounce_dsn.eml"))

    assert not Ticket.objects.exists()
    record = InboundMail.objects.get()
    assert record.state == InboundMail.State.DROPPED
    assert "bounce" in record.reason
    assert dovecot.count() == 0


def test_a_loop_of_50_auto_replies_is_stopped_by_the_rate_limit(dovecot, imap_mailbox, admin_user, settings):
    settings.MAIL_RATE_LIMIT_COUNT, settings.MAIL_RATE_LIMIT_MINUTES = 5, 10
    loop = [letter("bot@loop.test", f"Auto: {n}", Auto_Submitted="auto-replied") for n in range(50)]

    fetch(dovecot, imap_mailbox, *loop)

    assert Ticket.objects.count() == 5
    assert InboundMail.objects.filter(state=InboundMail.State.HELD).count() == 45
    assert [message.to for message in mail.outbox] == [["admin@example.com"]]  # alerted once, robot unanswered
    assert "bot@loop.test" in mail.outbox[0].subject
    assert dovecot.count() == 0  # held mail is kept in the database, not on the server


def test_auto_reply_to_a_closed_ticket_is_kept_as_a_note_without_reopening_it(
    dovecot, imap_mailbox, ticket, admin_user
):
    from tickets.services import close

    close(ticket=ticket, actor=admin_user)
    ooo = letter(subject=f"Out of office: [#{ticket.number}]", body="Back on Monday.", Auto_Submitted="auto-replied")

    fetch(dovecot, imap_mailbox, ooo)

    ticket.refresh_from_db()
    note = ticket.entries.latest("pk")
    assert ticket.is_closed
    assert (note.kind, note.source) == ("note", "email")
    assert "Back on Monday." in note.body_text
