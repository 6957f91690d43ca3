"""Published reports: an agent publishes a ticket under an edited title and summary; no personal data shows."""

from __future__ import annotations

import pytest
from django.urls import reverse

from tickets import services
from tickets.models import HelpTopic, TicketEvent

URL = reverse("portal:reports")


@pytest.fixture
def published(ticket, alice):
    return services.set_publication(
        ticket=ticket, actor=alice.user, published=True, title="Broken printer in the library", summary="Replaced."
    )


def test_a_published_ticket_appears_under_its_public_title(client, published):
    content = client.get(URL).content

    assert b"Broken printer in the library" in content
    assert b"Replaced." in content


def test_the_list_shows_no_personal_data(client, published, carol):
    content = client.get(URL).content.decode()

    for private in (carol.email, carol.name, published.subject, "It smokes.", published.number):
        assert private not in content


def test_unpublished_tickets_do_not_appear(client, ticket, billing_ticket, published):
    content = client.get(URL).content

    assert b"Invoice twice" not in content


def test_withdrawing_removes_it(client, published, alice):
    services.set_publication(ticket=published, actor=alice.user, published=False)

    assert b"Broken printer" not in client.get(URL).content


def test_the_list_filters_by_help_topic(client, published, billing_ticket, support, bob):
    topic = HelpTopic.objects.create(name="Library", department=support)
    published.help_topic = topic
    published.save(update_fields=["help_topic"])
    services.set_publication(ticket=billing_ticket, actor=bob.user, published=True, title="Double invoices")

    filtered = client.get(URL, {"topic": topic.pk}).content

    assert b"Broken printer" in filtered
    assert b"Double invoices" not in filtered


def test_publishing_needs_a_public_title(ticket, alice):
    with pytest.raises(services.TicketError):
        services.set_publication(ticket=ticket, actor=alice.user, published=True, title="  ")


def test_publishing_needs_the_edit_permission(ticket, bob):
    with pytest.raises(services.NotAllowed):
        services.set_publication(ticket=ticket, actor=bob.user, published=True, title="Nope")


def test_publishing_is_logged(published, alice):
    event = TicketEvent.objects.filter(ticket=published, kind="published").get()

    assert event.actor == alice.user
    assert event.data["after"] is True


def test_the_list_has_a_constant_number_of_queries(
    client, published, billing_ticket, bob, django_assert_max_num_queries
):
    services.set_publication(ticket=billing_ticket, actor=bob.user, published=True, title="Double invoices")

    with django_assert_max_num_queries(3):
        client.get(URL)
