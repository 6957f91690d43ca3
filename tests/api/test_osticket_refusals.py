"""Malformed bodies, bad attachments, limits and unsupported URLs: plain-text answers, nothing half created."""

import base64
import json

import pytest

from helpdesk.accounts.models import User
from tests.api.conftest import osticket_post
from tickets.models import Attachment, ThreadEntry, Ticket

GOOD = {"name": "Ann", "email": "ann@example.net", "subject": "Hello", "message": "Hi"}


def post(client, key, body, path="/api/tickets.json"):
    return osticket_post(client, path, body if isinstance(body, str | bytes) else json.dumps(body), key=key)


def assert_nothing_created():
    assert not Ticket.objects.exists()
    assert not User.objects.exists()
    assert not Attachment.objects.exists()


def test_malformed_json_gets_osticket_syntax_error(client, api_key):
    response = post(client, api_key, '{"name": "Ann",')

    assert response.status_code == 400
    assert response.content == b"Syntax error, malformed JSON"
    assert_nothing_created()


def test_a_json_array_is_refused(client, api_key):
    response = post(client, api_key, "[1, 2]")

    assert response.status_code == 400
    assert_nothing_created()


def test_json_that_is_not_utf8_is_refused(client, api_key):
    response = post(client, api_key, b'{"name": "\xff"}')

    assert response.status_code == 400
    assert response.content == b"Malformed UTF-8 characters, possibly incorrectly encoded"


def test_malformed_base64_in_the_message_gets_400_and_creates_nothing(client, api_key):
    response = post(client, api_key, {**GOOD, "message": "data:text/plain;base64,@@not base64@@"})

    assert response.status_code == 400
    assert response.content == b"message: Poorly encoded base64 data"
    assert_nothing_created()


def test_malformed_base64_in_an_attachment_gets_400_and_creates_nothing(client, api_key):
    files = [{"ok.txt": "data:text/plain,fine"}, {"bad.png": "data:image/png;base64,iVBOR=w0K!"}]
    response = post(client, api_key, {**GOOD, "attachments": files})

    assert response.status_code == 400
    assert response.content == b"bad.png: Poorly encoded base64 data"
    assert_nothing_created()


def test_a_file_over_the_size_limit_is_dropped_with_a_note_and_the_ticket_is_created(client, api_key, settings):
    settings.ATTACHMENT_MAX_BYTES = 10
    big = base64.b64encode(b"x" * 11).decode()
    files = [{"big.bin": f"data:application/octet-stream;base64,{big}"}, {"small.txt": "data:text/plain,small"}]
    response = post(client, api_key, {**GOOD, "attachments": files})

    assert response.status_code == 201
    message = ThreadEntry.objects.get(kind=ThreadEntry.Kind.MESSAGE)
    assert [a.name for a in message.attachments.all()] == ["small.txt"]
    note = ThreadEntry.objects.get(kind=ThreadEntry.Kind.NOTE)
    assert "big.bin: larger than the 10 bytes allowed" in note.body_text


def test_files_past_the_count_limit_are_dropped_with_a_note(client, api_key, settings):
    settings.API_MAX_ATTACHMENTS = 1
    files = [{"one.txt": "data:text/plain,1"}, {"two.txt": "data:text/plain,2"}]
    post(client, api_key, {**GOOD, "attachments": files})

    assert list(Attachment.objects.values_list("name", flat=True)) == ["one.txt"]
    assert "two.txt: more than the 1 files allowed" in ThreadEntry.objects.get(kind="note").body_text


def test_an_attachment_that_is_not_a_data_url_is_dropped_with_a_note(client, api_key):
    response = post(client, api_key, {**GOOD, "attachments": [{"x.txt": "https://example.com/x.txt"}]})

    assert response.status_code == 201
    assert not Attachment.objects.exists()
    assert "x.txt: not a data: URL" in ThreadEntry.objects.get(kind="note").body_text


def test_a_file_name_cannot_carry_a_path(client, api_key):
    post(client, api_key, {**GOOD, "attachments": [{"../../etc/passwd": "data:text/plain,x"}]})

    assert Attachment.objects.get().name == "passwd"


def test_a_body_over_the_request_limit_gets_413(client, api_key, settings):
    settings.API_MAX_REQUEST_BYTES = 1024
    response = post(client, api_key, {**GOOD, "message": "x" * 2000})

    assert response.status_code == 413
    assert_nothing_created()


@pytest.mark.parametrize("path", ["/api/tickets.php", "/api/users.json", "/api/", "/api/http.php/tasks/cron"])
def test_any_other_path_under_api_gets_400_url_not_supported(client, path):
    response = client.post(path, "{}", content_type="application/json")

    assert response.status_code == 400
    assert response.content == b"URL not supported"


def test_get_on_the_ticket_endpoint_gets_400_url_not_supported(client, api_key):
    response = client.get("/api/tickets.json", HTTP_X_API_KEY=api_key, REMOTE_ADDR="192.0.2.10")

    assert response.status_code == 400
    assert response.content == b"URL not supported"


def test_the_key_is_checked_before_the_body_is_read(client, db):
    response = osticket_post(client, "/api/tickets.json", "{broken", key="nope")

    assert response.status_code == 401


def test_json_nested_too_deeply_is_refused(client, api_key):
    response = post(client, api_key, '{"a": ' + "[" * 100_000 + "]" * 100_000 + "}")

    assert response.status_code == 400
    assert response.content == b"Maximum stack depth exceeded"
