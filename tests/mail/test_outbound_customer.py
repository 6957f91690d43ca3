"""Customer mail through a real SMTP server: the auto-response and the agent's reply."""

import re

import pytest

from faq.models import CannedResponse
from helpdesk.accounts.models import User
from helpdesk.automation.models import FilterAction, FilterCondition
from helpdesk.mail.models import Mailbox
from helpdesk.mail.signing import SignedId, read_message_id
from tests.automation.conftest import make_filter
from tests.conftest import make_agent
from tickets import notifications
from tickets.links import link_for_token
from tickets.models import HelpTopic, Source, ThreadEntry
from tickets.services import NewAttachment, add_collaborator, open_ticket, post_message, post_note, post_reply

LINK = re.compile(r"http://testserver/link/([^/\s\"]+)/")


@pytest.fixture(autouse=True)
def _site(settings):
    settings.SITE_URL = "http://testserver"
    settings.MAIL_MESSAGE_ID_DOMAIN = "helpdesk.test"


def open_carols_ticket(carol, support, **kwargs):
    return open_ticket(requester=carol, subject="Printer on fire", body="It smokes.", department=support, **kwargs)


def test_new_ticket_sends_the_requester_an_auto_response_with_number_and_signed_link(
    smtp, carol, support, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        ticket = open_carols_ticket(carol, support)

    [mail] = smtp.to("carol@customer.test")
    assert mail["Subject"].startswith(f"[#{ticket.number}] ")
    assert mail["Auto-Submitted"] == "auto-replied"
    text = mail.get_body(("plain",)).get_content()
    assert f"#{ticket.number}" in text
    found = LINK.search(text)
    assert found is not None
    link = link_for_token(found.group(1))
    assert link is not None and (link.ticket, link.user) == (ticket, carol)


def test_robot_mail_gets_no_auto_response(smtp, carol, support, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        open_carols_ticket(carol, support, source=Source.EMAIL, autorespond=False)

    assert smtp.to("carol@customer.test") == []


def test_help_topic_without_auto_response_sends_none(smtp, carol, support, django_capture_on_commit_callbacks):
    topic = HelpTopic.objects.create(name="Quiet", department=support, auto_respond=False)

    with django_capture_on_commit_callbacks(execute=True):
        open_ticket(requester=carol, subject="Hi", body="x", help_topic=topic)

    assert smtp.to("carol@customer.test") == []


def test_ticket_opened_by_an_agent_for_a_customer_sends_no_auto_response(
    smtp, carol, support, alice, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        open_carols_ticket(carol, support, actor=alice.user, source=Source.PHONE)

    assert smtp.to("carol@customer.test") == []


def test_ticket_opened_by_an_agent_who_asks_to_notify_the_customer_sends_the_auto_response(
    smtp, carol, support, alice, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        open_carols_ticket(carol, support, actor=alice.user, custom_fields={"notify_customer": True})

    assert len(smtp.to("carol@customer.test")) == 1


def test_changes_made_while_muted_send_no_mail(smtp, carol, support, alice, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True), notifications.muted():
        ticket = open_carols_ticket(carol, support)
        post_reply(ticket=ticket, actor=alice.user, body="Demo reply")

    assert smtp.delivered == []


def test_agent_reply_reaches_the_requester_threaded_under_the_customer_mail(
    smtp, carol, support, alice, django_capture_on_commit_callbacks
):
    ticket = open_carols_ticket(carol, support, source=Source.EMAIL, message_id="<first@customer.test>")
    post_message(ticket=ticket, author=carol, body="More smoke.", source=Source.EMAIL, message_id="<second@c.test>")

    with django_capture_on_commit_callbacks(execute=True):
        post_reply(ticket=ticket, actor=alice.user, body="<p>Unplug <b>it</b>.</p>", is_html=True)

    [mail] = smtp.to("carol@customer.test")
    assert mail["In-Reply-To"] == "<second@c.test>"
    assert mail["References"].split() == ["<first@customer.test>", "<second@c.test>"]
    assert read_message_id(mail["Message-ID"]) == SignedId(ticket.pk, carol.pk)
    assert f"[#{ticket.number}]" in mail["Subject"]
    assert mail["Reply-To"] == "support@example.com"
    assert "Auto-Submitted" not in mail
    assert "Unplug it." in mail.get_body(("plain",)).get_content()
    assert "<b>it</b>" in mail.get_body(("html",)).get_content()


def test_reply_to_a_web_ticket_threads_under_a_fixed_id_of_ours(
    smtp, ticket, alice, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        post_reply(ticket=ticket, actor=alice.user, body="One")
        post_reply(ticket=ticket, actor=alice.user, body="Two")

    first, second = smtp.to("carol@customer.test")
    assert first["References"] == second["References"] == f"<ticket.{ticket.pk}.{ticket.number}@helpdesk.test>"
    assert first["Message-ID"] != second["Message-ID"]


def test_agent_reply_carries_its_attachments(smtp, ticket, alice, django_capture_on_commit_callbacks):
    report = NewAttachment(name="report.pdf", content=b"%PDF-1.4 tiny", content_type="application/pdf")

    with django_capture_on_commit_callbacks(execute=True):
        post_reply(ticket=ticket, actor=alice.user, body="See the report.", attachments=[report])

    [mail] = smtp.to("carol@customer.test")
    [attached] = list(mail.iter_attachments())
    assert attached.get_filename() == "report.pdf"
    assert attached.get_content() == b"%PDF-1.4 tiny"


def test_agent_reply_goes_to_each_person_in_cc_with_their_own_signed_id(
    smtp, ticket, alice, dave, django_capture_on_commit_callbacks
):
    add_collaborator(ticket=ticket, actor=alice.user, user=dave)

    with django_capture_on_commit_callbacks(execute=True):
        post_reply(ticket=ticket, actor=alice.user, body="Fixed.")

    [to_carol] = smtp.to("carol@customer.test")
    [to_dave] = smtp.to("dave@stranger.test")
    assert read_message_id(to_dave["Message-ID"]) == SignedId(ticket_id=ticket.pk, recipient_id=dave.pk)
    assert read_message_id(to_carol["Message-ID"]) == SignedId(ticket_id=ticket.pk, recipient_id=ticket.requester_id)
    assert LINK.search(to_dave.get_body(("plain",)).get_content())


def test_internal_note_sends_nothing_to_customers(smtp, ticket, alice, dave, django_capture_on_commit_callbacks):
    add_collaborator(ticket=ticket, actor=alice.user, user=dave)

    with django_capture_on_commit_callbacks(execute=True):
        post_note(ticket=ticket, actor=alice.user, body="Customer is difficult.")

    assert smtp.delivered == []


def test_mail_is_never_sent_to_one_of_our_own_addresses(smtp, support, agent_role, django_capture_on_commit_callbacks):
    Mailbox.objects.create(name="In", email="inbox@example.com", host="h", username="u", department=support)
    loop = User.objects.create_user("inbox@example.com", name="Our own inbox")
    alice = make_agent("alice@example.com", "Alice", support, role=agent_role)

    with django_capture_on_commit_callbacks(execute=True):
        ticket = open_ticket(requester=loop, subject="Loop", body="x", department=support, source=Source.EMAIL)
        post_reply(ticket=ticket, actor=alice.user, body="Hello?")

    assert smtp.to("inbox@example.com") == []


def test_reply_to_is_the_mailbox_when_the_department_has_no_address(
    smtp, support, carol, alice, django_capture_on_commit_callbacks
):
    support.email = ""
    support.save()
    Mailbox.objects.create(name="In", email="help@example.com", host="h", username="u", department=support)

    with django_capture_on_commit_callbacks(execute=True):
        open_carols_ticket(carol, support)

    [mail] = smtp.to("carol@customer.test")
    assert mail["Reply-To"] == "help@example.com"


def test_a_response_no_person_wrote_is_marked_automatic(smtp, ticket, alice, django_capture_on_commit_callbacks):
    entry = post_reply(ticket=ticket, actor=alice.user, body="Thanks, we are on it.")
    ThreadEntry.objects.filter(pk=entry.pk).update(author=None, author_name="Support")
    entry.refresh_from_db()

    with django_capture_on_commit_callbacks(execute=True):
        notifications.notify_reply(entry)

    [mail] = smtp.to("carol@customer.test")
    assert mail["Auto-Submitted"] == "auto-replied"


def test_robot_mail_gets_no_canned_reply_from_a_filter_either(smtp, carol, support, django_capture_on_commit_callbacks):
    canned = CannedResponse.objects.create(title="Got it", body="We have it.")
    subject_has = (FilterCondition.Field.SUBJECT, FilterCondition.Operator.CONTAINS, "printer")
    make_filter("Ack", [subject_has], [{"kind": FilterAction.Kind.CANNED_REPLY, "canned_response": canned}])

    with django_capture_on_commit_callbacks(execute=True):
        open_carols_ticket(carol, support, source=Source.EMAIL, autorespond=False)

    assert smtp.to("carol@customer.test") == []


def test_a_filters_canned_reply_replaces_the_auto_response(smtp, carol, support, django_capture_on_commit_callbacks):
    canned = CannedResponse.objects.create(title="Got it", body="We have your printer question.")
    subject_has = (FilterCondition.Field.SUBJECT, FilterCondition.Operator.CONTAINS, "printer")
    make_filter("Ack", [subject_has], [{"kind": FilterAction.Kind.CANNED_REPLY, "canned_response": canned}])

    with django_capture_on_commit_callbacks(execute=True):
        open_carols_ticket(carol, support, source=Source.EMAIL)

    [mail] = smtp.to("carol@customer.test")  # one answer, not the canned reply and the auto-response
    assert "We have your printer question." in mail.get_body(("plain",)).get_content()
