"""The customer's ticket page: who may open it, and what it shows (the public thread only)."""

from __future__ import annotations

import pytest
from django.urls import reverse

from tests.conftest import signed_in
from tests.portal.conftest import open_link
from tickets import services
from tickets.models import Status


def page(client, ticket):
    return client.get(reverse("portal:ticket", args=[ticket.number]))


# --- permission matrix ------------------------------------------------------------------------


def test_the_requester_opens_the_page(client, ticket, carol):
    assert page(signed_in(client, carol), ticket).status_code == 200


def test_a_cc_opens_the_page(client, ticket, dave, alice):
    services.add_collaborator(ticket=ticket, actor=alice.user, user=dave)

    assert page(signed_in(client, dave), ticket).status_code == 200


def test_an_organization_manager_opens_a_colleagues_ticket(client, ticket, carol, acme, erin):
    carol.organization = acme
    carol.save()

    assert page(signed_in(client, erin), ticket).status_code == 200


def test_an_organization_member_without_the_flag_gets_404(client, ticket, carol, acme, frank):
    carol.organization = acme
    carol.save()

    assert page(signed_in(client, frank), ticket).status_code == 404


def test_a_shared_mail_domain_alone_gives_no_access(client, ticket, carol):
    from helpdesk.accounts.models import User

    same_domain = User.objects.create_user("boss@customer.test", "x" * 16, is_org_manager=True)

    assert page(signed_in(client, same_domain), ticket).status_code == 404


def test_a_stranger_gets_404(client, ticket, dave):
    assert page(signed_in(client, dave), ticket).status_code == 404


def test_an_anonymous_visitor_gets_404(client, ticket):
    assert page(client, ticket).status_code == 404


def test_an_agent_of_the_department_gets_404_in_the_portal(client, ticket, alice):
    assert page(signed_in(client, alice), ticket).status_code == 404


def test_an_unknown_number_gets_404(client, carol):
    assert signed_in(client, carol).get(reverse("portal:ticket", args=["99999999"])).status_code == 404


def test_a_link_session_opens_the_page(client, ticket, carol):
    assert page(open_link(client, ticket, carol), ticket).status_code == 200


def test_a_link_session_for_one_ticket_does_not_open_another_of_the_same_person(client, ticket, billing_ticket, carol):
    open_link(client, ticket, carol)

    assert page(client, billing_ticket).status_code == 404


# --- what it shows ----------------------------------------------------------------------------


def test_the_page_shows_subject_number_and_the_customer_name_of_the_status(client, ticket, carol):
    Status.objects.filter(pk=ticket.status_id).update(customer_name="We are on it")

    content = page(signed_in(client, carol), ticket).content.decode()

    assert "Printer on fire" in content
    assert f"#{ticket.number}" in content
    assert "We are on it" in content


def test_the_page_shows_agent_responses(client, ticket, carol, alice):
    services.post_reply(ticket=ticket, actor=alice.user, body="Unplug it, please.")

    assert b"Unplug it, please." in page(signed_in(client, carol), ticket).content


def test_internal_notes_never_appear(client, ticket, carol, alice):
    services.post_note(ticket=ticket, actor=alice.user, body="Customer is grumpy, internal only.")

    content = page(signed_in(client, carol), ticket).content

    assert b"internal only" not in content
    assert b"grumpy" not in content


def test_agent_only_events_never_appear(client, ticket, carol, alice, support):
    services.assign(ticket=ticket, actor=alice.user, agent=alice)
    services.set_priority(ticket=ticket, actor=alice.user, priority=4)

    content = page(signed_in(client, carol), ticket).content.decode()

    assert "Alice" not in content
    assert "Urgent" not in content


def test_the_page_lists_the_people_in_cc(client, ticket, carol, dave, alice):
    services.add_collaborator(ticket=ticket, actor=alice.user, user=dave)

    assert b"Dave Stranger" in page(signed_in(client, carol), ticket).content


def test_an_organization_manager_reads_but_gets_no_reply_box(client, ticket, carol, acme, erin):
    carol.organization = acme
    carol.save()

    content = page(signed_in(client, erin), ticket).content

    assert reverse("portal:ticket_reply", args=[ticket.number]).encode() not in content


@pytest.mark.parametrize("entries", [1, 12])
def test_the_page_has_a_constant_number_of_queries(
    client, ticket, carol, alice, entries, django_assert_max_num_queries
):
    for n in range(entries):
        services.post_reply(ticket=ticket, actor=alice.user, body=f"Answer {n}")
    signed_in(client, carol)

    with django_assert_max_num_queries(9):
        page(client, ticket)
