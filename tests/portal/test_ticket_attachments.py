"""Attachment downloads in the portal: only the visitor's own public files, never rendered as a page."""

from __future__ import annotations

import pytest
from django.urls import reverse

from tests.conftest import signed_in
from tests.portal.conftest import open_link
from tests.test_attachment_download import attach as message_file
from tickets import services
from tickets.services import NewAttachment

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 16


def url(ticket, attachment):
    return reverse("portal:attachment", args=[ticket.number, attachment.pk])


def note_file(ticket, agent):
    entry = services.post_note(
        ticket=ticket,
        actor=agent.user,
        body="Internal scan.",
        attachments=[NewAttachment(name="internal.pdf", content=b"%PDF secret", content_type="application/pdf")],
    )
    return entry.attachments.get()


@pytest.fixture
def report(ticket, carol):
    return message_file(ticket, carol, "report.pdf", b"%PDF-1.4 test", "application/pdf")


def body(response) -> bytes:
    return b"".join(response.streaming_content)


def test_the_requester_downloads_a_file_of_their_ticket(client, ticket, carol, report):
    response = signed_in(client, carol).get(url(ticket, report))

    assert response.status_code == 200
    assert body(response) == b"%PDF-1.4 test"
    assert response["Content-Disposition"].startswith("attachment;")
    assert response["X-Content-Type-Options"] == "nosniff"


def test_a_link_session_downloads_a_file(client, ticket, carol, report):
    assert open_link(client, ticket, carol).get(url(ticket, report)).status_code == 200


def test_an_anonymous_visitor_gets_404(client, ticket, report):
    assert client.get(url(ticket, report)).status_code == 404


def test_a_stranger_gets_404(client, ticket, dave, report):
    assert signed_in(client, dave).get(url(ticket, report)).status_code == 404


def test_a_file_of_another_ticket_through_my_own_number_gets_404(client, ticket, billing_ticket, carol, dave, alice):
    services.add_collaborator(ticket=ticket, actor=alice.user, user=dave)
    foreign = message_file(billing_ticket, carol, "theirs.pdf", b"%PDF", "application/pdf")

    assert signed_in(client, dave).get(url(ticket, foreign)).status_code == 404


def test_a_file_of_an_internal_note_gets_404_even_for_the_requester(client, ticket, carol, alice):
    secret = note_file(ticket, alice)

    assert signed_in(client, carol).get(url(ticket, secret)).status_code == 404


def test_a_file_of_an_internal_note_is_not_listed(client, ticket, carol, alice):
    secret = note_file(ticket, alice)

    content = signed_in(client, carol).get(reverse("portal:ticket", args=[ticket.number])).content

    assert b"internal.pdf" not in content
    assert url(ticket, secret).encode() not in content


@pytest.mark.parametrize("content_type", ["image/png", "image/jpeg", "image/gif", "image/webp"])
def test_plain_raster_images_open_inline(client, ticket, carol, content_type):
    image = message_file(ticket, carol, "photo", PNG, content_type)

    response = signed_in(client, carol).get(url(ticket, image))

    assert response["Content-Type"] == content_type
    assert not response["Content-Disposition"].startswith("attachment")


@pytest.mark.parametrize(
    ("name", "content_type"),
    [
        ("page.html", "text/html"),
        ("image.svg", "image/svg+xml"),
        ("data.xml", "application/xml"),
        ("feed.xhtml", "application/xhtml+xml"),
        ("code.js", "text/javascript"),
    ],
)
def test_active_types_are_always_downloaded_never_inline(client, ticket, carol, name, content_type):
    # Mail and staff uploads can store these types; the portal never lets the browser render them.
    active = message_file(ticket, carol, name, b"<script>alert(1)</script>", content_type)

    response = signed_in(client, carol).get(url(ticket, active))

    assert response["Content-Disposition"].startswith("attachment;")
    assert response["Content-Type"] == "application/octet-stream"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert "sandbox" in response["Content-Security-Policy"]


def test_the_download_name_is_the_stored_name_never_a_path(client, ticket, carol):
    sneaky = message_file(ticket, carol, "../../etc/passwd.txt", b"x", "text/plain")

    response = signed_in(client, carol).get(url(ticket, sneaky))

    assert 'filename="passwd.txt"' in response["Content-Disposition"]
    assert "etc" not in sneaky.file.name
