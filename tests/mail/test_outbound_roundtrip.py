"""The whole loop over real servers: mail in through Dovecot, mail out through SMTP, and the answer back in."""

from email.message import EmailMessage

import pytest

from tests.mail.letters import fetch, letter
from tickets.models import ThreadEntry, Ticket
from tickets.services import post_reply

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture(autouse=True)
def _setup(default_statuses, settings):
    settings.MAIL_MESSAGE_ID_DOMAIN = "helpdesk.test"


def answer(mail: EmailMessage, *, sender: str, body: str) -> bytes:
    """What a mail client sends when its user answers ``mail``."""
    return letter(
        sender,
        f"Re: {mail['Subject']}",
        body,
        to=mail["Reply-To"],
        In_Reply_To=mail["Message-ID"],
        References=f"{mail['References']} {mail['Message-ID']}",
    )


def test_the_customer_answering_the_agents_reply_by_mail_lands_in_the_same_ticket(smtp, dovecot, imap_mailbox, alice):
    fetch(dovecot, imap_mailbox, letter(subject="Printer on fire"))
    ticket = Ticket.objects.get()
    post_reply(ticket=ticket, actor=alice.user, body="Unplug it, please.")
    [_auto_response, reply] = smtp.to("carol@customer.test")

    fetch(dovecot, imap_mailbox, answer(reply, sender="Carol Customer <carol@customer.test>", body="Done, thanks."))

    assert Ticket.objects.count() == 1
    last = ticket.entries.order_by("created_at", "id").last()
    assert last is not None
    assert (last.kind, last.author, last.body_text.strip()) == (
        ThreadEntry.Kind.MESSAGE,
        ticket.requester,
        "Done, thanks.",
    )


def test_the_agent_answering_the_new_ticket_alert_by_mail_replies_to_the_customer(smtp, dovecot, imap_mailbox, alice):
    fetch(dovecot, imap_mailbox, letter(subject="Printer on fire"))
    ticket = Ticket.objects.get()
    [alert] = smtp.to("alice@example.com")

    fetch(dovecot, imap_mailbox, answer(alert, sender="Alice Agent <alice@example.com>", body="On my way."))

    response = ticket.entries.get(kind=ThreadEntry.Kind.RESPONSE)
    assert response.author == alice.user
    [_auto_response, reply] = smtp.to("carol@customer.test")
    assert "On my way." in reply.get_body(("plain",)).get_content()
