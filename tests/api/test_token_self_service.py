"""Agents make and revoke their own JSON API tokens in their profile; the token is shown once."""

from __future__ import annotations

import re

import pytest
from django.test import Client
from django.urls import reverse

from helpdesk.api import token_views
from helpdesk.api.models import AgentToken
from tests.api.conftest import make_token
from tests.conftest import signed_in

PROFILE = reverse("scp:profile")
CREATE = reverse("scp:profile_token_create")


def revoke_url(token: AgentToken) -> str:
    return reverse("scp:profile_token_revoke", args=[token.pk])


def api_status(token: str) -> int:
    return Client().get("/api/v1/tickets", HTTP_AUTHORIZATION=f"Bearer {token}").status_code


def shown_token(response) -> str:
    found = re.search(r'value="(spt_[^"]+)" readonly data-new-token', response.content.decode())
    assert found is not None
    return found.group(1)


def test_a_new_token_is_shown_once_and_works_with_the_api(client, alice):
    signed_in(client, alice)

    response = client.post(CREATE, {"token-name": "CRM sync"})

    secret = shown_token(response)
    assert api_status(secret) == 200
    assert secret not in client.get(PROFILE).content.decode()
    token = AgentToken.objects.get(user=alice.user)
    assert token.name == "CRM sync" and secret.startswith(token.prefix) and secret not in token.token_hash


def test_the_page_with_the_token_is_never_cached(client, alice):
    response = signed_in(client, alice).post(CREATE, {"token-name": "CRM sync"})

    assert "no-store" in response["Cache-Control"]


def test_a_token_without_a_name_is_refused(client, alice):
    response = signed_in(client, alice).post(CREATE, {"token-name": "  "}, follow=True)

    assert "Give the token a name" in response.content.decode()
    assert not AgentToken.objects.exists()


def test_the_profile_lists_my_tokens_and_not_a_colleagues(client, alice, bob):
    make_token(bob)
    AgentToken.objects.filter(user=bob.user).update(name="Bob's script")
    make_token(alice)

    page = signed_in(client, alice).get(PROFILE).content.decode()

    assert "Integration" in page and "never used" in page
    assert "Bob&#x27;s script" not in page


def test_a_revoked_token_no_longer_opens_the_api(client, alice):
    secret = make_token(alice)
    token = AgentToken.objects.get()

    response = signed_in(client, alice).post(revoke_url(token))

    assert response.status_code == 302
    assert api_status(secret) == 401
    assert "revoked" in client.get(PROFILE).content.decode()


def test_a_colleagues_token_cannot_be_revoked(client, alice, bob):
    secret = make_token(bob)

    response = signed_in(client, alice).post(revoke_url(AgentToken.objects.get()))

    assert response.status_code == 404
    assert api_status(secret) == 200


def test_revoking_takes_a_post(client, alice):
    make_token(alice)

    assert signed_in(client, alice).get(revoke_url(AgentToken.objects.get())).status_code == 405
    assert AgentToken.objects.get().is_active


def test_an_agent_has_at_most_so_many_active_tokens(client, alice, monkeypatch):
    monkeypatch.setattr(token_views, "MAX_ACTIVE_TOKENS", 2)
    signed_in(client, alice)
    for name in ("one", "two"):
        client.post(CREATE, {"token-name": name})

    response = client.post(CREATE, {"token-name": "three"}, follow=True)

    assert "revoke one first" in response.content.decode()
    assert AgentToken.objects.count() == 2


def test_customers_cannot_make_tokens(client, carol):
    response = signed_in(client, carol).post(CREATE, {"token-name": "Mine"})

    assert response.status_code == 403
    assert not AgentToken.objects.exists()


@pytest.fixture
def admins_only(settings):
    settings.AGENT_TOKENS_SELF_SERVICE = False


def test_when_only_admins_make_tokens_the_profile_shows_none(client, alice, admins_only):
    make_token(alice)

    page = signed_in(client, alice).get(PROFILE).content.decode()

    assert "API tokens" not in page


def test_when_only_admins_make_tokens_the_views_answer_404(client, alice, admins_only):
    make_token(alice)
    signed_in(client, alice)

    assert client.post(CREATE, {"token-name": "Mine"}).status_code == 404
    assert client.post(revoke_url(AgentToken.objects.get())).status_code == 404
    assert AgentToken.objects.count() == 1
