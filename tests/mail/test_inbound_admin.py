"""The admin side of incoming mail: testing and polling a mailbox, and the failed and held messages."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from helpdesk.mail.models import InboundMail, Mailbox
from tests.conftest import signed_in
from tests.mail.letters import letter
from tickets.models import Ticket

pytestmark = pytest.mark.django_db(transaction=True)

UNREADABLE = b"From: one@a.test, two@b.test\r\nSubject: which sender?\r\n\r\nbody\r\n"


@pytest.fixture(autouse=True)
def _setup(default_statuses):
    pass


def held(imap_mailbox, raw: bytes) -> InboundMail:
    return InboundMail.objects.create(
        mailbox=imap_mailbox, message_id="<held@client.test>", sender="carol@customer.test", state="held", raw=raw
    )


def mailbox_action(client, action: str, mailbox: Mailbox):
    url = reverse("admin:mail_mailbox_changelist")
    return client.post(url, {"action": action, "_selected_action": [mailbox.pk]}, follow=True)


def test_fetch_now_polls_the_mailbox_and_says_what_it_stored(admin_client, dovecot, imap_mailbox):
    dovecot.deliver(letter())

    response = mailbox_action(admin_client, "fetch_now", imap_mailbox)

    assert "Support inbox: 1 stored" in response.content.decode()
    assert Ticket.objects.count() == 1


def test_test_connection_counts_the_waiting_messages(admin_client, dovecot, imap_mailbox):
    dovecot.deliver(letter())

    response = mailbox_action(admin_client, "test_connection", imap_mailbox)

    assert "Support inbox: connected, 1 message waiting." in response.content.decode()
    assert dovecot.count() == 1


def test_test_connection_shows_the_server_error(admin_client, dovecot, imap_mailbox):
    Mailbox.objects.filter(pk=imap_mailbox.pk).update(password="wrong")

    response = mailbox_action(admin_client, "test_connection", imap_mailbox)

    assert "AUTHENTICATIONFAILED" in response.content.decode()


def test_pop3_mailbox_cannot_move_messages_to_a_folder(admin_client, support):
    data = {
        "name": "Pop",
        "email": "pop@example.com",
        "department": support.pk,
        "is_active": "on",
        "protocol": "pop3",
        "host": "127.0.0.1",
        "port": 110,
        "security": "none",
        "username": "u",
        "password": "p",
        "folder": "INBOX",
        "after_import": "move",
        "move_to_folder": "Done",
    }

    response = admin_client.post(reverse("admin:mail_mailbox_add"), data)

    assert "POP3 has no folders" in response.content.decode()
    assert not Mailbox.objects.exists()


def test_held_message_is_imported_by_the_retry_action(admin_client, imap_mailbox):
    record = held(imap_mailbox, letter())
    url = reverse("admin:mail_inboundmail_changelist")

    admin_client.post(url, {"action": "retry_import", "_selected_action": [record.pk]})

    record.refresh_from_db()
    assert record.state == InboundMail.State.IMPORTED
    assert record.ticket == Ticket.objects.get()
    assert bytes(record.raw) == b""


def test_retry_of_an_unreadable_message_keeps_it_failed_with_the_reason(admin_client, imap_mailbox):
    record = held(imap_mailbox, UNREADABLE)
    url = reverse("admin:mail_inboundmail_changelist")

    response = admin_client.post(url, {"action": "retry_import", "_selected_action": [record.pk]}, follow=True)

    record.refresh_from_db()
    assert record.state == InboundMail.State.FAILED
    assert "exactly one sender" in response.content.decode()


def test_failed_message_is_listed_and_downloaded_raw_by_the_superuser(admin_client, imap_mailbox):
    record = held(imap_mailbox, UNREADABLE)

    listing = admin_client.get(reverse("admin:mail_inboundmail_changelist"), {"state__exact": "held"})
    page = admin_client.get(reverse("admin:mail_inboundmail_change", args=[record.pk]))
    raw = admin_client.get(reverse("admin:mail_inboundmail_raw", args=[record.pk]))

    assert "carol@customer.test" in listing.content.decode()
    assert reverse("admin:mail_inboundmail_raw", args=[record.pk]) in page.content.decode()
    assert raw["Content-Disposition"] == f'attachment; filename="message-{record.pk}.eml"'
    assert raw.content == UNREADABLE


def test_raw_download_is_refused_to_agents(client, alice, imap_mailbox):
    record = held(imap_mailbox, UNREADABLE)

    response = signed_in(client, alice).get(reverse("admin:mail_inboundmail_raw", args=[record.pk]))

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("admin:login"))


def test_fetched_messages_list_makes_the_same_number_of_queries_for_many_rows(admin_client, imap_mailbox, ticket):
    def add(count: int) -> None:
        start = InboundMail.objects.count()
        for number in range(start, start + count):
            InboundMail.objects.create(
                mailbox=imap_mailbox, message_id=f"<m{number}@client.test>", state="imported", ticket=ticket
            )

    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            assert admin_client.get(reverse("admin:mail_inboundmail_changelist")).status_code == 200
        return len(captured)

    add(3)
    few = queries()
    add(30)

    assert queries() == few
