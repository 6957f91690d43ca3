"""Canned responses in the reply box: every variable filled and left unescaped text, no template injection,
their files sent with the reply, and links to public FAQs."""

from __future__ import annotations

import pytest

from faq.models import CannedResponse, Category, Faq
from faq.services import save_canned
from tests.conftest import signed_in
from tickets.canned import VARIABLES, render_body, render_canned, variables
from tickets.services import NewAttachment


@pytest.fixture
def with_files(admin_user, support) -> CannedResponse:
    return save_canned(
        actor=admin_user,
        title="Form",
        body="Please fill in the attached form, {{ requester.first_name }}.",
        department=support,
        add_files=[NewAttachment(name="form.pdf", content=b"%PDF-form", content_type="application/pdf")],
    )


def test_every_listed_variable_has_a_value(ticket, alice):
    values = variables(ticket, alice.user)

    for name, _meaning in VARIABLES:
        group, key = name.split(".")
        assert key in values[group]


def test_the_variables_of_the_issue_are_filled(ticket, alice):
    alice.signature = "-- Alice"
    alice.save()
    canned = CannedResponse(
        title="t",
        body="{{ ticket.number }}|{{ ticket.subject }}|{{ requester.name }}|{{ agent.name }}|{{ agent.signature }}",
    )

    assert render_canned(canned, ticket=ticket, agent_user=alice.user) == (
        f"{ticket.number}|Printer on fire|Carol Customer|Alice Agent|-- Alice"
    )


def test_the_extra_variables_are_filled(ticket, alice):
    body = (
        "{{ ticket.status }}|{{ ticket.priority }}|{{ requester.first_name }}|{{ agent.email }}|{{ department.name }}"
    )

    assert render_body(body, variables(ticket, alice.user)) == "Open|Normal|Carol|alice@example.com|Support"


@pytest.mark.parametrize(
    "body", ["{{ ticket.number|stringformat:'0999999999s' }}", "{{ ticket.number|floatformat:'99999999' }}"]
)
def test_filters_that_build_huge_strings_are_not_available(ticket, alice, body):
    assert render_body(body, variables(ticket, alice.user)) == body


def test_a_value_holding_template_code_is_not_run(carol, ticket, alice):
    carol.name = "{{ agent.email }}{% if 1 %}x{% endif %}"
    carol.save()

    rendered = render_body("Dear {{ requester.name }}", variables(ticket, alice.user))

    assert rendered == "Dear {{ agent.email }}{% if 1 %}x{% endif %}"


def test_markup_in_a_value_is_escaped_in_the_sent_reply(client, carol, ticket, alice):
    carol.name = "<img src=x onerror=alert(1)>"
    carol.save()
    text = render_body("Dear {{ requester.name }}", variables(ticket, alice.user))
    signed_in(client, alice.user)

    client.post(
        f"/scp/tickets/{ticket.number}/reply",
        {"reply_type": "public", "body": text, "last_message_id": ticket.entries.last().pk},
    )

    reply = ticket.entries.get(kind="response")
    assert "<img" not in reply.body
    assert "&lt;img src=x onerror=alert(1)&gt;" in reply.body


def test_the_render_endpoint_lists_the_files(client, alice, ticket, with_files):
    signed_in(client, alice.user)

    data = client.get(f"/scp/tickets/{ticket.number}/canned/{with_files.pk}").json()

    assert data["body"] == "Please fill in the attached form, Carol."
    assert data["attachments"] == [{"id": with_files.attachments.get().pk, "name": "form.pdf"}]


def test_the_canned_files_go_with_the_reply_as_copies(client, alice, ticket, with_files):
    original = with_files.attachments.get()
    signed_in(client, alice.user)

    client.post(
        f"/scp/tickets/{ticket.number}/reply",
        {
            "reply_type": "public",
            "body": "Here it is.",
            "canned_attachment": [original.pk],
            "last_message_id": ticket.entries.last().pk,
        },
    )

    sent = ticket.entries.get(kind="response").attachments.get()
    assert (sent.name, sent.file.read()) == ("form.pdf", b"%PDF-form")
    assert sent.pk != original.pk
    assert with_files.attachments.get() == original


def test_files_of_responses_the_ticket_may_not_use_are_ignored(client, alice, admin_user, ticket, billing):
    foreign = save_canned(
        actor=admin_user, title="B", body="b", department=billing, add_files=[NewAttachment(name="b.txt", content=b"b")]
    )
    signed_in(client, alice.user)

    client.post(
        f"/scp/tickets/{ticket.number}/reply",
        {
            "reply_type": "public",
            "body": "Hi",
            "canned_attachment": [foreign.attachments.get().pk, "junk"],
            "last_message_id": ticket.entries.last().pk,
        },
    )

    assert not ticket.entries.get(kind="response").attachments.exists()


def test_the_reply_box_offers_the_faq_search(client, alice, ticket):
    signed_in(client, alice.user)

    assert "/scp/kb/faqs/links" in client.get(f"/scp/tickets/{ticket.number}/").content.decode()


def test_the_faq_search_offers_only_public_faqs_with_their_portal_address(client, alice, settings):
    settings.SITE_URL = "https://help.example.com"
    public = Category.objects.create(name="Printers")
    internal = Category.objects.create(name="Runbooks", is_public=False)
    change = Faq.objects.create(category=public, question="Toner change", answer="<p>a</p>")
    Faq.objects.create(category=public, question="Toner secret", answer="<p>a</p>", is_public=False)
    Faq.objects.create(category=internal, question="Toner runbook", answer="<p>a</p>")
    signed_in(client, alice.user)

    response = client.get("/scp/kb/faqs/links?faq_q=toner")

    assert [(faq.question, url) for faq, url in response.context["links"]] == [
        ("Toner change", f"https://help.example.com/kb/faq/{change.pk}/")
    ]
    assert f'data-insert-text="Toner change: https://help.example.com/kb/faq/{change.pk}/"' in response.content.decode()
