"""Signed links in customer mail: they open one ticket for one person until they expire or are revoked."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from tests.conftest import signed_in
from tickets import services
from tickets.links import create_link, customer_link, revoke_links
from tickets.models import AccessLink


def path_of(url: str) -> str:
    return url.removeprefix("http://testserver")


@pytest.fixture
def site(settings):
    settings.SITE_URL = "http://testserver"


def test_customer_link_is_an_absolute_url_under_the_site(settings, ticket, carol):
    settings.SITE_URL = "https://help.example.org"

    url = customer_link(ticket=ticket, user=carol)

    assert url.startswith("https://help.example.org/link/")


def test_the_database_keeps_only_a_hash_of_the_secret(site, ticket, carol):
    url = customer_link(ticket=ticket, user=carol)

    link = AccessLink.objects.get()
    assert link.token_hash not in url
    assert url.rstrip("/").rsplit("/", 1)[-1].split(":")[0] not in link.token_hash


def test_a_link_expires_after_the_configured_days(settings, site, ticket, carol):
    settings.PORTAL_LINK_DAYS = 7

    customer_link(ticket=ticket, user=carol)

    link = AccessLink.objects.get()
    assert timedelta(days=6, hours=23) < link.expires_at - link.created_at <= timedelta(days=7)


def test_following_a_link_opens_the_ticket_without_signing_in(client, site, ticket, carol):
    response = client.get(path_of(customer_link(ticket=ticket, user=carol)), follow=True)

    assert response.redirect_chain[-1][0] == reverse("portal:ticket", args=[ticket.number])
    assert response.status_code == 200
    assert b"Printer on fire" in response.content
    assert "_auth_user_id" not in client.session


def test_following_a_link_records_when_it_was_used(client, site, ticket, carol):
    client.get(path_of(customer_link(ticket=ticket, user=carol)))

    assert AccessLink.objects.get().last_used_at is not None


def test_a_link_opens_only_its_own_ticket(client, site, ticket, billing_ticket, carol):
    client.get(path_of(customer_link(ticket=ticket, user=carol)))

    response = client.get(reverse("portal:ticket", args=[billing_ticket.number]))

    assert response.status_code == 404


def test_an_expired_link_is_refused(client, site, ticket, carol):
    url = customer_link(ticket=ticket, user=carol)
    AccessLink.objects.update(expires_at=timezone.now() - timedelta(seconds=1))

    assert client.get(path_of(url)).status_code == 404


def test_a_revoked_link_is_refused(client, site, ticket, carol):
    url = customer_link(ticket=ticket, user=carol)
    revoke_links(ticket=ticket, user=carol)

    assert client.get(path_of(url)).status_code == 404


def test_revoking_a_link_ends_the_access_it_already_gave(client, site, ticket, carol):
    client.get(path_of(customer_link(ticket=ticket, user=carol)))
    revoke_links(ticket=ticket)

    assert client.get(reverse("portal:ticket", args=[ticket.number])).status_code == 404


def test_an_expiring_link_ends_the_access_it_already_gave(client, site, ticket, carol):
    client.get(path_of(customer_link(ticket=ticket, user=carol)))
    AccessLink.objects.update(expires_at=timezone.now() - timedelta(seconds=1))

    assert client.get(reverse("portal:ticket", args=[ticket.number])).status_code == 404


def test_a_tampered_token_is_refused(client, site, ticket, carol):
    _link, token = create_link(ticket=ticket, user=carol)
    secret, signature = token.rsplit(":", 1)
    tampered = f"{secret[:-1]}{'A' if secret[-1] != 'A' else 'B'}:{signature}"

    assert client.get(reverse("portal:link", args=[tampered])).status_code == 404


def test_a_token_signed_with_another_key_is_refused(client, site, settings, ticket, carol):
    settings.SECRET_KEY = "another-key-entirely-0123456789-0123456789-0123456789"
    _link, token = create_link(ticket=ticket, user=carol)
    settings.SECRET_KEY = "test-only-secret-key-not-for-any-real-deployment-0123456789"

    assert client.get(reverse("portal:link", args=[token])).status_code == 404


def test_a_garbage_token_is_refused(client, db):
    assert client.get(reverse("portal:link", args=["nothing-here"])).status_code == 404


def test_a_link_stops_working_when_its_person_loses_the_ticket(client, site, ticket, carol, dave, alice):
    services.add_collaborator(ticket=ticket, actor=alice.user, user=dave)
    client.get(path_of(customer_link(ticket=ticket, user=dave)))
    services.remove_collaborator(ticket=ticket, actor=alice.user, user=dave)

    assert client.get(reverse("portal:ticket", args=[ticket.number])).status_code == 404


def test_a_link_for_a_cc_opens_the_ticket(client, site, ticket, dave, alice):
    services.add_collaborator(ticket=ticket, actor=alice.user, user=dave)

    response = client.get(path_of(customer_link(ticket=ticket, user=dave)), follow=True)

    assert response.status_code == 200


def test_following_a_link_gives_the_session_a_new_key(client, site, ticket, carol):
    client.get("/link/warm-up/")
    client.session.save()
    before = client.session.session_key

    client.get(path_of(customer_link(ticket=ticket, user=carol)))

    assert client.session.session_key != before


def test_a_signed_in_owner_following_their_link_stays_signed_in(client, site, ticket, carol):
    signed_in(client, carol)

    response = client.get(path_of(customer_link(ticket=ticket, user=carol)), follow=True)

    assert response.status_code == 200
    assert client.session["_auth_user_id"] == str(carol.pk)


def test_an_admin_revokes_links_from_the_admin(client, site, admin_user, ticket, carol):
    url = customer_link(ticket=ticket, user=carol)
    link = AccessLink.objects.get()
    signed_in(client, admin_user).post(
        reverse("admin:tickets_accesslink_changelist"), {"action": "revoke", "_selected_action": [link.pk]}
    )
    client.logout()

    assert client.get(path_of(url)).status_code == 404
