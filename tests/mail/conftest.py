"""Fixtures of the inbound mail tests: a private Dovecot per test process and mailboxes that poll it."""

from __future__ import annotations

import os

import pytest

from helpdesk.mail.models import Mailbox
from tests.mail import dovecot as dovecot_server


@pytest.fixture(scope="session")
def _dovecot_process():
    """One Dovecot per pytest process (each xdist worker has its own), started on first use."""
    if not dovecot_server.available():
        reason = "Dovecot is not installed (Debian: apt-get install dovecot-imapd dovecot-pop3d)"
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail(f"{reason}; CI must run the mail server tests.")
        pytest.skip(reason)
    server = dovecot_server.Dovecot()
    server.start()
    yield server
    server.close()


@pytest.fixture
def dovecot(_dovecot_process):
    """The running server with an empty mailbox (restarted if a test killed it, or it died)."""
    if not _dovecot_process.alive():
        _dovecot_process.stop()
        _dovecot_process.start()
    _dovecot_process.empty()
    return _dovecot_process


def make_mailbox(dovecot, department, **fields) -> Mailbox:
    """A mailbox polling the test server's account, plain-text IMAP unless ``fields`` say otherwise."""
    values = {
        "name": "Support inbox",
        "email": "help@example.com",
        "host": "127.0.0.1",
        "port": dovecot.ports.imap,
        "security": Mailbox.Security.NONE,
        "username": dovecot_server.USER,
        "password": dovecot_server.PASSWORD,
        "department": department,
    }
    return Mailbox.objects.create(**{**values, **fields})


@pytest.fixture
def imap_mailbox(dovecot, support) -> Mailbox:
    return make_mailbox(dovecot, support)


@pytest.fixture
def pop3_mailbox(dovecot, support) -> Mailbox:
    return make_mailbox(dovecot, support, name="Support POP3", protocol=Mailbox.Protocol.POP3, port=dovecot.ports.pop3)


@pytest.fixture
def trust_dovecot(settings, dovecot):
    """Verify the test server's self-signed certificate, as a private CA would be set up."""
    settings.MAIL_TLS_CA_FILE = str(dovecot.root / "cert.pem")
