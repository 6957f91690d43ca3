"""A customer replies in their ticket from the portal."""

from __future__ import annotations

from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from tests.conftest import signed_in
from tests.portal.conftest import open_link
from tickets import services
from tickets.models import ThreadEntry


def reply(client, ticket, body="Still smoking.", **extra):
    return client.post(reverse("portal:ticket_reply", args=[ticket.number]), {"body": body, **extra})


def messages_of(ticket):
    return ThreadEntry.objects.filter(ticket=ticket, kind=ThreadEntry.Kind.MESSAGE).order_by("pk")


def test_the_requester_replies(client, ticket, carol):
    response = reply(signed_in(client, carol), ticket)

    entry = messages_of(ticket).last()
    assert entry.body_text.strip() == "Still smoking."
    assert entry.author == carol
    assert response.url.endswith(f"#entry-{entry.pk}")


def test_a_cc_replies(client, ticket, dave, alice):
    services.add_collaborator(ticket=ticket, actor=alice.user, user=dave)

    reply(signed_in(client, dave), ticket)

    assert messages_of(ticket).last().author == dave


def test_a_link_session_replies_as_the_links_person(client, ticket, carol):
    reply(open_link(client, ticket, carol), ticket)

    assert messages_of(ticket).last().author == carol


def test_a_stranger_gets_404_and_writes_nothing(client, ticket, dave):
    response = reply(signed_in(client, dave), ticket)

    assert response.status_code == 404
    assert messages_of(ticket).count() == 1


def test_an_anonymous_visitor_gets_404_and_writes_nothing(client, ticket):
    assert reply(client, ticket).status_code == 404
    assert messages_of(ticket).count() == 1


def test_an_agent_gets_404_in_the_portal(client, ticket, alice):
    assert reply(signed_in(client, alice), ticket).status_code == 404


def test_an_organization_manager_may_read_but_not_write(client, ticket, carol, acme, erin):
    carol.organization = acme
    carol.save()

    response = reply(signed_in(client, erin), ticket)

    assert response.status_code == 400
    assert messages_of(ticket).count() == 1


def test_a_reply_to_a_closed_ticket_reopens_it(client, ticket, carol, alice):
    services.close(ticket=ticket, actor=alice.user)

    reply(signed_in(client, carol), ticket)

    ticket.refresh_from_db()
    assert not ticket.is_closed


def test_an_empty_reply_is_refused(client, ticket, carol):
    response = reply(signed_in(client, carol), ticket, body="")

    assert response.status_code == 400
    assert messages_of(ticket).count() == 1


def test_a_reply_carries_its_attachments(client, ticket, carol):
    upload = SimpleUploadedFile("photo.png", b"\x89PNG\r\n\x1a\n0000")

    reply(signed_in(client, carol), ticket, attachments=[upload])

    assert messages_of(ticket).last().attachments.get().content_type == "image/png"


def test_a_reply_with_an_active_file_type_is_refused(client, ticket, carol):
    upload = SimpleUploadedFile("evil.svg", b"<svg onload=alert(1)>")

    response = reply(signed_in(client, carol), ticket, attachments=[upload])

    assert response.status_code == 400
    assert messages_of(ticket).count() == 1


def test_reply_needs_post(client, ticket, carol):
    response = signed_in(client, carol).get(reverse("portal:ticket_reply", args=[ticket.number]))

    assert response.status_code == 405
