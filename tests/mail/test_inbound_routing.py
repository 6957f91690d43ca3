"""Mail delivered to a real Dovecot and polled: which ticket it lands in, and as whose message."""

import pytest
from django.contrib.auth.hashers import is_password_usable

from helpdesk.accounts.models import Organization, User
from helpdesk.mail.models import InboundMail
from helpdesk.mail.signing import new_message_id
from tests.mail.letters import fetch, letter
from tickets.models import Source, ThreadEntry, Ticket
from tickets.services import add_collaborator, open_ticket

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture(autouse=True)
def _setup(default_statuses, settings):
    settings.MAIL_MESSAGE_ID_DOMAIN = "helpdesk.test"


def only_ticket() -> Ticket:
    [ticket] = Ticket.objects.all()
    return ticket


def test_mail_from_an_unknown_sender_opens_a_ticket_in_the_mailbox_department(dovecot, imap_mailbox, support):
    fetch(dovecot, imap_mailbox, letter("Erin New <erin@newco.test>", "Cannot log in", "Help please."))

    ticket = only_ticket()
    assert (ticket.subject, ticket.department, ticket.source) == ("Cannot log in", support, Source.EMAIL)
    assert ticket.requester.email == "erin@newco.test"
    assert ticket.requester.name == "Erin New"
    assert not is_password_usable(ticket.requester.password)
    assert "Help please." in ticket.entries.get().body


def test_unknown_sender_joins_the_organization_of_their_domain(dovecot, imap_mailbox):
    acme = Organization.objects.create(name="Acme", domains="acme.test\nacme.example")

    fetch(dovecot, imap_mailbox, letter("wile@ACME.example"))

    assert User.objects.get(email="wile@acme.example").organization == acme


def test_known_sender_is_matched_whatever_the_case_of_the_address(dovecot, imap_mailbox, carol):
    fetch(dovecot, imap_mailbox, letter("Carol <Carol@Customer.TEST>"))

    assert only_ticket().requester == carol
    assert User.objects.count() == 1


def test_reply_with_in_reply_to_joins_the_ticket(dovecot, imap_mailbox, carol):
    first = letter(subject="Printer")
    fetch(dovecot, imap_mailbox, first)
    first_id = only_ticket().entries.get().message_id

    fetch(dovecot, imap_mailbox, letter(subject="Re: Printer", body="Still smoking.", In_Reply_To=first_id))

    ticket = only_ticket()
    assert [entry.body_text for entry in ticket.entries.order_by("pk")][1] == "Still smoking."


def test_reply_to_a_notification_we_signed_joins_the_ticket(dovecot, imap_mailbox, ticket, carol):
    signed = new_message_id(ticket_id=ticket.pk, recipient_id=carol.pk)

    fetch(dovecot, imap_mailbox, letter(subject="Re: your ticket", In_Reply_To=signed))

    assert Ticket.objects.count() == 1
    assert ticket.entries.count() == 2


def test_ticket_number_in_the_subject_threads_a_mail_from_the_requester(dovecot, imap_mailbox, ticket):
    fetch(dovecot, imap_mailbox, letter(subject=f"Re: [#{ticket.number}] Printer on fire"))

    assert Ticket.objects.count() == 1
    assert ticket.entries.count() == 2


def test_ticket_number_in_the_subject_threads_a_mail_from_a_collaborator(dovecot, imap_mailbox, ticket, dave, alice):
    add_collaborator(ticket=ticket, actor=alice.user, user=dave)

    fetch(dovecot, imap_mailbox, letter("dave@stranger.test", f"[#{ticket.number}] me too"))

    assert ticket.entries.latest("pk").author == dave


def test_stranger_with_a_ticket_number_gets_a_ticket_of_their_own(dovecot, imap_mailbox, ticket, dave):
    fetch(dovecot, imap_mailbox, letter("dave@stranger.test", f"Re: [#{ticket.number}] Printer on fire"))

    assert ticket.entries.count() == 1
    assert Ticket.objects.exclude(pk=ticket.pk).get().requester == dave


def test_stranger_replying_to_a_ticket_message_id_does_not_join_it(dovecot, imap_mailbox, ticket, carol):
    signed = new_message_id(ticket_id=ticket.pk, recipient_id=carol.pk)

    fetch(dovecot, imap_mailbox, letter("carol@elsewhere.test", "Re: Printer", In_Reply_To=signed))

    ticket.refresh_from_db()
    assert ticket.entries.count() == 1
    assert ticket.requester == carol  # a changed sender address never replaces the requester
    assert Ticket.objects.exclude(pk=ticket.pk).get().requester.email == "carol@elsewhere.test"


def test_new_mail_from_a_known_customer_opens_a_new_ticket(dovecot, imap_mailbox, ticket):
    fetch(dovecot, imap_mailbox, letter(subject="Another problem"))

    assert Ticket.objects.count() == 2


def test_cc_addresses_become_collaborators_but_never_our_own_addresses(dovecot, imap_mailbox, support):
    cc = "Frank <frank@partner.test>, help@example.com, support@example.com, Carol <carol@customer.test>"

    fetch(dovecot, imap_mailbox, letter("carol@customer.test", Cc=cc))

    assert [user.email for user in only_ticket().collaborators.all()] == ["frank@partner.test"]


def test_cc_on_a_reply_adds_collaborators(dovecot, imap_mailbox, ticket):
    fetch(dovecot, imap_mailbox, letter(subject=f"[#{ticket.number}] more", Cc="frank@partner.test"))

    assert [user.email for user in ticket.collaborators.all()] == ["frank@partner.test"]


def test_cc_collaborators_can_be_turned_off(dovecot, imap_mailbox, settings):
    settings.MAIL_CC_AS_COLLABORATORS = False

    fetch(dovecot, imap_mailbox, letter(Cc="frank@partner.test"))

    assert not only_ticket().collaborators.exists()


def test_agent_answering_an_id_signed_for_them_posts_an_agent_reply(dovecot, imap_mailbox, ticket, alice):
    signed = new_message_id(ticket_id=ticket.pk, recipient_id=alice.user.pk)

    fetch(dovecot, imap_mailbox, letter("alice@example.com", "Re: Printer", "Unplug it.", In_Reply_To=signed))

    entry = ticket.entries.latest("pk")
    assert (entry.kind, entry.author, entry.source) == (ThreadEntry.Kind.RESPONSE, alice.user, Source.EMAIL)


def test_agent_address_with_a_forged_signed_id_is_not_an_agent_reply(dovecot, imap_mailbox, ticket, alice):
    forged = f"<sp.{ticket.pk}.{alice.user.pk}.0123456789ab.000000000000000000000000@helpdesk.test>"

    fetch(dovecot, imap_mailbox, letter("alice@example.com", "Re: Printer", "Close it.", In_Reply_To=forged))

    assert not ticket.entries.filter(kind=ThreadEntry.Kind.RESPONSE).exists()
    assert Ticket.objects.exclude(pk=ticket.pk).get().requester == alice.user


def test_agent_answering_an_id_signed_for_someone_else_is_not_an_agent_reply(dovecot, imap_mailbox, ticket, alice):
    carols = new_message_id(ticket_id=ticket.pk, recipient_id=ticket.requester_id)

    fetch(dovecot, imap_mailbox, letter("alice@example.com", "Re: Printer", "Close it.", In_Reply_To=carols))

    assert not ticket.entries.filter(kind=ThreadEntry.Kind.RESPONSE).exists()


def test_mail_from_our_own_address_is_dropped(dovecot, imap_mailbox, settings):
    settings.DEFAULT_FROM_EMAIL = "Sportello <helpdesk@example.com>"

    fetch(dovecot, imap_mailbox, letter("Sportello <HELPDESK@example.com>"))

    assert not Ticket.objects.exists()
    assert InboundMail.objects.get().state == InboundMail.State.DROPPED
    assert dovecot.count() == 0


def test_same_message_delivered_twice_is_imported_once(dovecot, imap_mailbox):
    raw = letter()

    fetch(dovecot, imap_mailbox, raw, raw)

    assert only_ticket().entries.count() == 1
    assert dovecot.count() == 0


def test_message_already_stored_is_not_imported_again_by_a_later_poll(dovecot, imap_mailbox):
    raw = letter()
    fetch(dovecot, imap_mailbox, raw)

    fetch(dovecot, imap_mailbox, raw)

    assert only_ticket().entries.count() == 1


def test_reply_to_a_merged_ticket_lands_in_the_ticket_it_was_merged_into(
    dovecot, imap_mailbox, ticket, carol, admin_user
):
    from tickets.services import merge

    other = open_ticket(requester=carol, subject="Same printer", body="Again.", department=ticket.department)
    merge(ticket=other, into=ticket, actor=admin_user)
    signed = new_message_id(ticket_id=other.pk, recipient_id=carol.pk)

    fetch(dovecot, imap_mailbox, letter(subject="Re: Same printer", body="Thanks.", In_Reply_To=signed))

    assert ticket.entries.filter(body_text="Thanks.").exists()


def test_customer_answering_the_auto_response_writes_in_the_same_ticket(smtp, dovecot, imap_mailbox):
    fetch(dovecot, imap_mailbox, letter("Erin <erin@newco.test>", "Router down", "No internet."))
    [auto_response] = smtp.to("erin@newco.test")
    answer = letter(
        "erin@newco.test", f"Re: {auto_response['Subject']}", "Still down.", In_Reply_To=auto_response["Message-ID"]
    )

    fetch(dovecot, imap_mailbox, answer)

    assert [entry.body_text for entry in only_ticket().entries.order_by("pk")] == ["No internet.", "Still down."]
