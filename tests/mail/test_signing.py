"""Signed Message-IDs: only ids we made for that ticket and recipient read back."""

from helpdesk.mail.signing import SignedId, new_message_id, read_message_id


def test_a_signed_id_reads_back_its_ticket_and_recipient(settings):
    settings.MAIL_MESSAGE_ID_DOMAIN = "help.example.org"
    message_id = new_message_id(ticket_id=42, recipient_id=7)

    assert message_id.startswith("<sp.42.7.") and message_id.endswith("@help.example.org>")
    assert read_message_id(message_id) == SignedId(ticket_id=42, recipient_id=7)


def test_two_ids_for_the_same_mail_differ():
    assert new_message_id(ticket_id=1, recipient_id=2) != new_message_id(ticket_id=1, recipient_id=2)


def test_an_id_with_another_recipient_is_refused():
    message_id = new_message_id(ticket_id=42, recipient_id=7)

    assert read_message_id(message_id.replace(".42.7.", ".42.8.")) is None


def test_an_id_for_another_ticket_is_refused():
    message_id = new_message_id(ticket_id=42, recipient_id=7)

    assert read_message_id(message_id.replace(".42.7.", ".43.7.")) is None


def test_an_id_signed_with_another_key_is_refused(settings):
    settings.MAIL_SIGNING_KEY = "first key"
    message_id = new_message_id(ticket_id=42, recipient_id=7)
    settings.MAIL_SIGNING_KEY = "second key"

    assert read_message_id(message_id) is None


def test_an_id_under_another_domain_is_refused(settings):
    settings.MAIL_MESSAGE_ID_DOMAIN = "help.example.org"
    message_id = new_message_id(ticket_id=42, recipient_id=7)

    assert read_message_id(message_id.replace("help.example.org", "evil.example")) is None


def test_a_foreign_id_is_not_ours():
    assert read_message_id("<CAF=abc123@mail.gmail.com>") is None
