"""Task services added with the Tasks section: editing, teams, closed tickets, notes with only files."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from tasks.models import TaskEvent
from tasks.services import TaskError, add_task_note, assign_task, create_task, update_task
from tickets.services import NewAttachment, NotAllowed, close


def test_an_edit_logs_only_the_changed_fields(alice, printer_task):
    due = timezone.now() + timedelta(days=2)

    update_task(task=printer_task, actor=alice.user, title="Replace the fuser", body="", due_at=due)

    event = printer_task.events.get(kind=TaskEvent.Kind.EDITED)
    assert event.data == {"before": {"due_at": None}, "after": {"due_at": due.isoformat()}}


def test_an_edit_that_changes_nothing_writes_no_event(alice, printer_task):
    update_task(task=printer_task, actor=alice.user, title=" Replace the fuser ", body="", due_at=None)

    assert not printer_task.events.filter(kind=TaskEvent.Kind.EDITED).exists()


def test_the_description_is_stored_as_escaped_html(alice, printer_task):
    task = update_task(task=printer_task, actor=alice.user, title="x", body="<b>bold</b>", due_at=None)

    assert task.body == "<p>&lt;b&gt;bold&lt;/b&gt;</p>"


def test_an_empty_title_is_refused_on_edit(alice, printer_task):
    with pytest.raises(TaskError):
        update_task(task=printer_task, actor=alice.user, title="  ", body="", due_at=None)


def test_the_assignee_without_a_manager_role_cannot_edit(bob, alice, printer_task):
    assign_task(task=printer_task, actor=alice.user, assignee=bob)

    with pytest.raises(NotAllowed):
        update_task(task=printer_task, actor=bob.user, title="Mine", body="", due_at=None)


def test_an_inactive_team_is_refused(alice, printer_task, field_team):
    field_team.is_active = False
    field_team.save()

    with pytest.raises(TaskError, match="not active"):
        assign_task(task=printer_task, actor=alice.user, team=field_team)


def test_a_closed_ticket_gets_no_new_task(alice, ticket):
    close(ticket=ticket, actor=alice.user)

    with pytest.raises(TaskError, match="closed"):
        create_task(actor=alice.user, ticket=ticket, title="Too late")


def test_a_note_may_be_only_a_file(alice, printer_task):
    note = add_task_note(
        task=printer_task, actor=alice.user, body="", attachments=[NewAttachment(name="photo.png", content=b"png")]
    )

    assert note.attachments.get().name == "photo.png"
