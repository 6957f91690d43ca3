"""My profile: an agent changes their name, signature, preferences, notifications and password."""

from __future__ import annotations

from django.contrib.auth import SESSION_KEY

from helpdesk.accounts.models import Agent
from tests.conftest import PASSWORD, signed_in

URL = "/scp/profile/"
PASSWORD_URL = "/scp/profile/password"
NEW_PASSWORD = "a-much-longer-secret-phrase"


def profile(**fields) -> dict:
    data = {
        "name": "Alice Liddell",
        "language": "it",
        "signature": "Alice\nSupport desk",
        "default_reply_type": "internal",
        "page_size": "50",
        "notify_on_assignment": "on",
        "notify_by_email": "on",
    }
    data.update(fields)
    return {key: value for key, value in data.items() if value is not None}


def test_anonymous_is_sent_to_sign_in(client, db):
    for url in (URL, PASSWORD_URL):
        response = client.get(url)
        assert response.status_code == 302
        assert response["Location"].startswith("/scp/login?next=")


def test_customers_are_refused(client, carol):
    signed_in(client, carol)

    assert client.get(URL).status_code == 403
    assert client.post(URL, profile()).status_code == 403
    assert client.post(PASSWORD_URL, {}).status_code == 403


def test_an_agent_sees_her_profile(client, alice):
    response = signed_in(client, alice.user).get(URL)

    assert response.status_code == 200
    assert 'value="Alice Agent"' in response.text
    assert "Change password" in response.text


def test_an_agent_saves_her_profile_preferences_and_notifications(client, alice):
    response = signed_in(client, alice.user).post(URL, profile())

    assert response.status_code == 302
    assert response["Location"] == URL
    alice.refresh_from_db()
    alice.user.refresh_from_db()
    assert (alice.user.name, alice.user.language) == ("Alice Liddell", "it")
    assert alice.signature == "Alice\nSupport desk"
    assert (alice.default_reply_type, alice.page_size) == ("internal", 50)
    assert (alice.notify_on_assignment, alice.notify_on_message, alice.notify_on_mention, alice.notify_by_email) == (
        True,
        False,
        False,
        True,
    )


def test_saving_the_language_drops_the_switchers_cookie_so_the_preference_applies(client, alice):
    signed_in(client, alice.user)
    client.post("/i18n/setlang/", {"language": "en", "next": URL})
    assert client.cookies["django_language"].value == "en"

    response = client.post(URL, profile(language="it"))

    assert response.cookies["django_language"].value == ""
    assert response.cookies["django_language"]["max-age"] == 0
    del client.cookies["django_language"]  # what a browser does with an expired cookie
    assert '<html lang="it"' in client.get(URL).text


def test_page_size_must_be_between_5_and_500(client, alice):
    signed_in(client, alice.user)

    for wrong in ("4", "501", "many"):
        response = client.post(URL, profile(page_size=wrong))
        assert response.status_code == 200
        assert "page_size" in response.context["preferences_form"].errors
    alice.refresh_from_db()
    assert alice.page_size == 25


def test_the_name_is_required_and_a_refusal_changes_nothing(client, alice):
    response = signed_in(client, alice.user).post(URL, profile(name=""))

    assert "name" in response.context["profile_form"].errors
    alice.refresh_from_db()
    assert alice.signature == ""
    assert "Alice Agent" in response.text  # the navigation bar still shows the saved name


def test_a_superuser_without_an_agent_profile_gets_one_on_first_save(client, admin_user):
    assert signed_in(client, admin_user).get(URL).status_code == 200
    assert not Agent.objects.filter(user=admin_user).exists()

    client.post(URL, profile(name="Ada Lovelace"))

    agent = Agent.objects.get(user=admin_user)
    assert (agent.page_size, agent.default_reply_type) == (50, "internal")


def test_an_agent_changes_her_password_and_stays_signed_in(client, alice):
    signed_in(client, alice.user)

    response = client.post(
        PASSWORD_URL, {"old_password": PASSWORD, "new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD}
    )

    assert response.status_code == 302
    assert response["Location"] == URL
    alice.user.refresh_from_db()
    assert alice.user.check_password(NEW_PASSWORD)
    assert client.session[SESSION_KEY] == str(alice.user.pk)
    assert client.get(URL).status_code == 200


def test_a_short_password_is_refused(client, alice):
    signed_in(client, alice.user)

    response = client.post(
        PASSWORD_URL, {"old_password": PASSWORD, "new_password1": "short-pw1", "new_password2": "short-pw1"}
    )

    assert response.status_code == 200
    errors = response.context["password_form"].errors["new_password2"]
    assert any("at least 12 characters" in error for error in errors)
    alice.user.refresh_from_db()
    assert alice.user.check_password(PASSWORD)


def test_a_wrong_old_password_is_refused(client, alice):
    signed_in(client, alice.user)

    response = client.post(
        PASSWORD_URL, {"old_password": "wrong", "new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD}
    )

    assert "old_password" in response.context["password_form"].errors
    alice.user.refresh_from_db()
    assert alice.user.check_password(PASSWORD)
