"""Reference data read once per batch of work instead of once per use: own addresses, ticket filters, statuses.

Importing a mail reads the same few rarely changing things every time (the helpdesk's own addresses, the
ticket filters, the default statuses, the agents a department alerts). Inside ``batch()`` each is read on
first use and then reused, until the batch ends or for at most ``MAX_AGE_SECONDS``: the mail poller runs a
whole poll in one batch and ``receive`` runs each message in one (joining the poll's), so an admin's change
reaches a running poll within that time and the next poll at once. Outside a batch ``remembered`` reads
every time. Values are keyed by what they depend on (a department's alert list by its id), never by who asks.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Hashable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Any, TypeVar

MAX_AGE_SECONDS = 30.0

T = TypeVar("T")
_store: ContextVar[dict[Hashable, tuple[float, Any]] | None] = ContextVar("reference_store", default=None)


@contextmanager
def batch() -> Iterator[None]:
    """Reuse reference data read inside the block; a block inside another one shares the outer one's."""
    if _store.get() is not None:
        yield
        return
    token = _store.set({})
    try:
        yield
    finally:
        _store.reset(token)


def remembered(key: Hashable, load: Callable[[], T]) -> T:
    """``load()``, read once per batch (and again when older than MAX_AGE_SECONDS); every time outside one."""
    store = _store.get()
    if store is None:
        return load()
    now = time.monotonic()
    found = store.get(key)
    if found is not None and now - found[0] < MAX_AGE_SECONDS:
        return found[1]
    value = load()
    store[key] = (now, value)
    return value
