"""Every state-changing portal form refuses a POST without the CSRF token."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from tests.conftest import signed_in


@pytest.fixture
def strict(db) -> Client:
    return Client(enforce_csrf_checks=True)


@pytest.mark.parametrize(
    "name",
    ["ticket_new", "status", "register", "login", "logout", "password_reset"],
)
def test_public_forms_need_the_token(strict, name):
    assert strict.post(reverse(f"portal:{name}"), {}).status_code == 403


@pytest.mark.parametrize("name", ["ticket_reply", "ticket_close", "ticket_reopen"])
def test_ticket_forms_need_the_token(strict, ticket, carol, name):
    signed_in(strict, carol)

    assert strict.post(reverse(f"portal:{name}", args=[ticket.number]), {"body": "x"}).status_code == 403


def test_the_profile_needs_the_token(strict, carol):
    assert signed_in(strict, carol).post(reverse("portal:profile"), {"name": "x"}).status_code == 403


def test_votes_need_the_token(strict, kb):
    assert strict.post(reverse("portal:faq_vote", args=[kb["public"].pk]), {"helpful": "yes"}).status_code == 403
