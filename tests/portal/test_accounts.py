"""Customer accounts: sign-up with confirmation, earlier e-mail tickets, sign-in, sign-out, password reset."""

from __future__ import annotations

import re

import pytest
from django.core import mail, signing
from django.urls import reverse

from helpdesk.accounts.backends import BACKEND
from helpdesk.accounts.models import User
from tests.conftest import PASSWORD
from tickets.models import Source
from tickets.portal_accounts import SIGNUP_SALT
from tickets.services import open_ticket

NEW_PASSWORD = "a-long-and-unusual-passphrase-42"


def register(client, email, name="Gina Guest", **extra):
    return client.post(reverse("portal:register"), {"name": name, "email": email}, **extra)


def confirm_path(message) -> str:
    found = re.search(r"http://testserver(/account/register/\S+/)", str(message.body))
    assert found is not None
    return found.group(1)


def choose_password(client, path, password=NEW_PASSWORD):
    return client.post(path, {"password1": password, "password2": password})


def visible_text(response) -> str:
    return re.sub(r"[A-Za-z0-9]{64}", "TOKEN", response.content.decode())


@pytest.fixture
def mailed_customer(db, support):
    """Hugo wrote one e-mail: he is a user without a password, with one ticket."""
    hugo = User.objects.create_user("hugo@mail.test", None, name="Hugo Mail")
    open_ticket(requester=hugo, subject="Sent by mail", body="Hello", department=support, source=Source.EMAIL)
    return hugo


# --- sign-up ----------------------------------------------------------------------------------


def test_signing_up_mails_a_confirmation_link_and_creates_nobody_yet(client, site, db):
    register(client, "gina@guest.test")

    assert len(mail.outbox) == 1
    assert "/account/register/" in mail.outbox[0].body
    assert not User.objects.filter(email="gina@guest.test").exists()


def test_confirming_creates_the_account_and_signs_in(client, site, db):
    register(client, "gina@guest.test")

    response = choose_password(client, confirm_path(mail.outbox[0]))

    gina = User.objects.get(email="gina@guest.test")
    assert gina.check_password(NEW_PASSWORD)
    assert gina.email_confirmed
    assert gina.name == "Gina Guest"
    assert response.url == reverse("portal:my_tickets")
    assert client.session["_auth_user_id"] == str(gina.pk)


def test_confirming_an_address_with_earlier_mail_tickets_keeps_the_same_user(client, site, mailed_customer):
    register(client, "HUGO@mail.test", name="Someone")
    choose_password(client, confirm_path(mail.outbox[0]))

    assert User.objects.filter(email__iexact="hugo@mail.test").count() == 1
    mailed_customer.refresh_from_db()
    assert mailed_customer.check_password(NEW_PASSWORD)
    assert b"Sent by mail" in client.get(reverse("portal:my_tickets")).content


def test_signing_up_with_an_existing_account_mails_a_sign_in_hint_instead(client, site, carol):
    register(client, carol.email)

    assert len(mail.outbox) == 1
    assert "/account/register/" not in mail.outbox[0].body
    assert reverse("portal:login") in mail.outbox[0].body
    carol.refresh_from_db()
    assert carol.check_password(PASSWORD)


def test_sign_up_says_the_same_for_new_known_and_mailed_addresses(client, site, carol, mailed_customer):
    pages = [
        visible_text(register(client, email)).replace(email, "E")
        for email in ("new@guest.test", carol.email, mailed_customer.email)
    ]

    assert pages[0] == pages[1] == pages[2]


def test_a_confirmation_link_works_once(client, site, db):
    register(client, "gina@guest.test")
    path = confirm_path(mail.outbox[0])
    choose_password(client, path)
    client.logout()

    response = choose_password(client, path, password="another-long-passphrase-43")

    assert response.status_code == 400
    assert User.objects.get(email="gina@guest.test").check_password(NEW_PASSWORD)


def test_a_tampered_confirmation_link_is_refused(client, db):
    token = signing.dumps({"e": "gina@guest.test", "n": "Gina"}, salt=SIGNUP_SALT)

    response = client.get(reverse("portal:register_confirm", args=[token[:-2] + "xx"]))

    assert response.status_code == 400


def test_a_confirmation_link_cannot_take_over_an_account_with_a_password(client, carol):
    token = signing.dumps({"e": carol.email, "n": "Mallory"}, salt=SIGNUP_SALT)

    response = choose_password(client, reverse("portal:register_confirm", args=[token]))

    assert response.status_code == 400
    carol.refresh_from_db()
    assert carol.check_password(PASSWORD)


def test_a_weak_password_is_refused(client, site, db):
    register(client, "gina@guest.test")

    response = choose_password(client, confirm_path(mail.outbox[0]), password="12345")

    assert response.status_code == 400
    assert not User.objects.filter(email="gina@guest.test").exists()


def test_sign_ups_are_rate_limited(client, site, db, settings):
    settings.PORTAL_LOOKUPS_PER_HOUR = 2
    for n in range(2):
        register(client, f"g{n}@guest.test")

    assert register(client, "g9@guest.test").status_code == 429
    assert len(mail.outbox) == 2


# --- sign-in and sign-out ---------------------------------------------------------------------


def login(client, email, password):
    return client.post(reverse("portal:login"), {"username": email, "password": password})


def test_a_customer_signs_in_and_lands_on_their_tickets(client, carol):
    response = login(client, "Carol@Customer.test", PASSWORD)

    assert response.url == reverse("portal:my_tickets")
    assert client.session["_auth_user_id"] == str(carol.pk)


def test_sign_in_failures_read_the_same_for_every_reason(client, carol, mailed_customer):
    wrong_password = login(client, carol.email, "wrong-password-123")
    unknown = login(client, "nobody@nowhere.test", "wrong-password-123")
    no_password = login(client, mailed_customer.email, "")
    mailed = login(client, mailed_customer.email, "wrong-password-123")

    texts = {
        visible_text(r).replace(e, "E")
        for r, e in [(wrong_password, carol.email), (unknown, "nobody@nowhere.test"), (mailed, mailed_customer.email)]
    }
    assert len(texts) == 1
    assert "Wrong e-mail address or password." in texts.pop()
    assert no_password.status_code == 200


def test_sign_in_is_paused_after_too_many_failures(client, carol, settings):
    for _ in range(settings.AXES_FAILURE_LIMIT):
        login(client, carol.email, "wrong-password-123")

    response = login(client, carol.email, PASSWORD)

    assert response.status_code == 429
    assert "_auth_user_id" not in client.session


def test_signing_out_needs_post(client, carol):
    client.force_login(carol, backend=BACKEND)

    assert client.get(reverse("portal:logout")).status_code == 405
    client.post(reverse("portal:logout"))
    assert "_auth_user_id" not in client.session


# --- password reset ---------------------------------------------------------------------------


def reset(client, email, **extra):
    return client.post(reverse("portal:password_reset"), {"email": email}, **extra)


def test_a_reset_mails_a_link_that_sets_a_new_password(client, site, carol):
    reset(client, carol.email)
    found = re.search(r"http://testserver(/account/password/\S+/)", str(mail.outbox[0].body))
    assert found is not None
    path = found.group(1)

    form_page = client.get(path, follow=True)
    client.post(form_page.redirect_chain[-1][0], {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD})

    carol.refresh_from_db()
    assert carol.check_password(NEW_PASSWORD)


def test_a_reset_answers_the_same_for_unknown_addresses(client, site, carol, mailed_customer):
    answers = [reset(client, email) for email in (carol.email, "nobody@nowhere.test", mailed_customer.email)]

    assert {a.url for a in answers} == {reverse("portal:password_reset_done")}
    assert [m.to for m in mail.outbox] == [[carol.email]]


def test_resets_are_rate_limited_silently(client, site, carol, settings):
    settings.PORTAL_LOOKUPS_PER_HOUR = 1
    reset(client, carol.email)

    answer = reset(client, carol.email)

    assert answer.url == reverse("portal:password_reset_done")
    assert len(mail.outbox) == 1


def test_a_staff_account_without_a_password_cannot_be_claimed_by_sign_up(client, site, db):
    agent = User.objects.create_user("nopass@example.com", None, is_staff=True)
    token = signing.dumps({"e": agent.email, "n": "Mallory"}, salt=SIGNUP_SALT)

    response = choose_password(client, reverse("portal:register_confirm", args=[token]))

    assert response.status_code == 400
    agent.refresh_from_db()
    assert not agent.has_usable_password()


def test_signing_up_with_a_staff_address_mails_no_confirmation_link(client, site, db):
    User.objects.create_user("nopass@example.com", None, is_staff=True)

    register(client, "nopass@example.com")

    assert "/account/register/" not in mail.outbox[0].body
