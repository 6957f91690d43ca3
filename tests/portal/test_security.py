"""Nobody reads or touches what is not theirs: every ticket URL of the portal, for every kind of outsider."""

from __future__ import annotations

import pytest
from django.urls import reverse

from tests.conftest import signed_in
from tests.portal.conftest import open_link
from tickets import services
from tickets.services import NewAttachment

OUTSIDERS = ["anonymous", "stranger", "agent", "link_to_another_ticket", "org_member_without_flag"]


@pytest.fixture
def own_file(ticket, carol):
    entry = services.post_message(
        ticket=ticket,
        author=carol,
        body="scan",
        attachments=[NewAttachment(name="scan.pdf", content=b"%PDF", content_type="application/pdf")],
    )
    return entry.attachments.get()


@pytest.fixture
def outsider(request, client, billing_ticket, carol, dave, alice, acme, frank):
    carol.organization = acme
    carol.save()
    kind = request.param
    if kind == "stranger":
        signed_in(client, dave)
    elif kind == "agent":
        signed_in(client, alice)
    elif kind == "link_to_another_ticket":
        open_link(client, billing_ticket, carol)
    elif kind == "org_member_without_flag":
        signed_in(client, frank)
    return client


def ticket_urls(ticket, attachment):
    number = ticket.number
    return [
        ("get", reverse("portal:ticket", args=[number])),
        ("get", reverse("portal:attachment", args=[number, attachment.pk])),
        ("post", reverse("portal:ticket_reply", args=[number])),
        ("post", reverse("portal:ticket_close", args=[number])),
        ("post", reverse("portal:ticket_reopen", args=[number])),
    ]


@pytest.mark.parametrize("outsider", OUTSIDERS, indirect=True)
@pytest.mark.parametrize("index", range(5))
def test_every_ticket_url_is_404_for_outsiders(outsider, ticket, own_file, index):
    method, url = ticket_urls(ticket, own_file)[index]

    response = getattr(outsider, method)(url, {"body": "hello"} if method == "post" else None)

    assert response.status_code == 404


@pytest.mark.parametrize("outsider", OUTSIDERS, indirect=True)
def test_outsiders_change_nothing(outsider, ticket, own_file):
    for method, url in ticket_urls(ticket, own_file):
        if method == "post":
            outsider.post(url, {"body": "hello"})

    ticket.refresh_from_db()
    assert ticket.entries.count() == 2
    assert not ticket.is_closed


def test_a_file_id_of_my_other_ticket_under_this_number_is_404(client, ticket, billing_ticket, carol):
    entry = services.post_message(
        ticket=billing_ticket,
        author=carol,
        body="other",
        attachments=[NewAttachment(name="other.pdf", content=b"%PDF", content_type="application/pdf")],
    )
    open_link(client, ticket, carol)

    response = client.get(reverse("portal:attachment", args=[ticket.number, entry.attachments.get().pk]))

    assert response.status_code == 404


def test_notes_and_their_files_never_reach_any_portal_page(client, site, ticket, carol, alice):
    services.post_note(
        ticket=ticket,
        actor=alice.user,
        body="NOTE-SECRET-TEXT",
        attachments=[NewAttachment(name="NOTE-SECRET-FILE.pdf", content=b"%PDF", content_type="application/pdf")],
    )
    signed_in(client, carol)
    pages = [
        reverse("portal:ticket", args=[ticket.number]),
        reverse("portal:my_tickets"),
        reverse("portal:reports"),
        reverse("portal:kb"),
    ]

    for url in pages:
        content = client.get(url).content
        assert b"NOTE-SECRET" not in content, url


def test_searching_my_tickets_never_matches_note_text(client, ticket, carol, alice):
    services.post_note(ticket=ticket, actor=alice.user, body="NOTE-SECRET-TEXT")

    content = signed_in(client, carol).get(reverse("portal:my_tickets"), {"q": "NOTE-SECRET"}).content

    assert b"Printer on fire" not in content


def test_notes_never_reach_the_status_link_mail(client, site, ticket, carol, alice):
    from django.core import mail

    services.post_note(ticket=ticket, actor=alice.user, body="NOTE-SECRET-TEXT")

    client.post(reverse("portal:status"), {"email": carol.email, "number": ticket.number})

    assert "NOTE-SECRET" not in mail.outbox[0].body
    assert "NOTE-SECRET" not in str(getattr(mail.outbox[0], "alternatives", []))
