"""Collision avoidance: the ticket page tells an agent who else has the ticket open or is typing a reply."""

from __future__ import annotations

import json
import os
import time

import pytest
from django.core.cache import cache

from helpdesk.accounts.models import Agent
from tests.conftest import make_agent, signed_in
from tickets import presence, services
from tickets.models import Ticket


@pytest.fixture
def bea(support, agent_role) -> Agent:
    return make_agent("bea@example.com", "Bea Second", support, role=agent_role)


def presence_url(ticket: Ticket) -> str:
    return f"/scp/tickets/{ticket.number}/presence"


# --- who may ask ------------------------------------------------------------------------------


def test_anonymous_visitors_are_sent_to_sign_in(client, ticket):
    response = client.get(presence_url(ticket))

    assert response.status_code == 302
    assert response.url.startswith("/scp/login")


def test_customers_get_403(client, carol, ticket):
    signed_in(client, carol)

    assert client.get(presence_url(ticket)).status_code == 403
    assert client.post(presence_url(ticket), {"typing": "1"}).status_code == 403


def test_an_agent_of_another_department_gets_404_and_is_not_recorded(client, bob, alice, ticket):
    signed_in(client, bob.user)

    assert client.post(presence_url(ticket), {"typing": "1"}).status_code == 404
    assert presence.others(ticket.pk, alice.user) == []


def test_an_agent_of_the_department_gets_the_list(client, alice, ticket):
    signed_in(client, alice.user)

    response = client.get(presence_url(ticket))

    assert response.status_code == 200
    assert response.json()["others"] == []


def test_an_admin_gets_the_list(client, admin_user, billing_ticket):
    signed_in(client, admin_user)

    assert client.get(presence_url(billing_ticket)).status_code == 200


def test_other_methods_are_refused(client, alice, ticket):
    signed_in(client, alice.user)

    assert client.put(presence_url(ticket)).status_code == 405


# --- what it reports --------------------------------------------------------------------------


def test_an_agent_viewing_the_ticket_is_shown_to_the_others(client, alice, bea, ticket):
    signed_in(client, bea.user)
    client.post(presence_url(ticket), {"typing": "0"})
    signed_in(client, alice.user)

    others = client.get(presence_url(ticket)).json()["others"]

    assert others == [{"name": "Bea Second", "typing": False, "text": "Bea Second is viewing"}]


def test_an_agent_typing_a_reply_is_shown_as_typing(client, alice, bea, ticket):
    signed_in(client, bea.user)
    client.post(presence_url(ticket), {"typing": "1"})
    signed_in(client, alice.user)

    others = client.post(presence_url(ticket), {"typing": "0"}).json()["others"]

    assert others == [{"name": "Bea Second", "typing": True, "text": "Bea Second is typing a reply"}]


def test_a_json_report_is_understood(client, alice, bea, ticket):
    signed_in(client, bea.user)
    client.post(presence_url(ticket), json.dumps({"typing": True}), content_type="application/json")

    assert [p.typing for p in presence.others(ticket.pk, alice.user)] == [True]


def test_an_agent_does_not_see_themself(client, alice, ticket):
    signed_in(client, alice.user)

    assert client.post(presence_url(ticket), {"typing": "1"}).json()["others"] == []


def test_opening_the_page_counts_as_viewing(client, alice, bea, ticket):
    signed_in(client, bea.user)
    client.get(f"/scp/tickets/{ticket.number}/")

    assert [p.text for p in presence.others(ticket.pk, alice.user)] == ["Bea Second is viewing"]


def test_the_page_shows_who_else_is_there_when_it_loads(client, alice, bea, ticket):
    presence.touch(ticket.pk, bea.user, typing=True)
    signed_in(client, alice.user)

    page = client.get(f"/scp/tickets/{ticket.number}/").text

    assert "Bea Second is typing a reply" in page


def test_an_agent_who_stops_reporting_drops_out_after_thirty_seconds(alice, bea, ticket):
    now = time.time()
    presence.touch(ticket.pk, bea.user, typing=True, now=now - 31)

    assert presence.others(ticket.pk, alice.user, now=now) == []
    assert len(presence.others(ticket.pk, alice.user, now=now - 2)) == 1


def test_presence_is_kept_per_ticket(alice, bea, ticket, carol, support):
    other = services.open_ticket(requester=carol, subject="Another", body="x", department=support)
    presence.touch(ticket.pk, bea.user, typing=False)

    assert presence.others(other.pk, alice.user) == []


def test_typists_are_listed_first(alice, bea, support, agent_role, ticket):
    cid = make_agent("cid@example.com", "Cid Third", support, role=agent_role)
    presence.touch(ticket.pk, bea.user, typing=False)
    presence.touch(ticket.pk, cid.user, typing=True)

    assert [p.name for p in presence.others(ticket.pk, alice.user)] == ["Cid Third", "Bea Second"]


def test_the_answer_carries_the_newest_customer_message(client, alice, carol, ticket):
    message = services.post_message(ticket=ticket, author=carol, body="Still there?")
    signed_in(client, alice.user)

    assert client.get(presence_url(ticket)).json()["latest_message_id"] == message.pk


def test_presence_is_one_cache_entry_per_ticket_that_expires(alice, bea, ticket):
    presence.touch(ticket.pk, bea.user, typing=True)

    assert cache.get(f"sportello:presence:{ticket.pk}")[bea.user.pk]["typing"] is True


@pytest.mark.skipif(not os.environ.get("REDIS_URL"), reason="REDIS_URL is not set")
def test_presence_works_with_the_redis_cache(settings, alice, bea, ticket):
    from django.core.cache import caches

    redis = {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": os.environ["REDIS_URL"]}
    settings.CACHES = {"default": {**settings.CACHES["default"], **redis}}  # keeps this test's own key prefix
    caches["default"].delete(f"sportello:presence:{ticket.pk}")
    presence.touch(ticket.pk, bea.user, typing=True)

    assert [p.text for p in presence.others(ticket.pk, alice.user)] == ["Bea Second is typing a reply"]
