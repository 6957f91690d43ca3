"""POST /api/tickets.json with osTicket's own documented bodies."""

import base64
import json

import pytest

from helpdesk.accounts.models import User
from tests.api.conftest import make_key, osticket_post
from tickets.models import HelpTopic, Priority, Source, ThreadEntry, Ticket

# osTicket's documented example (setup/doc/api/tickets.md), with a real GIF and without its trailing comma.
GIF = base64.b64encode(b"GIF87a\x01\x00\x01\x00\x80\x00\x00\x00\x00\x00\xff\xff\xff,\x00\x00\x00\x00").decode()
DOCUMENTED = {
    "alert": True,
    "autorespond": True,
    "source": "API",
    "name": "Angry User",
    "email": "api@osticket.com",
    "phone": "3185558634X123",
    "subject": "Testing API",
    "ip": "123.211.233.122",
    "message": "MESSAGE HERE",
    "attachments": [
        {"file.txt": "data:text/plain;charset=utf-8,content"},
        {"image.png": f"data:image/png;base64,{GIF}"},
    ],
}


def post_json(client, body, key, path="/api/tickets.json", **extra):
    raw = body if isinstance(body, str | bytes) else json.dumps(body)
    return osticket_post(client, path, raw, key=key, **extra)


def test_documented_json_body_creates_a_ticket_and_answers_201_with_the_bare_number(client, api_key):
    response = post_json(client, DOCUMENTED, api_key)

    assert response.status_code == 201
    assert response["Content-Type"].startswith("text/plain")
    ticket = Ticket.objects.get()
    assert response.content.decode() == ticket.number
    assert ticket.subject == "Testing API"
    assert ticket.source == Source.API
    assert ticket.requester.email == "api@osticket.com"
    assert ticket.requester.name == "Angry User"
    assert ticket.requester.phone == "3185558634X123"
    assert ticket.custom_fields == {"ip": "123.211.233.122"}


def test_documented_attachments_are_stored_on_the_first_message(client, api_key):
    post_json(client, DOCUMENTED, api_key)

    entry = ThreadEntry.objects.get()
    files = {a.name: (a.content_type, a.file.read()) for a in entry.attachments.all()}
    assert files["file.txt"] == ("text/plain", b"content")
    assert files["image.png"] == ("image/png", base64.b64decode(GIF))


def test_the_osticket_http_php_path_answers_the_same(client, api_key):
    response = post_json(client, DOCUMENTED, api_key, path="/api/http.php/tickets.json")

    assert response.status_code == 201
    assert Ticket.objects.filter(number=response.content.decode()).exists()


def test_an_existing_customer_is_found_by_email_whatever_the_case(client, api_key, carol):
    post_json(client, {**DOCUMENTED, "email": "CAROL@Customer.test", "attachments": []}, api_key)

    assert Ticket.objects.get().requester == carol
    assert User.objects.filter(email__iexact="carol@customer.test").count() == 1


def test_a_new_customer_has_no_usable_password(client, api_key):
    post_json(client, DOCUMENTED, api_key)

    assert not User.objects.get(email="api@osticket.com").has_usable_password()


def test_html_message_as_data_url_is_sanitised_html(client, api_key):
    message = "data:text/html;charset=utf-8,<p>Hi <b>there</b><script>alert(1)</script></p>"
    post_json(client, {**DOCUMENTED, "message": message, "attachments": []}, api_key)

    entry = ThreadEntry.objects.get()
    assert "<b>there</b>" in entry.body
    assert "script" not in entry.body


def test_base64_plain_text_message_is_decoded(client, api_key):
    message = "data:text/plain;base64," + base64.b64encode("Caffè, per favore".encode()).decode()
    post_json(client, {**DOCUMENTED, "message": message, "attachments": []}, api_key)

    assert ThreadEntry.objects.get().body_text == "Caffè, per favore"


def test_topic_id_routes_and_priority_id_sets_the_priority(client, api_key, billing):
    invoices = HelpTopic.objects.create(name="Invoices", department=billing)
    post_json(client, {**DOCUMENTED, "topicId": invoices.pk, "priorityId": 4, "attachments": []}, api_key)

    ticket = Ticket.objects.get()
    assert ticket.department == billing
    assert ticket.help_topic == invoices
    assert ticket.priority == Priority.URGENT


def test_priority_is_accepted_as_osticket_older_clients_send_it(client, api_key):
    post_json(client, {**DOCUMENTED, "priority": "1", "attachments": []}, api_key)

    assert Ticket.objects.get().priority == Priority.LOW


def test_source_phone_is_kept_and_unknown_sources_become_api(client, api_key):
    post_json(client, {**DOCUMENTED, "source": "Phone", "attachments": []}, api_key)
    post_json(client, {**DOCUMENTED, "source": "Carrier pigeon", "attachments": []}, api_key)

    assert sorted(Ticket.objects.values_list("source", flat=True)) == [Source.API, Source.PHONE]


def test_notes_become_an_internal_note(client, api_key):
    post_json(client, {**DOCUMENTED, "notes": "Called from the kiosk", "attachments": []}, api_key)

    note = ThreadEntry.objects.get(kind=ThreadEntry.Kind.NOTE)
    assert note.body_text == "Called from the kiosk"
    assert note.author is None
    assert note.author_name == "API (Web form)"


def test_extra_keys_are_kept_as_custom_fields(client, api_key):
    post_json(client, {**DOCUMENTED, "order_number": "A-17", "attachments": []}, api_key)

    assert Ticket.objects.get().custom_fields["order_number"] == "A-17"


@pytest.mark.parametrize(("autorespond", "acknowledged"), [(True, True), (False, False)])
def test_autorespond_decides_whether_the_customer_gets_an_acknowledgement(
    client, api_key, mailoutbox, django_capture_on_commit_callbacks, autorespond, acknowledged
):
    with django_capture_on_commit_callbacks(execute=True):
        post_json(client, {**DOCUMENTED, "autorespond": autorespond, "attachments": []}, api_key)

    assert any("api@osticket.com" in address for m in mailoutbox for address in m.to) is acknowledged


@pytest.mark.parametrize(("alert", "alerted"), [(True, True), (False, False)])
def test_alert_decides_whether_the_department_agents_are_told(
    client, api_key, alice, mailoutbox, django_capture_on_commit_callbacks, alert, alerted
):
    with django_capture_on_commit_callbacks(execute=True):
        post_json(client, {**DOCUMENTED, "alert": alert, "attachments": []}, api_key)

    assert any(alice.user.email in address for m in mailoutbox for address in m.to) is alerted


def test_a_topic_id_that_does_not_exist_is_a_validation_error(client, api_key):
    response = post_json(client, {**DOCUMENTED, "topicId": 999}, api_key)

    assert response.status_code == 400
    assert response.content.decode().startswith("Unable to create new ticket: validation errors:")
    assert not Ticket.objects.exists()


def test_no_topic_id_and_no_default_topic_on_the_key_is_a_validation_error(client, db):
    _, secret = make_key()
    response = post_json(client, DOCUMENTED, secret)

    assert response.status_code == 400
    assert "topicId" in response.content.decode()


@pytest.mark.parametrize("field", ["name", "email", "subject", "message"])
def test_a_missing_required_field_is_refused_and_creates_nothing(client, api_key, field):
    body = {key: value for key, value in DOCUMENTED.items() if key != field}
    response = post_json(client, body, api_key)

    assert response.status_code == 400
    assert f"{field}: This field is required" in response.content.decode()
    assert not Ticket.objects.exists()
    assert not User.objects.exists()


def test_an_invalid_email_is_refused(client, api_key):
    response = post_json(client, {**DOCUMENTED, "email": "not-an-address"}, api_key)

    assert response.status_code == 400
    assert "email: Valid email address required" in response.content.decode()


@pytest.mark.parametrize("value", ["two", "-1", "²", "99999999999999999999"])
def test_a_topic_id_that_is_not_a_small_number_is_a_validation_error(client, api_key, value):
    response = post_json(client, {**DOCUMENTED, "topicId": value}, api_key)

    assert response.status_code == 400
    assert "topicId: Invalid data type" in response.content.decode()
    assert not Ticket.objects.exists()


def test_an_unknown_priority_is_a_validation_error(client, api_key):
    response = post_json(client, {**DOCUMENTED, "priorityId": 9}, api_key)

    assert response.status_code == 400
    assert "priorityId: Unknown priority" in response.content.decode()
