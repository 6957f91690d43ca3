"""Secrets handed out once (API keys, agent tokens): drawn at random, stored only as a SHA-256 hash.

The secrets are long and random, so a fast hash is enough: there is nothing to guess by brute force.
A short visible prefix lets an admin tell keys apart without the secret.
"""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass

PREFIX_LENGTH = 8


@dataclass(frozen=True)
class NewSecret:
    """A freshly drawn secret: ``value`` is shown to the admin once, ``digest`` and ``prefix`` are stored."""

    value: str
    digest: str
    prefix: str


def digest(value: str) -> str:
    """The stored form of a secret."""
    return hashlib.sha256(value.encode()).hexdigest()


def draw(*, start: str = "") -> NewSecret:
    """A new random secret, optionally starting with a fixed marker such as ``spt_``."""
    value = start + secrets.token_hex(20).upper()
    return NewSecret(value=value, digest=digest(value), prefix=value[: len(start) + PREFIX_LENGTH])
