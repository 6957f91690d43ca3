"""My tickets and the profile: signed-in customers only, their own tickets only."""

from __future__ import annotations

import pytest
from django.urls import reverse

from tests.conftest import signed_in
from tickets import services
from tickets.services import open_ticket

URL = reverse("portal:my_tickets")


def test_anonymous_visitors_are_sent_to_the_portal_sign_in(client, db):
    response = client.get(URL)

    assert response.status_code == 302
    assert response.url.startswith(reverse("portal:login"))


def test_a_customer_sees_their_open_tickets(client, ticket, billing_ticket, carol):
    content = signed_in(client, carol).get(URL).content

    assert b"Printer on fire" in content
    assert b"Invoice twice" in content


def test_a_customer_never_sees_someone_elses_tickets(client, ticket, dave):
    assert b"Printer on fire" not in signed_in(client, dave).get(URL).content


def test_tickets_in_cc_are_listed(client, ticket, dave, alice):
    services.add_collaborator(ticket=ticket, actor=alice.user, user=dave)

    assert b"Printer on fire" in signed_in(client, dave).get(URL).content


def test_an_organization_manager_sees_the_organizations_tickets(client, ticket, carol, acme, erin):
    carol.organization = acme
    carol.save()

    assert b"Printer on fire" in signed_in(client, erin).get(URL).content


def test_closed_tickets_are_listed_apart(client, ticket, billing_ticket, carol, bob):
    services.close(ticket=billing_ticket, actor=bob.user)
    signed_in(client, carol)

    open_page = client.get(URL).content
    closed_page = client.get(URL, {"state": "closed"}).content

    assert b"Invoice twice" not in open_page
    assert b"Invoice twice" in closed_page
    assert b"Printer on fire" not in closed_page


def test_search_by_subject_or_number(client, ticket, billing_ticket, carol):
    signed_in(client, carol)

    by_subject = client.get(URL, {"q": "printer"}).content
    by_number = client.get(URL, {"q": f"#{billing_ticket.number}"}).content

    assert b"Printer on fire" in by_subject and b"Invoice twice" not in by_subject
    assert b"Invoice twice" in by_number and b"Printer on fire" not in by_number


def test_the_list_is_paged(client, carol, support):
    for n in range(23):
        open_ticket(requester=carol, subject=f"Question {n:02}", body="?", department=support)
    signed_in(client, carol)

    first, second = client.get(URL).content, client.get(URL, {"page": 2}).content

    assert first.count(b"Question ") == 20
    assert second.count(b"Question ") == 3


@pytest.mark.parametrize("count", [1, 15])
def test_the_list_has_a_constant_number_of_queries(client, carol, support, count, django_assert_max_num_queries):
    for n in range(count):
        open_ticket(requester=carol, subject=f"Question {n}", body="?", department=support)
    signed_in(client, carol)

    with django_assert_max_num_queries(7):
        client.get(URL)


def test_the_profile_needs_a_sign_in(client, db):
    assert client.get(reverse("portal:profile")).url.startswith(reverse("portal:login"))


def test_a_customer_saves_name_and_language(client, carol):
    response = signed_in(client, carol).post(
        reverse("portal:profile"), {"name": "Carol C.", "phone": "", "language": "it"}
    )

    carol.refresh_from_db()
    assert (carol.name, carol.language) == ("Carol C.", "it")
    assert response.cookies["django_language"].value == "it"


def test_the_profile_cannot_change_the_address_or_flags(client, carol):
    signed_in(client, carol).post(
        reverse("portal:profile"),
        {"name": "Carol", "language": "", "email": "evil@x.test", "is_org_manager": "on", "is_staff": "on"},
    )

    carol.refresh_from_db()
    assert carol.email == "carol@customer.test"
    assert not carol.is_org_manager
    assert not carol.is_staff


def test_the_profile_has_a_constant_number_of_queries(client, carol, django_assert_max_num_queries):
    signed_in(client, carol)

    with django_assert_max_num_queries(5):
        client.get(reverse("portal:profile"))
