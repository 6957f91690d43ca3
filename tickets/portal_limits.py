"""Throttles for the portal's public forms, kept in Django's cache (Redis in production).

Each scope counts attempts per key (a client address, an e-mail address) in a fixed window of an hour.
"""

from __future__ import annotations

import hashlib

from axes.helpers import get_client_ip_address
from django.core.cache import cache
from django.http import HttpRequest

WINDOW_SECONDS = 60 * 60


def client_ip(request: HttpRequest) -> str:
    """The client's address, read through the trusted proxies the way the sign-in throttle reads it."""
    return get_client_ip_address(request) or request.META.get("REMOTE_ADDR", "") or "unknown"


def _key(scope: str, value: str) -> str:
    digest = hashlib.sha256(value.strip().lower().encode()).hexdigest()[:32]
    return f"portal-limit:{scope}:{digest}"


def allow(scope: str, value: str, *, limit: int) -> bool:
    """Count one attempt for ``value`` in ``scope``; False once more than ``limit`` were made this window."""
    key = _key(scope, value)
    cache.add(key, 0, WINDOW_SECONDS)
    try:
        count = cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.set(key, 1, WINDOW_SECONDS)
        count = 1
    return count <= limit


def allow_all(scope: str, values: list[str], *, limit: int) -> bool:
    """Count one attempt for each value (every one is counted); False when any is over the limit."""
    results = [allow(scope, value, limit=limit) for value in values if value]
    return all(results)
