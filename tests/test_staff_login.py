"""The staff sign-in at /scp/login: who gets in, who is turned away, and what django-axes locks."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from helpdesk.accounts.models import User
from tests.conftest import PASSWORD, signed_in


def sign_in(client, email: str, password: str = PASSWORD, *, follow: bool = False, **data: str):
    return client.post(reverse("scp:login"), {"username": email, "password": password, **data}, follow=follow)


@pytest.mark.django_db
def test_login_page_asks_for_e_mail_and_password(client):
    response = client.get("/scp/login")

    assert response.status_code == 200
    assert 'name="username"' in response.text
    assert "E-mail" in response.text
    assert 'type="password"' in response.text


def test_staff_login_works_and_lands_on_the_home_page(client, alice):
    response = sign_in(client, "alice@example.com", follow=True)

    assert response.redirect_chain == [(reverse("scp:home"), 302)]
    assert response.status_code == 200
    assert "Open tickets" in response.text
    assert "Alice Agent" in response.text


def test_e_mail_is_matched_without_regard_to_case(client, alice):
    response = sign_in(client, "  Alice@Example.COM ")

    assert response.status_code == 302
    assert response.url == reverse("scp:home")


def test_the_address_is_looked_up_through_the_lowercase_index_not_a_table_scan(alice):
    with CaptureQueriesContext(connection) as queries:
        found = User.objects.get_by_natural_key(alice.user.email.upper())

    assert found == alice.user
    assert 'LOWER("accounts_user"."email")' in queries[0]["sql"]  # the unique index is on lower(email)


def test_login_follows_a_next_on_this_site(client, alice):
    response = sign_in(client, "alice@example.com", next="/scp/?page=2")

    assert response.url == "/scp/?page=2"


def test_login_ignores_a_next_to_another_site(client, alice):
    response = sign_in(client, "alice@example.com", next="https://evil.example/")

    assert response.url == reverse("scp:home")


def test_customer_is_refused_at_staff_login(client, carol):
    response = sign_in(client, "carol@customer.test")

    assert response.status_code == 200
    assert "This sign-in is for staff. Customers sign in on the portal." in response.text
    assert "_auth_user_id" not in client.session


def test_wrong_password_shows_an_error(client, alice):
    response = sign_in(client, "alice@example.com", "not-the-password")

    assert response.status_code == 200
    assert "Wrong e-mail address or password." in response.text
    assert "_auth_user_id" not in client.session


def test_inactive_staff_cannot_sign_in(client, alice):
    alice.user.is_active = False
    alice.user.save(update_fields=["is_active"])

    response = sign_in(client, "alice@example.com")

    assert response.status_code == 200
    assert "_auth_user_id" not in client.session


def test_axes_locks_after_five_failures(client, alice):
    for _attempt in range(4):
        assert sign_in(client, "alice@example.com", "wrong").status_code == 200

    response = sign_in(client, "alice@example.com", "wrong")

    assert response.status_code == 429
    assert "registration/locked_out.html" in [t.name for t in response.templates]
    assert "Sign-in paused" in response.text
    assert "Try again in 15 minutes." in response.text


def test_a_locked_account_is_refused_even_with_the_right_password(client, alice):
    for _attempt in range(5):
        sign_in(client, "alice@example.com", "wrong")

    response = sign_in(client, "alice@example.com")

    assert response.status_code == 429
    assert "_auth_user_id" not in client.session


def test_lockout_counts_e_mail_case_variants_as_one_user(client, alice):
    for email in ["alice@example.com", "ALICE@example.com", "Alice@Example.com", "alice@EXAMPLE.com"]:
        sign_in(client, email, "wrong")

    assert sign_in(client, "aLiCe@example.com", "wrong").status_code == 429


def test_staff_page_redirects_anonymous_to_login(client, db):
    response = client.get("/scp/")

    assert response.status_code == 302
    assert response.url == "/scp/login?next=/scp/"


def test_customer_cannot_reach_the_staff_panel(client, carol):
    signed_in(client, carol)

    assert client.get("/scp/").status_code == 403


def test_signed_in_agent_visiting_login_goes_to_the_home_page(client, alice):
    signed_in(client, alice.user)

    response = client.get("/scp/login")

    assert response.status_code == 302
    assert response.url == reverse("scp:home")


def test_logout_by_get_is_refused(client, alice):
    signed_in(client, alice.user)

    response = client.get(reverse("scp:logout"))

    assert response.status_code == 405
    assert "_auth_user_id" in client.session


def test_logout_by_post_signs_out(client, alice):
    signed_in(client, alice.user)

    response = client.post(reverse("scp:logout"), follow=True)

    assert response.redirect_chain == [(reverse("scp:login"), 302)]
    assert "You have signed out." in response.text
    assert "_auth_user_id" not in client.session
    assert client.get("/scp/").status_code == 302


def test_staff_panel_shows_the_agent_and_a_sign_out_form(client, alice):
    signed_in(client, alice.user)

    response = client.get("/scp/")

    assert "Alice Agent" in response.text
    assert f'action="{reverse("scp:logout")}"' in response.text


def test_base_layout_sets_the_page_language_and_offers_a_switch(client, db):
    response = client.get("/scp/login", headers={"accept-language": "it"})

    assert '<html lang="it"' in response.text
    assert 'action="/i18n/setlang/"' in response.text
    assert 'value="en"' in response.text
    assert 'value="it"' in response.text
    assert "Italiano" in response.text
