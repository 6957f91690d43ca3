"""A mailbox's password is stored encrypted under a key from SECRET_KEY, and survives a key rotation."""

from __future__ import annotations

import importlib

import pytest
from django.apps import apps
from django.db import connection

from helpdesk.fields import Unreadable
from helpdesk.mail.fetching import poll
from helpdesk.mail.models import Mailbox

PASSWORD = "s3cret-imap-password"
OLD_KEY = "an-old-secret-key-0123456789-an-old-secret-key-0123456789"
migration = importlib.import_module("helpdesk.mail.migrations.0004_mailbox_password_encrypted")


@pytest.fixture
def mailbox(support) -> Mailbox:
    return Mailbox.objects.create(
        name="Support inbox", email="help@example.com", host="127.0.0.1", port=1, username="help",
        password=PASSWORD, department=support,
    )  # fmt: skip


def _stored(mailbox: Mailbox) -> str:
    with connection.cursor() as cursor:
        cursor.execute("SELECT password FROM mail_mailbox WHERE id = %s", [mailbox.pk])
        return str(cursor.fetchone()[0])


def _store(mailbox: Mailbox, value: str) -> None:
    with connection.cursor() as cursor:
        cursor.execute("UPDATE mail_mailbox SET password = %s WHERE id = %s", [value, mailbox.pk])


def test_the_database_holds_the_password_encrypted(mailbox):
    stored = _stored(mailbox)

    assert stored.startswith("fernet:") and PASSWORD not in stored


def test_the_mailbox_reads_its_password_back(mailbox):
    assert Mailbox.objects.get(pk=mailbox.pk).password == PASSWORD


def test_saving_twice_never_stores_the_same_text(mailbox):
    first = _stored(mailbox)
    Mailbox.objects.get(pk=mailbox.pk).save()

    assert _stored(mailbox) != first  # a fresh IV each time: equal passwords do not show as equal


def test_after_a_key_rotation_the_old_key_in_the_fallbacks_still_opens_it(mailbox, settings):
    settings.SECRET_KEY, settings.SECRET_KEY_FALLBACKS = OLD_KEY, []
    mailbox.password = PASSWORD
    mailbox.save()  # written under the old key
    settings.SECRET_KEY, settings.SECRET_KEY_FALLBACKS = "the-new-key-" + "x" * 50, [OLD_KEY]

    assert Mailbox.objects.get(pk=mailbox.pk).password == PASSWORD


def test_saving_after_a_rotation_writes_it_under_the_new_key(mailbox, settings):
    settings.SECRET_KEY_FALLBACKS = [settings.SECRET_KEY]
    settings.SECRET_KEY = "the-new-key-" + "x" * 50
    Mailbox.objects.get(pk=mailbox.pk).save()
    settings.SECRET_KEY_FALLBACKS = []

    assert Mailbox.objects.get(pk=mailbox.pk).password == PASSWORD


def test_with_its_key_gone_the_password_reads_empty_and_saving_keeps_what_was_stored(mailbox, settings):
    stored = _stored(mailbox)
    original_key = settings.SECRET_KEY
    settings.SECRET_KEY = "the-new-key-" + "x" * 50

    unreadable = Mailbox.objects.get(pk=mailbox.pk)
    unreadable.save()

    assert isinstance(unreadable.password, Unreadable) and unreadable.password == ""
    assert _stored(mailbox) == stored
    settings.SECRET_KEY = original_key
    assert Mailbox.objects.get(pk=mailbox.pk).password == PASSWORD


@pytest.mark.django_db(transaction=True)
def test_a_poll_with_an_unreadable_password_says_so_and_touches_no_server(mailbox, settings):
    settings.SECRET_KEY = "the-new-key-" + "x" * 50

    report = poll(Mailbox.objects.get(pk=mailbox.pk))

    assert "SECRET_KEY has changed" in report.error
    mailbox.refresh_from_db()
    assert "SECRET_KEY has changed" in mailbox.last_error


def test_a_password_stored_before_encryption_reads_as_it_is(mailbox):
    _store(mailbox, PASSWORD)

    assert Mailbox.objects.get(pk=mailbox.pk).password == PASSWORD


def test_the_migration_encrypts_passwords_stored_as_plain_text(mailbox):
    _store(mailbox, PASSWORD)

    migration.encrypt_passwords(apps, None)

    assert _stored(mailbox).startswith("fernet:")
    assert Mailbox.objects.get(pk=mailbox.pk).password == PASSWORD


def test_the_migration_undone_writes_plain_text_back(mailbox):
    class Editor:
        connection = connection
        quote_name = staticmethod(connection.ops.quote_name)

    migration.decrypt_passwords(apps, Editor())

    assert _stored(mailbox) == PASSWORD
