"""The whole conversation by mail: real SMTP out (captured), real Dovecot in, one thread."""

import pytest

from tests.mail.letters import fetch, letter
from tickets.models import ThreadEntry, Ticket

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture(autouse=True)
def _setup(default_statuses, settings):
    settings.MAIL_MESSAGE_ID_DOMAIN = "helpdesk.test"
    settings.SITE_URL = "http://testserver"


def answer(mail, sender: str, body: str) -> bytes:
    """A reply to a captured mail, as the recipient's mail client writes it."""
    return letter(
        sender,
        f"Re: {mail['Subject']}",
        body,
        to=mail["Reply-To"] or mail["From"],
        In_Reply_To=mail["Message-ID"],
        References=mail["Message-ID"],
    )


def test_customer_answering_the_auto_response_writes_in_the_same_ticket(smtp, dovecot, imap_mailbox):
    fetch(dovecot, imap_mailbox, letter("Erin <erin@newco.test>", "Router down", "No internet."))
    [auto_response] = smtp.to("erin@newco.test")

    fetch(dovecot, imap_mailbox, answer(auto_response, "erin@newco.test", "Still down."))

    [ticket] = Ticket.objects.all()
    assert [entry.body_text for entry in ticket.entries.order_by("pk")] == ["No internet.", "Still down."]


def test_agent_answering_the_new_ticket_alert_replies_to_the_customer(smtp, dovecot, imap_mailbox, alice):
    alice.notify_on_new_ticket = True
    alice.save(update_fields=["notify_on_new_ticket"])
    fetch(dovecot, imap_mailbox, letter("Erin <erin@newco.test>", "Router down", "No internet."))
    [alert] = smtp.to("alice@example.com")

    fetch(dovecot, imap_mailbox, answer(alert, "alice@example.com", "Please restart it."))

    [ticket] = Ticket.objects.all()
    response = ticket.entries.get(kind=ThreadEntry.Kind.RESPONSE)
    assert response.author == alice.user
    [_auto_response, reply] = smtp.to("erin@newco.test")
    assert "Please restart it." in reply.get_body(("plain",)).get_content()
