"""The reply box: public replies and internal notes, CC, files, status on send, signature, crossing messages."""

from __future__ import annotations

from django.core.files.uploadedfile import SimpleUploadedFile

from helpdesk.accounts.models import Notification, User
from tasks.models import Task
from tests.conftest import signed_in
from tickets import services
from tickets.models import Activity, State, Status, ThreadEntry, Ticket
from tickets.thread import latest_message_id


def reply_url(ticket: Ticket) -> str:
    return f"/scp/tickets/{ticket.number}/reply"


def send(client, ticket: Ticket, **fields):
    data = {
        "reply_type": "public",
        "body": "We are on it.",
        "append_signature": "on",
        "last_message_id": latest_message_id(ticket) or "",
        **fields,
    }
    return client.post(reply_url(ticket), data)


def entries(ticket: Ticket, kind: str) -> list[ThreadEntry]:
    return list(ThreadEntry.objects.filter(ticket=ticket, kind=kind))


# --- who may post -----------------------------------------------------------------------------


def test_anonymous_visitors_are_sent_to_sign_in(client, ticket):
    response = send(client, ticket)

    assert response.status_code == 302
    assert response.url.startswith("/scp/login")
    assert entries(ticket, "response") == []


def test_customers_get_403(client, carol, ticket):
    signed_in(client, carol)

    assert send(client, ticket).status_code == 403
    assert entries(ticket, "response") == []


def test_an_agent_of_another_department_gets_404(client, bob, ticket):
    signed_in(client, bob.user)

    assert send(client, ticket).status_code == 404
    assert entries(ticket, "response") == []


def test_an_agent_of_the_department_may_reply(client, alice, ticket):
    signed_in(client, alice.user)

    response = send(client, ticket)

    assert response.status_code == 302
    assert len(entries(ticket, "response")) == 1


def test_an_admin_may_reply_anywhere(client, admin_user, billing_ticket):
    signed_in(client, admin_user)

    assert send(client, billing_ticket).status_code == 302
    assert len(entries(billing_ticket, "response")) == 1


def test_replying_needs_post(client, alice, ticket):
    signed_in(client, alice.user)

    assert client.get(reply_url(ticket)).status_code == 405


def test_an_agent_whose_role_cannot_reply_is_refused_with_the_services_message(client, alice, agent_role, ticket):
    agent_role.can_reply = False
    agent_role.save()
    signed_in(client, alice.user)

    response = send(client, ticket, body="Let me try anyway.")

    assert response.status_code == 302
    assert entries(ticket, "response") == []
    page = client.get(response.url).text
    assert "You may not reply to tickets of this department." in page


# --- public replies and notes -----------------------------------------------------------------


def test_a_public_reply_posts_a_response_and_goes_back_to_it(client, alice, ticket):
    signed_in(client, alice.user)

    response = send(client, ticket, body="Unplug the printer.")

    [entry] = entries(ticket, "response")
    assert entry.body_text == "Unplug the printer."
    assert entry.author == alice.user
    assert response.url == f"/scp/tickets/{ticket.number}/#entry-{entry.pk}"
    ticket.refresh_from_db()
    assert ticket.is_answered
    assert ticket.activity == Activity.AWAITING_CUSTOMER
    assert "Reply sent." in client.get(response.url).text


def test_an_internal_note_posts_a_note_not_a_response(client, alice, ticket):
    signed_in(client, alice.user)

    response = send(client, ticket, reply_type="internal", body="Customer sounds upset.")

    [note] = entries(ticket, "note")
    assert note.body_text == "Customer sounds upset."
    assert entries(ticket, "response") == []
    ticket.refresh_from_db()
    assert not ticket.is_answered
    assert "Internal note posted." in client.get(response.url).text


def test_a_mention_in_a_note_notifies_that_agent(client, alice, support, agent_role, ticket):
    from tests.conftest import make_agent

    bea = make_agent("bea@example.com", "Bea Second", support, role=agent_role)
    signed_in(client, alice.user)

    send(client, ticket, reply_type="internal", body="@bea can you look?")

    assert Notification.objects.filter(recipient=bea.user, kind=Notification.Kind.MENTION).count() == 1


def test_an_empty_reply_is_refused_with_a_form_error(client, alice, ticket):
    signed_in(client, alice.user)

    response = send(client, ticket, body="   ")

    assert response.status_code == 400
    assert "Write a message or attach a file." in response.text
    assert entries(ticket, "response") == []


def test_an_unknown_reply_type_is_a_form_error(client, alice, ticket):
    signed_in(client, alice.user)

    response = send(client, ticket, reply_type="shout")

    assert response.status_code == 400
    assert entries(ticket, "response") == []


# --- status on send ---------------------------------------------------------------------------


def test_with_no_status_chosen_a_reply_awaits_the_customer(client, alice, ticket):
    # Status automation (AUTOMATION_AWAIT_CUSTOMER_ON_REPLY, on by default); tests/automation covers it off.
    signed_in(client, alice.user)

    send(client, ticket, status="")

    ticket.refresh_from_db()
    assert ticket.status.name == "Awaiting customer"


def test_a_reply_can_set_the_status(client, alice, ticket):
    awaiting = Status.objects.get(name="Awaiting customer")
    signed_in(client, alice.user)

    send(client, ticket, status=awaiting.pk)

    ticket.refresh_from_db()
    assert ticket.status == awaiting
    assert len(entries(ticket, "response")) == 1


def test_a_reply_can_close_the_ticket(client, alice, ticket):
    signed_in(client, alice.user)

    send(client, ticket, status=Status.default_for(State.CLOSED).pk, body="Fixed, closing.")

    ticket.refresh_from_db()
    assert ticket.is_closed


def test_a_note_can_set_the_status_too(client, alice, ticket):
    progress = Status.objects.get(name="In progress")
    signed_in(client, alice.user)

    send(client, ticket, reply_type="internal", body="Working on it.", status=progress.pk)

    ticket.refresh_from_db()
    assert ticket.status == progress
    assert len(entries(ticket, "note")) == 1


def test_a_refused_status_posts_nothing_and_keeps_the_draft(client, alice, ticket):
    Task.objects.create(title="Order toner", ticket=ticket, department=ticket.department)
    signed_in(client, alice.user)

    response = send(client, ticket, status=Status.default_for(State.CLOSED).pk, body="Closing this now.")

    assert response.status_code == 302
    assert entries(ticket, "response") == []
    ticket.refresh_from_db()
    assert not ticket.is_closed
    page = client.get(response.url).text
    assert "cannot be closed while it has open tasks" in page
    assert "Closing this now.</textarea>" in page


# --- signature --------------------------------------------------------------------------------


def test_the_signature_is_appended_to_public_replies(client, alice, ticket):
    alice.signature = "Alice\nSupport team"
    alice.save()
    signed_in(client, alice.user)

    send(client, ticket, body="On it.")

    [entry] = entries(ticket, "response")
    assert entry.body_text == "On it.\n\nAlice\nSupport team"


def test_the_signature_is_left_out_when_unticked(client, alice, ticket):
    alice.signature = "Alice"
    alice.save()
    signed_in(client, alice.user)

    send(client, ticket, body="On it.", append_signature="")

    [entry] = entries(ticket, "response")
    assert entry.body_text == "On it."


def test_notes_never_get_the_signature(client, alice, ticket):
    alice.signature = "Alice"
    alice.save()
    signed_in(client, alice.user)

    send(client, ticket, reply_type="internal", body="Internal only.")

    [note] = entries(ticket, "note")
    assert note.body_text == "Internal only."


def test_the_signature_box_shows_only_when_the_agent_has_one(client, alice, ticket):
    signed_in(client, alice.user)
    assert 'name="append_signature"' not in client.get(f"/scp/tickets/{ticket.number}/").text

    alice.signature = "Alice"
    alice.save()

    assert 'name="append_signature"' in client.get(f"/scp/tickets/{ticket.number}/").text


# --- attachments ------------------------------------------------------------------------------


def test_attachments_are_saved_with_the_reply(client, alice, ticket):
    signed_in(client, alice.user)
    files = [
        SimpleUploadedFile("log.txt", b"line 1", content_type="text/plain"),
        SimpleUploadedFile("shot.png", b"\x89PNG....", content_type="image/png"),
    ]

    send(client, ticket, attachments=files)

    [entry] = entries(ticket, "response")
    assert sorted(entry.attachments.values_list("name", "size", "content_type")) == [
        ("log.txt", 6, "text/plain"),
        ("shot.png", 8, "image/png"),
    ]


def test_a_reply_with_only_an_attachment_is_accepted(client, alice, ticket):
    signed_in(client, alice.user)

    send(client, ticket, body="", append_signature="", attachments=[SimpleUploadedFile("a.txt", b"a")])

    [entry] = entries(ticket, "response")
    assert entry.attachments.count() == 1


def test_an_oversized_attachment_is_refused_and_nothing_is_posted(client, alice, ticket, settings):
    settings.ATTACHMENT_MAX_BYTES = 2 * 1024 * 1024
    signed_in(client, alice.user)
    big = SimpleUploadedFile("huge.iso", b"x" * (2 * 1024 * 1024 + 1))

    response = send(client, ticket, body="Here is the image.", attachments=[SimpleUploadedFile("ok.txt", b"ok"), big])

    assert response.status_code == 400
    assert "huge.iso is larger than the 2 MB allowed" in response.text
    assert "Here is the image.</textarea>" in response.text
    assert entries(ticket, "response") == []
    assert not ticket.entries.filter(attachments__isnull=False).exists()


# --- CC ---------------------------------------------------------------------------------------


def test_cc_adds_known_people_and_creates_customers_for_new_addresses(client, alice, dave, ticket):
    signed_in(client, alice.user)

    send(client, ticket, cc="DAVE@stranger.test, newbie@example.org")

    newbie = User.objects.get(email="newbie@example.org")
    assert not newbie.is_staff
    assert not newbie.has_usable_password()
    assert set(ticket.collaborators.all()) == {dave, newbie}
    assert len(entries(ticket, "response")) == 1


def test_cc_skips_the_requester(client, alice, carol, ticket):
    signed_in(client, alice.user)

    response = send(client, ticket, cc="carol@customer.test")

    assert response.status_code == 302
    assert ticket.collaborators.count() == 0
    assert len(entries(ticket, "response")) == 1


def test_an_invalid_cc_address_is_a_form_error(client, alice, ticket):
    signed_in(client, alice.user)

    response = send(client, ticket, cc="dave@stranger.test, not-an-address")

    assert response.status_code == 400
    assert "not-an-address is not a valid e-mail address." in response.text
    assert entries(ticket, "response") == []
    assert ticket.collaborators.count() == 0


def test_a_refused_reply_creates_no_customer_for_its_cc(client, alice, agent_role, ticket):
    agent_role.can_edit = False
    agent_role.save()
    signed_in(client, alice.user)

    send(client, ticket, cc="newbie@example.org")

    assert not User.objects.filter(email="newbie@example.org").exists()
    assert entries(ticket, "response") == []


# --- crossing a new customer message ----------------------------------------------------------


def test_a_reply_crossing_a_new_customer_message_is_not_posted(client, alice, carol, ticket):
    signed_in(client, alice.user)
    seen = latest_message_id(ticket)
    services.post_message(ticket=ticket, author=carol, body="Actually it stopped smoking.")

    response = send(client, ticket, body="Call the fire brigade!", last_message_id=seen)

    assert response.status_code == 302
    assert entries(ticket, "response") == []
    page = client.get(response.url).text
    assert "A new customer message arrived while you were writing; review it and send again." in page
    assert "Call the fire brigade!</textarea>" in page
    assert "Actually it stopped smoking." in page


def test_the_kept_draft_can_be_sent_once_the_new_message_was_seen(client, alice, carol, ticket):
    signed_in(client, alice.user)
    seen = latest_message_id(ticket)
    newer = services.post_message(ticket=ticket, author=carol, body="Now it beeps.")
    send(client, ticket, body="Unplug it.", reply_type="internal", cc="dave@stranger.test", last_message_id=seen)

    page = client.get(f"/scp/tickets/{ticket.number}/").text

    assert f'name="last_message_id" value="{newer.pk}"' in page
    assert 'value="internal" autocomplete="off" checked' in page
    assert 'value="dave@stranger.test"' in page
    assert send(client, ticket, body="Unplug it.", last_message_id=newer.pk).status_code == 302
    assert len(entries(ticket, "response")) == 1


def test_a_draft_is_offered_only_once(client, alice, carol, ticket):
    signed_in(client, alice.user)
    seen = latest_message_id(ticket)
    services.post_message(ticket=ticket, author=carol, body="Another one.")
    send(client, ticket, body="Draft text here.", last_message_id=seen)

    assert "Draft text here.</textarea>" in client.get(f"/scp/tickets/{ticket.number}/").text
    assert "Draft text here.</textarea>" not in client.get(f"/scp/tickets/{ticket.number}/").text


def test_a_note_crossing_a_new_message_is_held_back_too(client, alice, carol, ticket):
    signed_in(client, alice.user)
    seen = latest_message_id(ticket)
    services.post_message(ticket=ticket, author=carol, body="Hello?")

    send(client, ticket, reply_type="internal", body="Waiting.", last_message_id=seen)

    assert entries(ticket, "note") == []


def test_a_reply_missing_the_seen_message_is_held_back(client, alice, ticket):
    signed_in(client, alice.user)

    send(client, ticket, last_message_id="")

    assert entries(ticket, "response") == []


def test_agent_replies_and_notes_in_between_do_not_count_as_crossing(client, alice, support, agent_role, ticket):
    from tests.conftest import make_agent

    bea = make_agent("bea@example.com", "Bea Second", support, role=agent_role)
    seen = latest_message_id(ticket)
    services.post_note(ticket=ticket, actor=bea.user, body="I'll leave it to Alice.")
    signed_in(client, alice.user)

    send(client, ticket, last_message_id=seen)

    assert len(entries(ticket, "response")) == 1
