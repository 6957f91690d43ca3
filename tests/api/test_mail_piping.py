"""POST /api/tickets.email: a raw message piped by the MTA, imported by the mail channel's own rules."""

import pytest

from helpdesk.mail.models import InboundMail, Mailbox
from tests.api.conftest import make_key, osticket_post
from tests.mail.letters import letter
from tickets.models import Source, ThreadEntry, Ticket


@pytest.fixture
def help_mailbox(support) -> Mailbox:
    # Pipe-only: no server is polled, so the mailbox stays inactive.
    return Mailbox.objects.create(
        name="Help", email="help@example.com", host="-", username="-", department=support, is_active=False
    )


@pytest.fixture
def pipe_key(help_mailbox) -> str:
    return make_key(name="Postfix", mailbox=help_mailbox, can_pipe_mail=True, can_create_tickets=False)[1]


def pipe(client, raw: bytes, key: str, path: str = "/api/tickets.email"):
    return osticket_post(client, path, raw, key=key)


def test_a_piped_mail_opens_a_ticket_and_answers_201_with_its_number(client, pipe_key, support):
    response = pipe(client, letter(), pipe_key)

    assert response.status_code == 201
    ticket = Ticket.objects.get()
    assert response.content.decode() == ticket.number
    assert (ticket.subject, ticket.source, ticket.department) == ("My printer is on fire", Source.EMAIL, support)
    assert ticket.requester.email == "carol@customer.test"


def test_the_http_php_path_pipes_too(client, pipe_key):
    assert pipe(client, letter(), pipe_key, path="/api/http.php/tickets.email").status_code == 201


def test_a_reply_from_the_requester_joins_the_ticket(client, pipe_key):
    number = pipe(client, letter(), pipe_key).content.decode()
    response = pipe(client, letter(subject=f"Re: [#{number}] My printer is on fire", body="Still smoking"), pipe_key)

    assert response.content.decode() == number
    assert Ticket.objects.count() == 1
    assert ThreadEntry.objects.filter(ticket__number=number, kind=ThreadEntry.Kind.MESSAGE).count() == 2


def test_the_same_mail_piped_twice_is_stored_once(client, pipe_key):
    raw = letter()
    first = pipe(client, raw, pipe_key)
    second = pipe(client, raw, pipe_key)

    assert second.content == first.content
    assert Ticket.objects.count() == 1


def test_mail_from_the_helpdesk_own_address_is_accepted_but_not_imported(client, pipe_key):
    response = pipe(client, letter(sender="Help <help@example.com>"), pipe_key)

    assert response.status_code == 202
    assert not Ticket.objects.exists()
    assert InboundMail.objects.get().state == InboundMail.State.DROPPED


def test_a_key_without_the_pipe_permission_gets_401(client, topic, help_mailbox):
    _, secret = make_key(help_topic=topic, mailbox=help_mailbox)
    response = pipe(client, letter(), secret)

    assert response.status_code == 401
    assert response.content == b"API key not authorized"
    assert not InboundMail.objects.exists()


def test_a_ticket_key_cannot_pipe_and_a_pipe_key_cannot_create_from_json(client, pipe_key):
    response = osticket_post(client, "/api/tickets.json", '{"name": "A"}', key=pipe_key)

    assert response.status_code == 401


def test_a_key_without_a_mailbox_gets_400(client, db):
    _, secret = make_key(can_pipe_mail=True)
    response = pipe(client, letter(), secret)

    assert response.status_code == 400
    assert "emailId" in response.content.decode()


def test_a_piped_mail_from_a_wrong_address_gets_401(client, pipe_key):
    response = osticket_post(client, "/api/tickets.email", letter(), key=pipe_key, ip="198.51.100.1")

    assert response.status_code == 401
    assert not InboundMail.objects.exists()


def test_a_message_without_a_sender_gets_400_and_is_kept_for_the_admin(client, pipe_key):
    response = pipe(client, b"Subject: hello\n\nno From header here\n", pipe_key)

    assert response.status_code == 400
    assert response.content.decode().startswith("Unable to read the message:")
    assert not Ticket.objects.exists()
    assert InboundMail.objects.get().state == InboundMail.State.FAILED


def test_get_on_the_pipe_endpoint_gets_400_url_not_supported(client, pipe_key):
    response = client.get("/api/tickets.email", HTTP_X_API_KEY=pipe_key, REMOTE_ADDR="192.0.2.10")

    assert response.content == b"URL not supported"
