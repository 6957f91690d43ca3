"""Attachment downloads from the staff panel: access-checked, and never rendered as a page by the browser."""

from __future__ import annotations

import pytest

from faq.models import CannedResponse
from helpdesk.accounts.models import User
from tests.conftest import signed_in
from tickets import services
from tickets.models import Attachment, Ticket
from tickets.services import NewAttachment, save_attachment

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 16


def download_url(attachment: Attachment) -> str:
    return f"/scp/attachments/{attachment.pk}/"


def attach(ticket: Ticket, author: User, name: str, content: bytes, content_type: str) -> Attachment:
    entry = services.post_message(
        ticket=ticket,
        author=author,
        body="See attached.",
        attachments=[NewAttachment(name=name, content=content, content_type=content_type)],
    )
    return entry.attachments.get()


@pytest.fixture
def report(ticket, carol) -> Attachment:
    return attach(ticket, carol, "report.pdf", b"%PDF-1.4 test", "application/pdf")


def body(response) -> bytes:
    return b"".join(response.streaming_content)


# --- who may download -------------------------------------------------------------------------


def test_anonymous_visitors_are_sent_to_sign_in(client, report):
    response = client.get(download_url(report))

    assert response.status_code == 302
    assert response.url.startswith("/scp/login")


def test_customers_get_403_even_for_their_own_file(client, carol, report):
    signed_in(client, carol)

    assert client.get(download_url(report)).status_code == 403


def test_an_agent_of_another_department_gets_404(client, bob, report):
    signed_in(client, bob.user)

    assert client.get(download_url(report)).status_code == 404


def test_an_agent_of_the_department_downloads_it(client, alice, report):
    signed_in(client, alice.user)

    response = client.get(download_url(report))

    assert response.status_code == 200
    assert body(response) == b"%PDF-1.4 test"


def test_an_admin_downloads_anything(client, admin_user, billing_ticket, carol):
    attachment = attach(billing_ticket, carol, "invoice.pdf", b"%PDF", "application/pdf")
    signed_in(client, admin_user)

    assert client.get(download_url(attachment)).status_code == 200


def test_it_only_answers_get(client, alice, report):
    signed_in(client, alice.user)

    assert client.post(download_url(report)).status_code == 405


def test_an_attachment_of_an_internal_note_is_downloadable_by_agents(client, alice, ticket):
    note = services.post_note(
        ticket=ticket, actor=alice.user, body="Logs", attachments=[NewAttachment(name="debug.log", content=b"trace")]
    )
    signed_in(client, alice.user)

    response = client.get(download_url(note.attachments.get()))

    assert response.status_code == 200
    assert body(response) == b"trace"


def test_a_forged_id_is_404(client, alice, report):
    signed_in(client, alice.user)

    assert client.get("/scp/attachments/987654/").status_code == 404


def test_a_file_not_in_any_thread_is_404(client, alice, ticket):
    loose = save_attachment(NewAttachment(name="canned.pdf", content=b"%PDF"))
    CannedResponse.objects.create(title="With file", body="x").attachments.add(loose)
    signed_in(client, alice.user)

    assert client.get(download_url(loose)).status_code == 404


def test_a_file_missing_from_storage_is_404(client, alice, report):
    report.file.delete(save=False)
    signed_in(client, alice.user)

    assert client.get(download_url(report)).status_code == 404


# --- how it is served -------------------------------------------------------------------------


def test_a_document_is_served_as_a_download_under_its_name(client, alice, report):
    signed_in(client, alice.user)

    response = client.get(download_url(report))

    assert response["Content-Disposition"] == 'attachment; filename="report.pdf"'
    assert response["Content-Type"] == "application/octet-stream"
    assert response["X-Content-Type-Options"] == "nosniff"


@pytest.mark.parametrize("content_type", ["image/png", "image/jpeg", "image/gif", "image/webp", "IMAGE/PNG; x=y"])
def test_plain_raster_images_are_served_inline(client, alice, ticket, carol, content_type):
    image = attach(ticket, carol, "photo.img", PNG, content_type)
    signed_in(client, alice.user)

    response = client.get(download_url(image))

    assert response["Content-Disposition"] == 'inline; filename="photo.img"'
    assert response["Content-Type"] == content_type.split(";")[0].lower()
    assert response["X-Content-Type-Options"] == "nosniff"


@pytest.mark.parametrize(
    ("name", "content_type"),
    [
        ("drawing.svg", "image/svg+xml"),
        ("page.html", "text/html"),
        ("page.xhtml", "application/xhtml+xml"),
        ("script.js", "text/javascript"),
    ],
)
def test_svg_html_and_scripts_are_never_served_inline(client, alice, ticket, carol, name, content_type):
    risky = attach(ticket, carol, name, b"<svg onload=alert(1)></svg>", content_type)
    signed_in(client, alice.user)

    response = client.get(download_url(risky))

    assert response["Content-Disposition"].startswith("attachment;")
    assert response["Content-Type"] == "application/octet-stream"
    assert "sandbox" in response["Content-Security-Policy"]


def test_the_download_name_is_the_safe_name_without_any_path(client, alice, ticket, carol):
    sneaky = attach(ticket, carol, "..\\..\\windows/../etc/passwd", b"root", "text/plain")
    signed_in(client, alice.user)

    response = client.get(download_url(sneaky))

    assert response["Content-Disposition"] == 'attachment; filename="passwd"'


def test_a_non_ascii_name_is_encoded(client, alice, ticket, carol):
    accented = attach(ticket, carol, "fattura è.pdf", b"%PDF", "application/pdf")
    signed_in(client, alice.user)

    response = client.get(download_url(accented))

    assert "filename*=utf-8''fattura%20%C3%A8.pdf" in response["Content-Disposition"]
