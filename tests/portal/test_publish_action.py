"""Publishing a ticket from the staff panel's action panel, with a public title and summary."""

from __future__ import annotations

from django.urls import reverse

from tests.conftest import signed_in


def publish(client, ticket, **data):
    return client.post(reverse("scp:ticket_publish", args=[ticket.number]), data)


def test_an_agent_publishes_with_a_title_and_summary(client, ticket, alice):
    publish(signed_in(client, alice), ticket, published="on", public_title="Library printer", public_summary="Fixed.")

    ticket.refresh_from_db()
    assert (ticket.published, ticket.public_title, ticket.public_summary) == (True, "Library printer", "Fixed.")


def test_publishing_without_a_title_is_refused(client, ticket, alice):
    response = publish(signed_in(client, alice), ticket, published="on", public_title="")

    ticket.refresh_from_db()
    assert not ticket.published
    assert response.status_code == 302


def test_an_agent_withdraws_a_report(client, ticket, alice):
    signed_in(client, alice)
    publish(client, ticket, published="on", public_title="Library printer")

    publish(client, ticket, public_title="Library printer")

    ticket.refresh_from_db()
    assert not ticket.published


def test_an_agent_of_another_department_gets_404(client, ticket, bob):
    assert publish(signed_in(client, bob), ticket, published="on", public_title="x").status_code == 404


def test_a_customer_cannot_publish(client, ticket, carol):
    response = publish(signed_in(client, carol), ticket, published="on", public_title="x")

    ticket.refresh_from_db()
    assert response.status_code in (302, 403)
    assert not ticket.published


def test_the_ticket_page_offers_the_publish_form(client, ticket, alice):
    content = signed_in(client, alice).get(reverse("scp:ticket", args=[ticket.number])).content

    assert reverse("scp:ticket_publish", args=[ticket.number]).encode() in content
