"""A model field for secrets Sportello must read back (a mailbox's password): stored encrypted, read as text.

The value is encrypted with Fernet (AES-128-CBC and HMAC-SHA256, from ``cryptography``) under a key derived
from SECRET_KEY, so a copy of the database alone (a dump, a backup) does not give away the password. After a
SECRET_KEY rotation, values written under a key in SECRET_KEY_FALLBACKS still read, and are written again
under the new key when saved. A value no key opens reads as ``Unreadable``: empty, but keeping what was
stored, so saving the row again loses nothing and putting the old key back restores it.
"""

from __future__ import annotations

from base64 import urlsafe_b64encode
from typing import Any

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from django.conf import settings
from django.db import models
from django.utils.crypto import salted_hmac
from django.utils.encoding import force_str

PREFIX = "fernet:"
KEY_SALT = "helpdesk.fields.EncryptedCharField"


class Unreadable(str):
    """A stored secret that none of the keys open: reads as an empty string, keeps the stored text."""

    stored: str

    def __new__(cls, stored: str) -> Unreadable:
        value = super().__new__(cls, "")
        value.stored = stored
        return value


def _fernet() -> MultiFernet:
    secrets = [settings.SECRET_KEY, *getattr(settings, "SECRET_KEY_FALLBACKS", [])]
    keys = [salted_hmac(KEY_SALT, "fernet", secret=secret, algorithm="sha256").digest() for secret in secrets]
    return MultiFernet([Fernet(urlsafe_b64encode(key)) for key in keys])


def encrypt(text: str) -> str:
    """``text`` encrypted under the current SECRET_KEY, as stored."""
    return PREFIX + _fernet().encrypt(text.encode()).decode()


def decrypt(stored: str) -> str:
    """The text of a stored value; text stored before encryption comes back as it is."""
    if not stored.startswith(PREFIX):
        return stored
    try:
        return _fernet().decrypt(stored[len(PREFIX) :].encode()).decode()
    except InvalidToken:
        return Unreadable(stored)


class EncryptedCharField(models.CharField):
    """A CharField whose value is encrypted in the database (see the module's text); ``max_length`` is the
    column's, which must hold the encrypted form: about 1.4 x the text plus 100 characters."""

    def from_db_value(self, value: str | None, expression: Any, connection: Any) -> str | None:
        return decrypt(value) if value else value

    def to_python(self, value: Any) -> Any:
        return value if isinstance(value, Unreadable) else super().to_python(value)

    def get_prep_value(self, value: Any) -> Any:
        if isinstance(value, Unreadable):
            return value.stored
        value = super().get_prep_value(value)
        return encrypt(force_str(value)) if value else value
