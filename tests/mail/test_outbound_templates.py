"""Which template a mail is written from: the recipient's language, and the admins' database overrides."""

import pytest
from django.urls import reverse
from django.utils import translation

from helpdesk.mail.models import MailTemplate
from tests.conftest import signed_in
from tickets.services import open_ticket


@pytest.fixture
def open_for_carol(carol, support, django_capture_on_commit_callbacks):
    def open_it():
        with django_capture_on_commit_callbacks(execute=True):
            return open_ticket(requester=carol, subject="Printer on fire", body="It smokes.", department=support)

    return open_it


def override(language: str = "it", **fields) -> MailTemplate:
    values = {
        "subject": "Ricevuto: {{ ticket.subject }}",
        "text": "Gentile {{ recipient.name }}, numero {{ ticket.number }}.",
    }
    return MailTemplate.objects.create(key="auto_response", language=language, **{**values, **fields})


def test_mail_is_written_in_the_recipients_language(smtp, carol, open_for_carol):
    carol.language = "it"
    carol.save()

    open_for_carol()

    [mail] = smtp.to("carol@customer.test")
    assert '<html lang="it">' in mail.get_body(("html",)).get_content()


def test_recipient_without_a_language_gets_the_site_language(smtp, settings, open_for_carol):
    settings.LANGUAGE_CODE = "it"

    open_for_carol()

    [mail] = smtp.to("carol@customer.test")
    assert '<html lang="it">' in mail.get_body(("html",)).get_content()


def test_override_for_the_recipients_language_replaces_the_default(smtp, carol, open_for_carol):
    carol.language = "it"
    carol.save()
    override()

    ticket = open_for_carol()

    [mail] = smtp.to("carol@customer.test")
    assert mail["Subject"] == f"[#{ticket.number}] Ricevuto: Printer on fire"
    assert mail.get_body(("plain",)).get_content().strip() == f"Gentile Carol Customer, numero {ticket.number}."


def test_override_in_another_language_is_not_used(smtp, open_for_carol):
    override(language="it")

    ticket = open_for_carol()

    [mail] = smtp.to("carol@customer.test")
    assert mail["Subject"] == f"[#{ticket.number}] We received your request: Printer on fire"


def test_override_without_html_gets_an_escaped_html_part_from_its_text(smtp, carol, open_for_carol):
    carol.name = "Carol <b>Bold</b>"
    carol.language = "it"
    carol.save()
    override()

    open_for_carol()

    [mail] = smtp.to("carol@customer.test")
    assert "Gentile Carol &lt;b&gt;Bold&lt;/b&gt;" in mail.get_body(("html",)).get_content()


def test_inactive_override_is_ignored(smtp, open_for_carol):
    override(language="en", is_active=False)

    open_for_carol()

    [mail] = smtp.to("carol@customer.test")
    assert "We received your request" in mail["Subject"]


def test_broken_override_falls_back_to_the_default(smtp, open_for_carol):
    override(language="en", text="{% if %}")

    open_for_carol()

    [mail] = smtp.to("carol@customer.test")
    assert "We received your request" in mail["Subject"]


def test_override_reaches_only_plain_values(smtp, open_for_carol):
    override(language="en", text="[{{ ticket.requester.password }}][{{ recipient.delete }}]")

    open_for_carol()

    [mail] = smtp.to("carol@customer.test")
    assert mail.get_body(("plain",)).get_content().strip() == "[][]"


def test_admin_refuses_a_template_that_does_not_compile(client, admin_user):
    form = {
        "key": "reply",
        "language": "en",
        "is_active": "on",
        "subject": "Re",
        "text": "{% for x in y %}",
        "html": "",
    }

    response = signed_in(client, admin_user).post(reverse("admin:mail_mailtemplate_add"), form)

    assert response.status_code == 200
    assert "does not compile" in response.content.decode()
    assert not MailTemplate.objects.exists()


def test_admin_shows_a_preview_with_sample_values(client, admin_user):
    template = override(language="en")

    response = signed_in(client, admin_user).get(reverse("admin:mail_mailtemplate_change", args=[template.pk]))

    assert "Gentile Carol Customer, numero 123456." in response.content.decode()


def test_translated_values_follow_the_recipients_language_not_the_current_one(smtp, carol, open_for_carol):
    carol.language = "it"
    carol.save()
    override(text="{{ ticket.priority }}")

    with translation.override("en"):
        open_for_carol()

    [mail] = smtp.to("carol@customer.test")
    assert mail.get_body(("plain",)).get_content().strip() == "Normale"
