"""Signed Message-IDs: our outgoing mail names the ticket and the recipient, and only we can forge that.

A reply is accepted as an agent's reply only when it answers a Message-ID that we signed for that
agent: a copied or invented id (another ticket, another recipient, a bad signature) reads as None.
"""

from __future__ import annotations

import re
import secrets
from dataclasses import dataclass

from django.conf import settings
from django.utils.crypto import constant_time_compare, salted_hmac

_SALT = "sportello.mail.message-id"
_SIGNED = re.compile(r"^<?sp\.(\d{1,12})\.(\d{1,12})\.([0-9a-z]{8,32})\.([0-9a-f]{24})@([^<>\s]+)>?$")


@dataclass(frozen=True)
class SignedId:
    ticket_id: int
    recipient_id: int


def new_message_id(*, ticket_id: int, recipient_id: int) -> str:
    """A fresh ``<sp.TICKET.RECIPIENT.NONCE.SIG@domain>`` for one mail to one recipient."""
    nonce = secrets.token_hex(6)
    payload = f"{ticket_id}.{recipient_id}.{nonce}"
    return f"<sp.{payload}.{_signature(payload)}@{settings.MAIL_MESSAGE_ID_DOMAIN}>"


def read_message_id(message_id: str) -> SignedId | None:
    """The ticket and recipient a Message-ID of ours was sent for, or None if it is not ours or forged."""
    match = _SIGNED.match(message_id.strip())
    if match is None or match.group(5).lower() != settings.MAIL_MESSAGE_ID_DOMAIN.lower():
        return None
    ticket_id, recipient_id, nonce, signature = match.group(1, 2, 3, 4)
    if not constant_time_compare(signature, _signature(f"{ticket_id}.{recipient_id}.{nonce}")):
        return None
    return SignedId(ticket_id=int(ticket_id), recipient_id=int(recipient_id))


def _signature(payload: str) -> str:
    secret = settings.MAIL_SIGNING_KEY or settings.SECRET_KEY
    return salted_hmac(_SALT, payload, secret=secret, algorithm="sha256").hexdigest()[:24]
