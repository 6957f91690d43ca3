"""Idle expiry: a session in use stays alive, saved at most once a minute; an idle one ends."""

from __future__ import annotations

import time
from datetime import timedelta

from django.conf import settings
from django.contrib.sessions.backends.cached_db import KEY_PREFIX
from django.contrib.sessions.models import Session
from django.core.cache import cache
from django.urls import reverse
from django.utils import timezone

from helpdesk.middleware import SESSION_REFRESHED_KEY
from tests.conftest import signed_in


def stored_expiry(client):
    return Session.objects.get(session_key=client.session.session_key).expire_date


def backdate_refresh(client, seconds: float) -> None:
    session = client.session
    session[SESSION_REFRESHED_KEY] = time.time() - seconds
    session.save()


def test_a_page_within_a_minute_of_the_last_save_does_not_save_the_session(client, alice):
    signed_in(client, alice)
    client.get(reverse("scp:tickets"))
    before = stored_expiry(client)

    response = client.get(reverse("scp:tickets"))

    assert settings.SESSION_COOKIE_NAME not in response.cookies
    assert stored_expiry(client) == before


def test_a_page_over_a_minute_after_the_last_save_moves_the_idle_expiry_ahead(client, alice):
    signed_in(client, alice)
    client.get(reverse("scp:tickets"))
    backdate_refresh(client, settings.SESSION_REFRESH_SECONDS + 1)
    Session.objects.filter(session_key=client.session.session_key).update(
        expire_date=timezone.now() + timedelta(minutes=5)
    )

    response = client.get(reverse("scp:tickets"))

    assert response.cookies[settings.SESSION_COOKIE_NAME]["max-age"] == settings.SESSION_COOKIE_AGE
    expected = timezone.now() + timedelta(seconds=settings.SESSION_COOKIE_AGE)
    assert abs(stored_expiry(client) - expected) < timedelta(seconds=30)


def test_a_session_idle_past_its_age_is_signed_out(client, alice):
    signed_in(client, alice)
    client.get(reverse("scp:tickets"))
    key = client.session.session_key
    Session.objects.filter(session_key=key).update(expire_date=timezone.now() - timedelta(seconds=1))
    cache.delete(KEY_PREFIX + key)  # with Redis, the cached copy was kept exactly as long as the row

    response = client.get(reverse("scp:tickets"))

    assert response.status_code == 302
    assert response.url.startswith(reverse("scp:login"))


def test_a_visitor_without_a_session_gets_no_session(client, db):
    response = client.get(reverse("scp:login"))

    assert settings.SESSION_COOKIE_NAME not in response.cookies
