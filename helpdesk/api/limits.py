"""Per-credential rate limiting in the Django cache: a fixed one-minute window per key or token."""

from __future__ import annotations

import time

from django.conf import settings
from django.core.cache import cache

WINDOW_SECONDS = 60


def over_limit(credential: str) -> bool:
    """Count one request for ``credential`` (a key or token hash); True once it passes API_RATE_LIMIT a minute."""
    limit: int = settings.API_RATE_LIMIT
    if limit <= 0:
        return False
    window = int(time.time() // WINDOW_SECONDS)
    counter = f"api-rate:{credential}:{window}"
    cache.add(counter, 0, timeout=WINDOW_SECONDS * 2)
    try:
        count = cache.incr(counter)
    except ValueError:
        # The counter expired between add and incr.
        cache.set(counter, 1, timeout=WINDOW_SECONDS * 2)
        count = 1
    return count > limit


def seconds_to_next_window() -> int:
    """For the Retry-After header."""
    return WINDOW_SECONDS - int(time.time()) % WINDOW_SECONDS
