"""Opening a ticket from the portal: routed by the help topic, topic fields, attachments, spam guards."""

from __future__ import annotations

import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from helpdesk.accounts.models import User
from tests.conftest import signed_in
from tickets.models import Priority, Source, Ticket

URL = reverse("portal:ticket_new")


def form_data(topic, **overrides):
    data = {
        "name": "Gina Guest",
        "email": "gina@guest.test",
        "help_topic": str(topic.pk),
        "subject": "Invoice is wrong",
        "body": "The total is off by ten.",
        "extra_order": "A-1001",
        "website": "",
    }
    data.update(overrides)
    return data


def test_the_form_lists_public_active_topics_only(client, billing_topic, support_topic):
    support_topic.is_public = False
    support_topic.save()

    response = client.get(URL)

    assert response.status_code == 200
    assert b"Invoices" in response.content
    assert b"Printers" not in response.content


def test_an_anonymous_ticket_is_routed_by_its_topic(client, billing_topic, billing, bob):
    client.post(URL, form_data(billing_topic))

    ticket = Ticket.objects.get()
    assert ticket.department == billing
    assert ticket.priority == Priority.URGENT
    assert ticket.assignee == bob
    assert ticket.source == Source.WEB
    assert ticket.custom_fields == {"order": "A-1001"}


def test_an_anonymous_requester_becomes_a_user_without_a_password(client, billing_topic):
    client.post(URL, form_data(billing_topic))

    gina = User.objects.get(email="gina@guest.test")
    assert Ticket.objects.get().requester == gina
    assert not gina.has_usable_password()
    assert gina.name == "Gina Guest"


def test_a_known_address_in_any_case_gets_no_second_user(client, billing_topic, carol):
    client.post(URL, form_data(billing_topic, email="CAROL@Customer.test", name="Someone Else"))

    assert User.objects.filter(email__iexact="carol@customer.test").count() == 1
    assert Ticket.objects.get().requester == carol
    carol.refresh_from_db()
    assert carol.name == "Carol Customer"


def test_the_answer_is_the_same_for_known_and_unknown_addresses(client, billing_topic, carol):
    known = client.post(URL, form_data(billing_topic, email=carol.email), follow=True)
    unknown = client.post(URL, form_data(billing_topic, email="new@guest.test"), follow=True)

    numbers = list(Ticket.objects.order_by("pk").values_list("number", flat=True))
    assert page_text(known, numbers[0]) == page_text(unknown, numbers[1])


def page_text(response, number: str) -> str:
    """The page without what differs on every request: the CSRF token and the ticket number."""
    text = re.sub(r"[A-Za-z0-9]{64}", "TOKEN", response.content.decode())
    return text.replace(number, "N")


def test_the_confirmation_shows_the_new_number(client, billing_topic):
    response = client.post(URL, form_data(billing_topic), follow=True)

    assert response.redirect_chain[-1][0] == reverse("portal:ticket_done")
    assert f"#{Ticket.objects.get().number}".encode() in response.content


def test_the_confirmation_needs_the_session_that_opened_the_ticket(client, db):
    response = client.get(reverse("portal:ticket_done"))

    assert response.status_code == 302
    assert response.url == URL


def test_an_anonymous_confirmation_does_not_open_the_ticket(client, billing_topic):
    client.post(URL, form_data(billing_topic))

    number = Ticket.objects.get().number
    assert client.get(reverse("portal:ticket", args=[number])).status_code == 404


def test_a_signed_in_customer_opens_the_ticket_as_themselves(client, billing_topic, carol):
    signed_in(client, carol)

    client.post(URL, form_data(billing_topic, email="someone@else.test", name="Mallory"))

    assert Ticket.objects.get().requester == carol
    assert not User.objects.filter(email="someone@else.test").exists()


def test_a_required_topic_field_is_enforced(client, billing_topic):
    response = client.post(URL, form_data(billing_topic, extra_order=""))

    assert response.status_code == 400
    assert b"Order number" in response.content
    assert not Ticket.objects.exists()


def test_a_topic_field_outside_the_topic_is_ignored(client, billing_topic):
    client.post(URL, form_data(billing_topic, extra_admin="yes"))

    assert "admin" not in Ticket.objects.get().custom_fields


def test_a_hidden_topic_cannot_be_chosen(client, billing_topic):
    billing_topic.is_public = False
    billing_topic.save()

    response = client.post(URL, form_data(billing_topic))

    assert response.status_code == 400
    assert not Ticket.objects.exists()


def test_the_topic_fields_partial_renders_the_topics_fields(client, billing_topic):
    response = client.get(reverse("portal:topic_fields"), {"help_topic": billing_topic.pk})

    assert b'name="extra_order"' in response.content
    assert b"required" in response.content


def test_the_topic_fields_partial_is_empty_for_a_hidden_topic(client, billing_topic):
    billing_topic.is_public = False
    billing_topic.save()

    response = client.get(reverse("portal:topic_fields"), {"help_topic": billing_topic.pk})

    assert b"extra_order" not in response.content


def test_attachments_are_stored_with_the_first_message(client, billing_topic):
    upload = SimpleUploadedFile("receipt.pdf", b"%PDF-1.4 x", content_type="text/html")

    client.post(URL, {**form_data(billing_topic), "attachments": [upload]})

    attachment = Ticket.objects.get().entries.get().attachments.get()
    assert attachment.name == "receipt.pdf"
    assert attachment.content_type == "application/pdf"  # from the extension, not the browser's claim


def test_an_attachment_of_a_refused_kind_is_explained(client, billing_topic):
    upload = SimpleUploadedFile("page.html", b"<script>alert(1)</script>", content_type="text/html")

    response = client.post(URL, {**form_data(billing_topic), "attachments": [upload]})

    assert response.status_code == 400
    assert b"page.html: files of this kind cannot be attached" in response.content
    assert not Ticket.objects.exists()


def test_an_attachment_over_the_size_limit_is_explained(client, billing_topic, settings):
    settings.ATTACHMENT_MAX_BYTES = 1024
    upload = SimpleUploadedFile("big.pdf", b"x" * 2048)

    response = client.post(URL, {**form_data(billing_topic), "attachments": [upload]})

    assert response.status_code == 400
    assert b"each file may be at most" in response.content


def test_too_many_attachments_are_refused(client, billing_topic, settings):
    settings.PORTAL_ATTACHMENTS_PER_MESSAGE = 1
    files = [SimpleUploadedFile(f"{i}.txt", b"x") for i in range(2)]

    response = client.post(URL, {**form_data(billing_topic), "attachments": files})

    assert response.status_code == 400
    assert b"Attach at most 1 files." in response.content


def test_a_filled_honeypot_opens_nothing(client, billing_topic):
    response = client.post(URL, form_data(billing_topic, website="http://spam.example"))

    assert response.status_code == 400
    assert not Ticket.objects.exists()


def test_tickets_are_rate_limited_per_address(client, billing_topic, settings):
    settings.PORTAL_TICKETS_PER_HOUR = 2
    for n in range(2):
        client.post(URL, form_data(billing_topic, email=f"g{n}@guest.test"))

    response = client.post(URL, form_data(billing_topic, email="g9@guest.test"))

    assert response.status_code == 429
    assert Ticket.objects.count() == 2


def test_tickets_are_rate_limited_per_email(client, billing_topic, settings):
    settings.PORTAL_TICKETS_PER_HOUR = 2
    for n in range(2):
        client.post(URL, form_data(billing_topic), REMOTE_ADDR=f"10.0.0.{n}")

    response = client.post(URL, form_data(billing_topic), REMOTE_ADDR="10.0.0.9")

    assert response.status_code == 429
    assert Ticket.objects.count() == 2


@pytest.mark.parametrize("subject", ["toner", "How refill"])
def test_faq_suggestions_offer_public_faqs_only(client, kb, subject):
    response = client.get(reverse("portal:faq_suggestions"), {"subject": subject})

    assert b"How to refill toner" in response.content
    assert b"supplier" not in response.content
    assert b"discount" not in response.content


def test_the_form_page_has_a_constant_number_of_queries(
    client, billing_topic, support_topic, django_assert_max_num_queries
):
    with django_assert_max_num_queries(4):
        client.get(URL)
