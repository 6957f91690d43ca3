"""A rejecting filter on each channel: the portal refuses politely, the API answers 403 as osTicket does."""

import json

import pytest
from django.urls import reverse

from helpdesk.automation.models import FilterAction, FilterCondition
from tests.api.conftest import make_key, osticket_post
from tests.automation.conftest import make_filter
from tickets.models import HelpTopic, Ticket


@pytest.fixture
def topic(support):
    return HelpTopic.objects.create(name="General", department=support)


@pytest.fixture(autouse=True)
def spam_filter(db):
    condition = (FilterCondition.Field.SENDER_DOMAIN, FilterCondition.Operator.EQUALS, "spam.example")
    return make_filter("Spammers", [condition], [{"kind": FilterAction.Kind.REJECT}])


def portal_post(client, topic, email):
    data = {
        "name": "Sam",
        "email": email,
        "help_topic": str(topic.pk),
        "subject": "Cheap",
        "body": "Buy",
        "website": "",
    }
    return client.post(reverse("portal:ticket_new"), data)


def test_the_portal_refuses_a_rejected_sender_politely_and_saves_no_ticket(client, topic):
    response = portal_post(client, topic, "sam@spam.example")

    assert response.status_code == 403
    assert "we cannot accept this request" in response.content.decode()
    assert Ticket.objects.count() == 0


def test_the_portal_accepts_other_senders(client, topic):
    response = portal_post(client, topic, "sam@fine.example")

    assert response.status_code == 302
    assert Ticket.objects.count() == 1


def api_post(client, topic, email):
    secret = make_key(help_topic=topic)[1]
    body = json.dumps({"name": "Sam", "email": email, "subject": "Cheap", "message": "Buy"})
    return osticket_post(client, "/api/tickets.json", body, key=secret)


def test_the_api_answers_403_ticket_denied_and_saves_nothing(client, topic):
    response = api_post(client, topic, "sam@spam.example")

    assert (response.status_code, response.content) == (403, b"Ticket denied")
    assert Ticket.objects.count() == 0


def test_the_api_creates_tickets_for_other_senders(client, topic):
    response = api_post(client, topic, "sam@fine.example")

    assert response.status_code == 201
    assert Ticket.objects.get().number == response.content.decode()


@pytest.fixture
def mailbox(support):
    from helpdesk.mail.models import Mailbox

    return Mailbox.objects.create(
        name="Support", email="help@example.com", host="imap.example", username="help", department=support
    )


def test_mail_from_a_rejected_sender_is_dropped_and_recorded(mailbox):
    from helpdesk.mail.importing import receive
    from helpdesk.mail.models import InboundMail
    from tests.mail.letters import letter

    record = receive(letter(sender="Sam <sam@spam.example>", subject="Cheap"), mailbox=mailbox)

    assert record.state == InboundMail.State.DROPPED
    assert record.reason == "Rejected by the ticket filter Spammers."
    assert Ticket.objects.count() == 0


def test_a_filter_can_match_the_mailbox_and_answer_a_mail_with_a_canned_reply(mailbox):
    from faq.models import CannedResponse
    from helpdesk.mail.importing import receive
    from tests.mail.letters import letter

    canned = CannedResponse.objects.create(title="Ack", body="We got #{{ ticket.number }}.")
    condition = (FilterCondition.Field.MAILBOX, FilterCondition.Operator.EQUALS, "help@example.com")
    make_filter("Ack", [condition], [{"kind": FilterAction.Kind.CANNED_REPLY, "canned_response": canned}])

    record = receive(letter(sender="Gina <gina@fine.example>", subject="Hello"), mailbox=mailbox)

    ticket = Ticket.objects.get(inboundmail=record)
    assert ticket.entries.get(kind="response").body_text == f"We got #{ticket.number}."
    assert "It smokes since this morning." in ticket.entries.get(kind="message").body_text
