"""The admin creates keys and tokens and shows each secret once."""

import re

from django.contrib.messages import get_messages

from helpdesk.api.models import AgentToken, ApiKey
from helpdesk.api.tokens import digest
from tests.conftest import signed_in


def created_secret(response) -> str:
    text = " ".join(str(m) for m in get_messages(response.wsgi_request))
    found = re.search(r"shown again: (\S+)", text)
    assert found is not None
    return found[1]


def test_a_new_key_is_shown_once_and_stored_as_its_hash(client, admin_user, topic):
    response = signed_in(client, admin_user).post(
        "/admin/api/apikey/add/",
        {"name": "Web form", "allowed_ips": "192.0.2.0/24", "help_topic": topic.pk, "can_create_tickets": "on"},
    )

    assert response.status_code == 302
    secret = created_secret(response)
    key = ApiKey.objects.get()
    assert key.key_hash == digest(secret)
    change_page = f"/admin/api/apikey/{key.pk}/change/"
    assert secret in client.get(change_page).content.decode()  # the page right after creation
    assert secret not in client.get(change_page).content.decode()


def test_editing_a_key_keeps_its_secret(client, admin_user, topic):
    signed_in(client, admin_user).post("/admin/api/apikey/add/", {"name": "Form", "allowed_ips": "192.0.2.1"})
    key = ApiKey.objects.get()
    client.post(f"/admin/api/apikey/{key.pk}/change/", {"name": "Renamed", "allowed_ips": "192.0.2.1"})

    assert ApiKey.objects.get().key_hash == key.key_hash


def test_the_admin_refuses_a_key_without_a_valid_address(client, admin_user):
    response = signed_in(client, admin_user).post("/admin/api/apikey/add/", {"name": "Form", "allowed_ips": "nowhere"})

    assert response.status_code == 200
    assert not ApiKey.objects.exists()


def test_a_new_agent_token_is_shown_once_and_works(client, admin_user, alice):
    response = signed_in(client, admin_user).post(
        "/admin/api/agenttoken/add/", {"user": alice.user.pk, "name": "CRM", "is_active": "on"}
    )
    secret = created_secret(response)

    assert AgentToken.objects.get().token_hash == digest(secret)
    client.logout()
    assert client.get("/api/v1/tickets", HTTP_AUTHORIZATION=f"Bearer {secret}").status_code == 200
