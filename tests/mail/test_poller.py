"""The poller against a real Dovecot: protocols, what happens to the server copy, and failures mid-poll."""

import threading

import pytest
from django.core.management import CommandError, call_command
from django.db import OperationalError, connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from helpdesk.mail import fetching, importing
from helpdesk.mail.fetching import poll
from helpdesk.mail.jobs import fetch_mail
from helpdesk.mail.models import InboundMail, Mailbox
from tests.mail.conftest import make_mailbox
from tests.mail.letters import fetch, letter
from tickets.models import ThreadEntry, Ticket

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture(autouse=True)
def _setup(default_statuses):
    pass


def test_imap_poll_imports_the_message_and_deletes_the_server_copy(dovecot, imap_mailbox):
    report = fetch(dovecot, imap_mailbox, letter())

    assert report.stored == 1
    assert Ticket.objects.count() == 1
    assert dovecot.count() == 0


def test_imap_poll_can_move_the_server_copy_to_a_folder_marked_read(dovecot, imap_mailbox):
    Mailbox.objects.filter(pk=imap_mailbox.pk).update(after_import="move", move_to_folder="Imported")
    imap_mailbox.refresh_from_db()

    fetch(dovecot, imap_mailbox, letter())

    assert Ticket.objects.count() == 1
    assert (dovecot.count(), dovecot.count("Imported"), dovecot.seen("Imported")) == (0, 1, 1)


def test_imap_folder_names_outside_ascii_are_sent_in_modified_utf7(dovecot, imap_mailbox):
    Mailbox.objects.filter(pk=imap_mailbox.pk).update(after_import="move", move_to_folder="Già importati")
    imap_mailbox.refresh_from_db()

    fetch(dovecot, imap_mailbox, letter())

    assert dovecot.count('"Gi&AOA- importati"') == 1


def test_imap_server_without_move_gets_a_copy_then_a_delete(dovecot, imap_mailbox, monkeypatch):
    Mailbox.objects.filter(pk=imap_mailbox.pk).update(after_import="move", move_to_folder="Imported")
    imap_mailbox.refresh_from_db()
    setup = fetching.ImapServer.__init__

    def like_an_older_server(server, client, mailbox):
        setup(server, client, mailbox)
        server.can_move = server.uid_expunge = False  # no MOVE, no UIDPLUS (RFC 3501 only)

    monkeypatch.setattr(fetching.ImapServer, "__init__", like_an_older_server)

    fetch(dovecot, imap_mailbox, letter(), letter(subject="Second"))

    assert (dovecot.count(), dovecot.count("Imported")) == (0, 2)
    assert Ticket.objects.count() == 2


def test_imap_poll_reads_the_configured_folder_only(dovecot, imap_mailbox):
    Mailbox.objects.filter(pk=imap_mailbox.pk).update(folder="Helpdesk")
    imap_mailbox.refresh_from_db()
    dovecot.deliver(letter(subject="Private"))
    dovecot.deliver(letter(subject="For the helpdesk"), folder="Helpdesk")

    fetch(dovecot, imap_mailbox)

    assert list(Ticket.objects.values_list("subject", flat=True)) == ["For the helpdesk"]
    assert dovecot.count("INBOX") == 1


def test_missing_folder_is_reported(dovecot, imap_mailbox):
    Mailbox.objects.filter(pk=imap_mailbox.pk).update(folder="Nowhere")
    imap_mailbox.refresh_from_db()

    report = poll(imap_mailbox)

    assert report.error.startswith("Mail server: Cannot open the folder Nowhere: Mailbox doesn't exist")


def test_pop3_poll_imports_the_message_and_deletes_the_server_copy(dovecot, pop3_mailbox):
    fetch(dovecot, pop3_mailbox, letter(), letter(subject="Second"))

    assert Ticket.objects.count() == 2
    assert dovecot.count() == 0


@pytest.mark.parametrize(
    ("protocol", "security", "port"),
    [
        ("imap", "ssl", "imaps"),
        ("imap", "starttls", "imap"),
        ("pop3", "ssl", "pop3s"),
        ("pop3", "starttls", "pop3"),
    ],
)
def test_tls_connections_are_verified_and_work(dovecot, support, trust_dovecot, protocol, security, port):
    mailbox = make_mailbox(dovecot, support, protocol=protocol, security=security, port=getattr(dovecot.ports, port))

    fetch(dovecot, mailbox, letter())

    assert Ticket.objects.count() == 1


def test_untrusted_certificate_is_refused_and_reported(dovecot, support):
    mailbox = make_mailbox(dovecot, support, security="ssl", port=dovecot.ports.imaps)
    dovecot.deliver(letter())

    report = poll(mailbox)

    mailbox.refresh_from_db()
    assert "CERTIFICATE_VERIFY_FAILED" in mailbox.last_error == report.error
    assert dovecot.count() == 1


def test_wrong_password_is_recorded_on_the_mailbox(dovecot, imap_mailbox):
    Mailbox.objects.filter(pk=imap_mailbox.pk).update(password="wrong")
    imap_mailbox.refresh_from_db()

    report = poll(imap_mailbox)

    imap_mailbox.refresh_from_db()
    assert "AUTHENTICATIONFAILED" in report.error
    assert imap_mailbox.last_error == report.error
    assert imap_mailbox.last_error_at is not None


def test_a_clean_poll_clears_the_last_error(dovecot, imap_mailbox):
    Mailbox.objects.filter(pk=imap_mailbox.pk).update(last_error="old trouble", last_error_at=timezone.now())

    fetch(dovecot, imap_mailbox)

    imap_mailbox.refresh_from_db()
    assert imap_mailbox.last_error == ""
    assert imap_mailbox.last_polled_at is not None


def test_oversized_message_is_left_on_the_server_and_reported_once(dovecot, imap_mailbox, settings):
    settings.MAIL_MAX_MESSAGE_BYTES = 2048
    dovecot.deliver(letter(body="x" * 4000))

    poll(imap_mailbox)
    poll(imap_mailbox)

    imap_mailbox.refresh_from_db()
    assert not Ticket.objects.exists()
    assert dovecot.count() == 1
    assert InboundMail.objects.get().state == InboundMail.State.TOO_LARGE
    assert "over the size limit" in imap_mailbox.last_error


def test_mail_server_killed_mid_poll_loses_nothing_and_doubles_nothing(dovecot, imap_mailbox, monkeypatch):
    for number in range(3):
        dovecot.deliver(letter(subject=f"Mail {number}"))
    receive = importing.receive

    def crash_after_the_second(raw, **kwargs):
        record = receive(raw, **kwargs)
        if InboundMail.objects.count() == 2:
            dovecot.stop()  # stored, but the server dies before its copy is deleted
        return record

    monkeypatch.setattr(importing, "receive", crash_after_the_second)
    assert poll(imap_mailbox).error
    monkeypatch.undo()
    dovecot.start()
    assert dovecot.count() == 2

    fetch(dovecot, imap_mailbox)

    assert sorted(Ticket.objects.values_list("subject", flat=True)) == ["Mail 0", "Mail 1", "Mail 2"]
    assert ThreadEntry.objects.count() == 3
    assert dovecot.count() == 0


def test_database_failure_during_a_poll_leaves_the_message_on_the_server(dovecot, imap_mailbox, monkeypatch):
    dovecot.deliver(letter())

    def database_gone(message, *, mailbox):
        raise OperationalError("server closed the connection unexpectedly")

    monkeypatch.setattr(importing, "import_message", database_gone)
    report = poll(imap_mailbox)
    monkeypatch.undo()

    assert "server closed the connection" in report.error
    assert (dovecot.count(), InboundMail.objects.count(), Ticket.objects.count()) == (1, 0, 0)
    fetch(dovecot, imap_mailbox)
    assert (dovecot.count(), Ticket.objects.count()) == (0, 1)


def test_a_message_the_importer_chokes_on_is_kept_raw_and_does_not_hold_up_the_rest(dovecot, imap_mailbox, monkeypatch):
    import_message = importing.import_message

    def choke_on_poison(message, *, mailbox):
        if message.subject == "Poison":
            raise ValueError("unexpected structure")
        return import_message(message, mailbox=mailbox)

    monkeypatch.setattr(importing, "import_message", choke_on_poison)

    fetch(dovecot, imap_mailbox, letter(subject="Poison"), letter(subject="Fine"))

    assert list(Ticket.objects.values_list("subject", flat=True)) == ["Fine"]
    failed = InboundMail.objects.get(state=InboundMail.State.FAILED)
    assert (failed.subject, failed.reason) == ("Poison", "ValueError: unexpected structure")
    assert b"Subject: Poison" in bytes(failed.raw)
    assert dovecot.count() == 0


def test_a_poller_holding_the_lease_keeps_a_second_one_out(dovecot, imap_mailbox):
    dovecot.deliver(letter())
    token = fetching._acquire(imap_mailbox)

    report = poll(imap_mailbox)

    assert token and report.busy
    assert dovecot.count() == 1
    assert not Ticket.objects.exists()


def test_an_expired_lease_is_taken_over(dovecot, imap_mailbox):
    Mailbox.objects.filter(pk=imap_mailbox.pk).update(locked_until=timezone.now(), lock_token="crashed")

    fetch(dovecot, imap_mailbox, letter())

    assert Ticket.objects.count() == 1


def test_a_poll_renews_its_lease_only_once_a_while_not_per_message(dovecot, imap_mailbox):
    for number in range(3):
        dovecot.deliver(letter(subject=f"Mail {number}"))

    with CaptureQueriesContext(connection) as captured:
        fetch(dovecot, imap_mailbox)

    lease_writes = [query for query in captured.captured_queries if query["sql"].startswith('UPDATE "mail_mailbox"')]
    assert len(lease_writes) == 2  # taken, then given back with the outcome
    assert Ticket.objects.count() == 3


def test_a_poll_whose_lease_was_taken_stops_before_the_next_message(dovecot, imap_mailbox, monkeypatch):
    monkeypatch.setattr(fetching, "RENEW_AFTER_SECONDS", 0)
    for number in range(2):
        dovecot.deliver(letter(subject=f"Mail {number}"))
    receive = importing.receive

    def taken_over_meanwhile(raw, **kwargs):
        record = receive(raw, **kwargs)
        Mailbox.objects.filter(pk=imap_mailbox.pk).update(lock_token="another poller")
        return record

    monkeypatch.setattr(importing, "receive", taken_over_meanwhile)
    report = poll(imap_mailbox)

    assert "longer than its lease" in report.error
    assert Ticket.objects.count() == 1
    assert dovecot.count() == 1


def test_two_pollers_at_once_import_each_message_once(dovecot, imap_mailbox, support):
    twin = make_mailbox(dovecot, support, name="Same account, second entry", email="help2@example.com")
    for number in range(5):
        dovecot.deliver(letter(subject=f"Mail {number}"))
    start = threading.Barrier(2)

    def run(mailbox):
        start.wait()
        try:
            poll(mailbox)
        finally:
            connection.close()  # each thread has its own; the test database must be free to drop

    threads = [threading.Thread(target=run, args=(box,)) for box in (imap_mailbox, twin)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    fetch(dovecot, imap_mailbox)  # whatever a poller hit by a lock left behind

    assert Ticket.objects.count() == 5
    assert ThreadEntry.objects.count() == 5
    assert dovecot.count() == 0


def test_fetch_mail_command_polls_the_named_mailbox(dovecot, imap_mailbox, capsys):
    dovecot.deliver(letter())

    call_command("fetch_mail", "--mailbox", "Support inbox")

    assert "Support inbox: 1 stored" in capsys.readouterr().out
    assert Ticket.objects.count() == 1


def test_fetch_mail_command_refuses_an_unknown_mailbox(db):
    with pytest.raises(CommandError, match="No mailbox is called 'Nope'"):
        call_command("fetch_mail", "--mailbox", "Nope")


def test_fetch_mail_job_polls_enabled_mailboxes_only(dovecot, imap_mailbox):
    Mailbox.objects.filter(pk=imap_mailbox.pk).update(is_active=False)
    dovecot.deliver(letter())

    fetch_mail.delay()

    assert dovecot.count() == 1
    Mailbox.objects.filter(pk=imap_mailbox.pk).update(is_active=True)
    fetch_mail.delay()
    assert dovecot.count() == 0


def test_beat_runs_fetch_mail_every_mail_poll_seconds(settings):
    entry = settings.CELERY_BEAT_SCHEDULE["fetch-mail"]

    assert entry["task"] == fetch_mail.name
    assert entry["schedule"] == float(settings.MAIL_POLL_SECONDS)
