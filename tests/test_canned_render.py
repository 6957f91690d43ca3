"""Canned responses rendered for a ticket: variables filled, nothing else reachable from the template."""

from __future__ import annotations

import pytest

from faq.models import CannedResponse
from tests.conftest import signed_in
from tickets.canned import render_body, render_canned
from tickets.models import Ticket


def canned_url(ticket: Ticket, canned: CannedResponse) -> str:
    return f"/scp/tickets/{ticket.number}/canned/{canned.pk}"


@pytest.fixture
def greeting(db) -> CannedResponse:
    return CannedResponse.objects.create(
        title="Greeting",
        body=(
            "Dear {{ requester.name }} ({{ requester.email }}),\n"
            'about #{{ ticket.number }} "{{ ticket.subject }}" from {{ department.name }}:\n'
            "{{ agent.name }}\n{{ agent.signature }}"
        ),
    )


# --- who may fetch it -------------------------------------------------------------------------


def test_anonymous_visitors_are_sent_to_sign_in(client, ticket, greeting):
    response = client.get(canned_url(ticket, greeting))

    assert response.status_code == 302
    assert response.url.startswith("/scp/login")


def test_customers_get_403(client, carol, ticket, greeting):
    signed_in(client, carol)

    assert client.get(canned_url(ticket, greeting)).status_code == 403


def test_an_agent_of_another_department_gets_404(client, bob, ticket, greeting):
    signed_in(client, bob.user)

    assert client.get(canned_url(ticket, greeting)).status_code == 404


def test_an_agent_of_the_department_gets_the_rendered_text(client, alice, ticket, greeting):
    alice.signature = "Alice — Support"
    alice.save()
    signed_in(client, alice.user)

    response = client.get(canned_url(ticket, greeting))

    assert response.status_code == 200
    assert response.json() == {
        "body": (
            "Dear Carol Customer (carol@customer.test),\n"
            f'about #{ticket.number} "Printer on fire" from Support:\n'
            "Alice Agent\nAlice — Support"
        ),
        "attachments": [],
    }


def test_an_admin_gets_it_too(client, admin_user, billing_ticket, greeting):
    signed_in(client, admin_user)

    response = client.get(canned_url(billing_ticket, greeting))

    assert response.status_code == 200
    assert "Dear Carol Customer" in response.json()["body"]


def test_it_only_answers_get(client, alice, ticket, greeting):
    signed_in(client, alice.user)

    assert client.post(canned_url(ticket, greeting)).status_code == 405


# --- which responses ----------------------------------------------------------------------------


def test_a_response_of_another_department_is_404(client, alice, billing, ticket):
    other = CannedResponse.objects.create(title="Refunds", body="Refunded.", department=billing)
    signed_in(client, alice.user)

    assert client.get(canned_url(ticket, other)).status_code == 404


def test_a_response_of_the_tickets_department_is_offered(client, alice, support, ticket):
    own = CannedResponse.objects.create(title="Reboot", body="Reboot {{ ticket.number }}", department=support)
    signed_in(client, alice.user)

    assert client.get(canned_url(ticket, own)).json() == {"body": f"Reboot {ticket.number}", "attachments": []}


def test_an_inactive_response_is_404(client, alice, ticket):
    retired = CannedResponse.objects.create(title="Old", body="Old text", is_active=False)
    signed_in(client, alice.user)

    assert client.get(canned_url(ticket, retired)).status_code == 404


def test_an_unknown_response_is_404(client, alice, ticket):
    signed_in(client, alice.user)

    assert client.get(f"/scp/tickets/{ticket.number}/canned/987654").status_code == 404


# --- the sandbox ------------------------------------------------------------------------------

CONTEXT = {
    "ticket": {"number": "123456", "subject": "Printer"},
    "requester": {"name": "Carol", "email": "carol@customer.test"},
    "agent": {"name": "Alice", "signature": "-- Alice"},
    "department": {"name": "Support"},
}


def test_model_attributes_behind_the_variables_render_nothing(ticket, alice):
    canned = CannedResponse(title="Trick", body="[{{ ticket.requester.password }}][{{ requester.password }}]")

    assert render_canned(canned, ticket=ticket, agent_user=alice.user) == "[][]"


def test_the_password_hash_never_appears(ticket, alice):
    body = "{{ ticket.requester }}{{ requester }}{{ agent }}{{ user.password }}{{ request }}{{ settings.SECRET_KEY }}"
    canned = CannedResponse(title="Trick", body=body)

    rendered = render_canned(canned, ticket=ticket, agent_user=alice.user)

    assert ticket.requester.password not in rendered
    assert alice.user.password not in rendered
    assert "SECRET" not in rendered


def test_private_attributes_are_not_reachable():
    assert render_body("{{ ticket.number.__class__ }}", CONTEXT) == "{{ ticket.number.__class__ }}"


@pytest.mark.parametrize(
    "body",
    [
        "{% load static %}{% static 'x' %}",
        "{% include 'scp/base.html' %}",
        "{% extends 'base.html' %}",
        "{% debug %}",
        "{% ssi '/etc/passwd' %}",
        "{% url 'scp:tickets' %}",
        "{% now 'Y' %}",
        "{{ ticket.number }} {% csrf_token %}",
    ],
)
def test_template_tags_beyond_if_are_not_available_and_come_back_as_written(body):
    assert render_body(body, CONTEXT) == body


def test_if_and_the_default_filters_work():
    body = "{% if requester.name %}Hi {{ requester.name|upper }}{% endif %} {{ ticket.subject|lower|default:'-' }}"

    assert render_body(body, CONTEXT) == "Hi CAROL printer"


def test_filters_that_pad_to_any_width_are_not_available():
    assert render_body("{{ agent.name|ljust:'999999999' }}", CONTEXT) == "{{ agent.name|ljust:'999999999' }}"


def test_output_is_plain_text_not_escaped():
    context = {**CONTEXT, "requester": {"name": "Tom & <Jerry>", "email": "t@example.com"}}

    assert render_body("Dear {{ requester.name }}", context) == "Dear Tom & <Jerry>"


def test_a_body_with_a_syntax_error_comes_back_as_written():
    body = "Dear {{ requester.name }, {% if %}"

    assert render_body(body, CONTEXT) == body


def test_unknown_variables_render_nothing():
    assert render_body("[{{ customer.name }}]", CONTEXT) == "[]"


def test_an_agent_without_a_profile_has_no_signature(ticket, admin_user):
    canned = CannedResponse(title="Sig", body="{{ agent.name }}|{{ agent.signature }}")

    assert render_canned(canned, ticket=ticket, agent_user=admin_user) == "Ada Admin|"
