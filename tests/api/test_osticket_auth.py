"""X-API-Key: the key, its addresses, its permissions, the proxy header, the rate limit."""

import json

import pytest

from helpdesk.api.models import ApiKey
from tests.api.conftest import make_key, osticket_post
from tickets.models import Ticket

BODY = json.dumps({"name": "Ann", "email": "ann@example.net", "subject": "Hello", "message": "Hi"})


def test_a_missing_key_gets_401_valid_api_key_required(client, api_key):
    response = osticket_post(client, "/api/tickets.json", BODY, key=None)

    assert response.status_code == 401
    assert response.content == b"Valid API key required"
    assert response["Content-Type"].startswith("text/plain")


def test_an_unknown_key_gets_401(client, api_key):
    response = osticket_post(client, "/api/tickets.json", BODY, key=api_key[:-1] + "0")

    assert response.status_code == 401
    assert not Ticket.objects.exists()


def test_a_call_from_an_address_outside_the_key_range_gets_401(client, api_key):
    response = osticket_post(client, "/api/tickets.json", BODY, key=api_key, ip="198.51.100.7")

    assert response.status_code == 401
    assert response.content == b"API key not found/active or source IP/hostname not authorized"
    assert not Ticket.objects.exists()


def test_a_key_bound_to_a_single_address_accepts_only_that_one(client, topic):
    _, secret = make_key(allowed_ips="203.0.113.5", help_topic=topic)

    assert osticket_post(client, "/api/tickets.json", BODY, key=secret, ip="203.0.113.5").status_code == 201
    assert osticket_post(client, "/api/tickets.json", BODY, key=secret, ip="203.0.113.6").status_code == 401


def test_a_key_may_list_several_ranges_including_ipv6(client, topic):
    _, secret = make_key(allowed_ips="203.0.113.5\n2001:db8::/32", help_topic=topic)

    assert osticket_post(client, "/api/tickets.json", BODY, key=secret, ip="2001:db8::1").status_code == 201


def test_an_inactive_key_gets_401(client, api_key):
    ApiKey.objects.update(is_active=False)

    assert osticket_post(client, "/api/tickets.json", BODY, key=api_key).status_code == 401


def test_a_key_without_the_create_permission_gets_401_not_authorized(client, topic):
    _, secret = make_key(help_topic=topic, can_create_tickets=False)
    response = osticket_post(client, "/api/tickets.json", BODY, key=secret)

    assert response.status_code == 401
    assert response.content == b"API key not authorized"


def test_the_forwarded_address_is_ignored_from_an_untrusted_peer(client, api_key, settings):
    settings.API_TRUSTED_PROXIES = ["10.0.0.1"]
    response = osticket_post(
        client, "/api/tickets.json", BODY, key=api_key, ip="198.51.100.7", HTTP_X_FORWARDED_FOR="192.0.2.10"
    )

    assert response.status_code == 401


def test_the_forwarded_address_is_used_behind_a_trusted_proxy(client, api_key, settings):
    settings.API_TRUSTED_PROXIES = ["10.0.0.0/8"]
    response = osticket_post(
        client, "/api/tickets.json", BODY, key=api_key, ip="10.0.0.1", HTTP_X_FORWARDED_FOR="192.0.2.10"
    )

    assert response.status_code == 201


def test_a_client_cannot_spoof_past_the_proxy_by_prepending_an_address(client, api_key, settings):
    # The proxy appends what it saw (198.51.100.7) after whatever the client wrote.
    settings.API_TRUSTED_PROXIES = ["10.0.0.1"]
    response = osticket_post(
        client,
        "/api/tickets.json",
        BODY,
        key=api_key,
        ip="10.0.0.1",
        HTTP_X_FORWARDED_FOR="192.0.2.10, 198.51.100.7",
    )

    assert response.status_code == 401


def test_a_successful_call_records_when_the_key_was_used(client, api_key):
    osticket_post(client, "/api/tickets.json", BODY, key=api_key)

    assert ApiKey.objects.get().last_used_at is not None


def test_the_key_is_stored_only_as_a_hash_with_a_visible_prefix(api_key):
    key = ApiKey.objects.get()

    assert api_key not in (key.key_hash, key.prefix)
    assert api_key.startswith(key.prefix)


def test_requests_past_the_rate_limit_get_429_and_create_nothing_more(client, api_key, settings):
    settings.API_RATE_LIMIT = 2
    statuses = [osticket_post(client, "/api/tickets.json", BODY, key=api_key).status_code for _ in range(3)]

    assert statuses == [201, 201, 429]
    assert Ticket.objects.count() == 2


def test_the_rate_limit_counts_each_key_apart(client, api_key, topic, settings):
    settings.API_RATE_LIMIT = 1
    _, other = make_key(name="Monitoring", help_topic=topic)
    osticket_post(client, "/api/tickets.json", BODY, key=api_key)

    assert osticket_post(client, "/api/tickets.json", BODY, key=other).status_code == 201


@pytest.mark.parametrize("value", ["192.0.2.300", "not an address", ""])
def test_the_admin_refuses_a_bad_address_list(value):
    from django.core.exceptions import ValidationError

    from helpdesk.api.models import validate_networks

    with pytest.raises(ValidationError):
        validate_networks(value)
