"""Security defaults every page carries: CSP, framing, session lifetime, password rules."""

from __future__ import annotations

import re
import time

import pytest
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.urls import reverse
from django_otp.plugins.otp_totp.models import TOTPDevice

from helpdesk.middleware import SESSION_STARTED_KEY
from tests.conftest import PASSWORD, signed_in


def directive(policy: str, name: str) -> list[str]:
    for part in policy.split(";"):
        words = part.split()
        if words and words[0] == name:
            return words[1:]
    return []


@pytest.fixture
def html_responses(client, alice, settings):
    """One response of each kind of page we serve: sign-in steps, the lockout page, the staff panel."""
    responses = {"login": client.get(reverse("scp:login"))}
    for _attempt in range(5):
        locked = client.post(reverse("scp:login"), {"username": "nobody@example.com", "password": "wrong"})
    responses["locked out"] = locked

    settings.STAFF_REQUIRE_2FA = True
    client.post(reverse("scp:login"), {"username": "alice@example.com", "password": PASSWORD})
    responses["2fa setup"] = client.get(reverse("scp:2fa_setup"))
    settings.STAFF_REQUIRE_2FA = False

    TOTPDevice.objects.create(user=alice.user, name="Phone", confirmed=True)
    responses["code step"] = client.get(reverse("scp:verify"))

    signed_in(client, alice.user)
    session = client.session
    session["otp_device_id"] = TOTPDevice.objects.get().persistent_id
    session.save()
    responses["ticket list"] = client.get(reverse("scp:tickets"))
    return responses


def test_the_pages_under_test_are_the_pages_meant(html_responses):
    assert {name: response.status_code for name, response in html_responses.items()} == {
        "login": 200,
        "locked out": 429,
        "2fa setup": 200,
        "code step": 200,
        "ticket list": 200,
    }


def test_every_html_response_carries_a_csp_without_unsafe_inline(html_responses):
    for name, response in html_responses.items():
        policy = response.headers.get("Content-Security-Policy", "")
        script_src = directive(policy, "script-src") or directive(policy, "default-src")
        style_src = directive(policy, "style-src") or directive(policy, "default-src")
        assert script_src, name
        assert "'unsafe-inline'" not in script_src, name
        assert "'unsafe-eval'" not in script_src, name
        assert "'unsafe-inline'" not in style_src, name
        assert directive(policy, "frame-ancestors") == ["'none'"], name


def test_pages_have_no_inline_script_or_style(html_responses):
    # What the policy would block must not be in our markup in the first place.
    for name, response in html_responses.items():
        html = response.text
        assert not re.search(r"<script(?![^>]*\bsrc=)", html), name
        assert "<style" not in html, name
        assert not re.search(r"\sstyle\s*=", html), name
        assert not re.search(r"\son[a-z]+\s*=", html), name


def test_every_html_response_forbids_framing(html_responses):
    for name, response in html_responses.items():
        assert response.headers["X-Frame-Options"] == "DENY", name


def test_absolute_session_expiry_logs_out_an_old_session(client, alice, settings):
    signed_in(client, alice.user)
    session = client.session
    session[SESSION_STARTED_KEY] = time.time() - settings.SESSION_ABSOLUTE_SECONDS - 60
    session.save()

    response = client.get(reverse("scp:tickets"))

    assert response.status_code == 302
    assert response.url.startswith(reverse("scp:login"))
    assert "_auth_user_id" not in client.session


def test_a_session_younger_than_the_absolute_limit_is_kept(client, alice, settings):
    signed_in(client, alice.user)
    session = client.session
    session[SESSION_STARTED_KEY] = time.time() - settings.SESSION_ABSOLUTE_SECONDS + 60
    session.save()

    assert client.get(reverse("scp:tickets")).status_code == 200


def test_a_new_session_gets_its_start_time_recorded(client, alice):
    signed_in(client, alice.user)

    client.get(reverse("scp:tickets"))

    assert time.time() - client.session[SESSION_STARTED_KEY] < 60


def test_password_validators_refuse_an_11_character_password(db):
    with pytest.raises(ValidationError) as refused:
        validate_password("Qz7#mK2p!Lw")

    assert any(error.code == "password_too_short" for error in refused.value.error_list)


def test_password_validators_accept_a_long_uncommon_password(db):
    validate_password("Qz7#mK2p!Lw9")
