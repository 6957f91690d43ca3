"""The Tasks section of /scp: queues, the task page, new tasks and actions, with their permission matrix."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from helpdesk.accounts.models import Role
from tasks.models import Task, TaskEvent
from tasks.services import add_task_note, complete_task, create_task
from tests.conftest import make_agent, signed_in
from tickets.services import NewAttachment


def task_url(task: Task, action: str = "") -> str:
    return f"/scp/tasks/{task.pk}/{action}"


# --- who may open a task page ---------------------------------------------------------------


def test_anonymous_visitors_are_sent_to_sign_in(client, printer_task):
    response = client.get(task_url(printer_task))

    assert response.status_code == 302
    assert response.url.startswith("/scp/login")


def test_customers_get_403(client, carol, printer_task):
    signed_in(client, carol)

    assert client.get(task_url(printer_task)).status_code == 403


def test_an_agent_of_another_department_gets_404(client, bob, printer_task):
    signed_in(client, bob.user)

    assert client.get(task_url(printer_task)).status_code == 404


def test_an_agent_of_the_department_sees_the_task(client, alice, printer_task):
    signed_in(client, alice.user)

    response = client.get(task_url(printer_task))

    assert response.status_code == 200
    assert "Replace the fuser" in response.content.decode()


def test_an_admin_sees_every_task(client, admin_user, printer_task):
    signed_in(client, admin_user)

    assert client.get(task_url(printer_task)).status_code == 200


def test_a_member_of_the_assigned_team_sees_the_task(client, alice, bob, printer_task, field_team):
    printer_task.team = field_team
    printer_task.save()
    signed_in(client, bob.user)

    assert client.get(task_url(printer_task)).status_code == 200


# --- metadata only for an assignee without access to the ticket's department ---------------


@pytest.fixture
def bobs_task(alice, ticket, bob) -> Task:
    return create_task(actor=alice.user, ticket=ticket, title="Check the invoice", assignee=bob)


def test_an_assignee_without_department_access_sees_the_tickets_metadata(client, bob, ticket, bobs_task):
    signed_in(client, bob.user)

    page = client.get(task_url(bobs_task)).content.decode()

    for fact in (ticket.number, "Printer on fire", "Open", "Support", "Carol Customer"):
        assert fact in page
    assert "Check the invoice" in page


def test_an_assignee_without_department_access_never_sees_the_thread(client, bob, ticket, bobs_task):
    signed_in(client, bob.user)

    page = client.get(task_url(bobs_task)).content.decode()

    assert "It smokes." not in page
    assert f'href="/scp/tickets/{ticket.number}/"' not in page
    assert "carol@customer.test" not in page


def test_the_ticket_page_still_404s_for_that_assignee(client, bob, ticket, bobs_task):
    signed_in(client, bob.user)

    assert client.get(f"/scp/tickets/{ticket.number}/").status_code == 404


def test_an_agent_of_the_department_gets_a_link_to_the_ticket(client, alice, ticket, printer_task):
    signed_in(client, alice.user)

    assert f'href="/scp/tickets/{ticket.number}/"' in client.get(task_url(printer_task)).content.decode()


def test_the_assignee_may_complete_the_task_without_department_access(client, bob, bobs_task):
    signed_in(client, bob.user)

    client.post(task_url(bobs_task, "complete"))

    bobs_task.refresh_from_db()
    assert not bobs_task.is_open


# --- the task page ---------------------------------------------------------------------------


def test_the_page_shows_notes_files_and_activity(client, alice, printer_task):
    add_task_note(
        task=printer_task,
        actor=alice.user,
        body="Ordered <b>part</b> 42",
        attachments=[NewAttachment(name="quote.pdf", content=b"%PDF-1.4", content_type="application/pdf")],
    )
    signed_in(client, alice.user)

    page = client.get(task_url(printer_task)).content.decode()

    assert "Ordered &lt;b&gt;part&lt;/b&gt; 42" in page
    assert "quote.pdf" in page
    assert "Created" in page and "Note" in page


def test_the_page_takes_a_fixed_number_of_queries(client, alice, printer_task, django_assert_max_num_queries):
    for number in range(5):
        add_task_note(
            task=printer_task,
            actor=alice.user,
            body=f"Note {number}",
            attachments=[NewAttachment(name=f"f{number}.txt", content=b"x")],
        )
    signed_in(client, alice.user)

    with django_assert_max_num_queries(22):
        response = client.get(task_url(printer_task))

    assert response.content.decode().count("f4.txt") == 1


def test_a_note_file_downloads_for_who_sees_the_task(client, alice, printer_task):
    note = add_task_note(
        task=printer_task, actor=alice.user, body="See file", attachments=[NewAttachment(name="a.txt", content=b"hi")]
    )
    file = note.attachments.get()
    signed_in(client, alice.user)

    response = client.get(task_url(printer_task, f"attachments/{file.pk}"))

    assert response.status_code == 200
    assert b"".join(response.streaming_content) == b"hi"
    assert response["Content-Disposition"].startswith("attachment")


def test_a_note_file_is_404_for_an_agent_who_cannot_see_the_task(client, alice, bob, printer_task):
    note = add_task_note(
        task=printer_task, actor=alice.user, body="See file", attachments=[NewAttachment(name="a.txt", content=b"hi")]
    )
    signed_in(client, bob.user)

    assert client.get(task_url(printer_task, f"attachments/{note.attachments.get().pk}")).status_code == 404


def test_a_file_of_another_task_is_404_through_this_one(client, alice, ticket, printer_task):
    other = create_task(actor=alice.user, ticket=ticket, title="Other")
    note = add_task_note(
        task=other, actor=alice.user, body="x", attachments=[NewAttachment(name="a.txt", content=b"hi")]
    )
    signed_in(client, alice.user)

    assert client.get(task_url(printer_task, f"attachments/{note.attachments.get().pk}")).status_code == 404


# --- actions ---------------------------------------------------------------------------------


def test_posting_a_note_with_a_file(client, alice, printer_task, tmp_path):
    signed_in(client, alice.user)
    upload = tmp_path / "log.txt"
    upload.write_bytes(b"log line")

    with upload.open("rb") as handle:
        client.post(task_url(printer_task, "note"), {"body": "Attached the log", "attachments": handle})

    note = printer_task.notes.get()
    assert note.body_text == "Attached the log"
    assert note.attachments.get().name == "log.txt"


def test_completing_and_reopening_from_the_page(client, alice, printer_task):
    signed_in(client, alice.user)

    client.post(task_url(printer_task, "complete"))
    printer_task.refresh_from_db()
    assert not printer_task.is_open

    client.post(task_url(printer_task, "reopen"))
    printer_task.refresh_from_db()
    assert printer_task.is_open


def test_actions_only_answer_post(client, alice, printer_task):
    signed_in(client, alice.user)

    for action in ("complete", "reopen", "note", "assign", "edit"):
        assert client.get(task_url(printer_task, action)).status_code == 405


def test_assigning_to_a_team(client, alice, printer_task, field_team):
    signed_in(client, alice.user)

    client.post(task_url(printer_task, "assign"), {"assignee": "", "team": field_team.pk})

    printer_task.refresh_from_db()
    assert (printer_task.assignee, printer_task.team) == (None, field_team)


def test_editing_title_and_due_date_is_logged(client, alice, printer_task):
    signed_in(client, alice.user)

    client.post(
        task_url(printer_task, "edit"), {"title": "Replace the fuser unit", "body": "", "due_at": "2030-01-02T10:30"}
    )

    printer_task.refresh_from_db()
    assert printer_task.title == "Replace the fuser unit"
    assert printer_task.due_at is not None and printer_task.due_at.year == 2030
    event = printer_task.events.get(kind=TaskEvent.Kind.EDITED)
    assert event.data["before"]["title"] == "Replace the fuser"


def test_an_agent_without_the_manage_tasks_role_cannot_edit(client, support, printer_task):
    cleo = make_agent(
        "cleo@example.com", "Cleo", support, role=Role.objects.create(name="Read", can_manage_tasks=False)
    )
    signed_in(client, cleo.user)

    response = client.post(task_url(printer_task, "edit"), {"title": "Hacked"}, follow=True)

    printer_task.refresh_from_db()
    assert printer_task.title == "Replace the fuser"
    assert "may not manage tasks" in response.content.decode()


def test_a_bad_due_date_is_refused_with_a_message(client, alice, printer_task):
    signed_in(client, alice.user)

    response = client.post(task_url(printer_task, "edit"), {"title": "x", "due_at": "soon"}, follow=True)

    assert "Enter a valid date/time." in response.content.decode()


# --- new tasks -------------------------------------------------------------------------------


def test_creating_a_task_from_a_ticket(client, alice, ticket):
    signed_in(client, alice.user)

    response = client.post(
        f"/scp/tasks/new/?ticket={ticket.number}",
        {"title": "Order toner", "body": "Two cartridges", "department": ticket.department_id, "assignee": alice.pk},
    )

    task = Task.objects.get()
    assert response.url == f"/scp/tasks/{task.pk}/"
    assert (task.ticket, task.assignee) == (ticket, alice)


def test_a_ticket_may_have_several_tasks(client, alice, ticket):
    signed_in(client, alice.user)

    for title in ("One", "Two"):
        client.post(f"/scp/tasks/new/?ticket={ticket.number}", {"title": title, "department": ticket.department_id})

    assert ticket.tasks.count() == 2


def test_creating_a_task_on_its_own(client, alice, support):
    signed_in(client, alice.user)

    client.post("/scp/tasks/new/", {"title": "Tidy the shelf", "department": support.pk})

    assert Task.objects.get().ticket is None


def test_a_new_task_for_an_invisible_ticket_is_404(client, bob, ticket):
    signed_in(client, bob.user)

    assert client.get(f"/scp/tasks/new/?ticket={ticket.number}").status_code == 404


def test_the_department_list_offers_only_departments_where_one_manages_tasks(client, alice, billing):
    signed_in(client, alice.user)

    response = client.post("/scp/tasks/new/", {"title": "x", "department": billing.pk})

    assert response.status_code == 400
    assert not Task.objects.exists()


def test_a_closed_ticket_gets_no_new_task(client, alice, ticket):
    from tickets.services import close

    close(ticket=ticket, actor=alice.user)
    signed_in(client, alice.user)

    response = client.post(
        f"/scp/tasks/new/?ticket={ticket.number}", {"title": "x", "department": ticket.department_id}
    )

    assert response.status_code == 400
    assert "reopen it" in response.content.decode()


# --- queues ------------------------------------------------------------------------------------


@pytest.fixture
def assorted(alice, bob, support, billing, ticket, field_team, admin_user):
    now = timezone.now()
    late = create_task(actor=alice.user, title="Late", department=support, due_at=now - timedelta(days=1))
    mine = create_task(actor=alice.user, title="Mine", department=support, assignee=alice)
    teams = create_task(actor=admin_user, title="Team work", department=billing, team=field_team)
    done = create_task(actor=alice.user, title="Done", department=support)
    complete_task(task=done, actor=alice.user)
    hidden = create_task(actor=admin_user, title="Billing only", department=billing)
    return {"late": late, "mine": mine, "teams": teams, "done": done, "hidden": hidden}


def titles(response) -> set[str]:
    return {task.title for task in response.context["page"].object_list}


@pytest.mark.parametrize(
    ("path", "expected"),
    [
        ("/scp/tasks/", {"Late", "Mine"}),
        ("/scp/tasks/queues/mine/", {"Mine"}),
        ("/scp/tasks/queues/overdue/", {"Late"}),
        ("/scp/tasks/queues/completed/", {"Done"}),
        ("/scp/tasks/queues/teams/", set()),
    ],
)
def test_alices_queues(client, alice, assorted, path, expected):
    signed_in(client, alice.user)

    assert titles(client.get(path)) == expected


def test_bob_sees_his_teams_task_and_its_department(client, bob, assorted):
    signed_in(client, bob.user)

    assert titles(client.get("/scp/tasks/queues/teams/")) == {"Team work"}
    assert titles(client.get("/scp/tasks/")) == {"Team work", "Billing only"}


def test_an_unknown_queue_is_404(client, alice):
    signed_in(client, alice.user)

    assert client.get("/scp/tasks/queues/nope/").status_code == 404


def test_the_queue_counts_are_shown(client, alice, assorted):
    signed_in(client, alice.user)

    menu = dict((queue.slug, count) for queue, count in client.get("/scp/tasks/").context["menu"])

    assert menu == {"open": 2, "mine": 1, "teams": 0, "overdue": 1, "completed": 1}


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("q=late", {"Late"}),
        ("ticket=with", set()),
        ("ticket=without", {"Late", "Mine"}),
        ("sort=title", {"Late", "Mine"}),
    ],
)
def test_filters(client, alice, assorted, query, expected):
    signed_in(client, alice.user)

    assert titles(client.get(f"/scp/tasks/?{query}")) == expected


def test_filter_by_assignee(client, alice, assorted):
    signed_in(client, alice.user)

    assert titles(client.get(f"/scp/tasks/?assignee={alice.pk}")) == {"Mine"}


def test_the_queue_takes_the_same_number_of_queries_for_many_tasks(
    client, alice, support, ticket, django_assert_num_queries
):
    signed_in(client, alice.user)
    create_task(actor=alice.user, title="first", ticket=ticket, assignee=alice)
    with CaptureQueriesContext(connection) as few:
        client.get("/scp/tasks/")
    for number in range(20):
        create_task(actor=alice.user, title=f"t{number}", ticket=ticket, assignee=alice)

    with django_assert_num_queries(len(few.captured_queries)):
        response = client.get("/scp/tasks/")

    assert len(response.context["page"].object_list) == 21


def test_the_queue_is_paged(client, alice, support):
    alice.page_size = 5
    alice.save()
    for number in range(7):
        create_task(actor=alice.user, title=f"t{number}", department=support)
    signed_in(client, alice.user)

    response = client.get("/scp/tasks/?page=2")

    assert len(response.context["page"].object_list) == 2


def test_the_new_task_button_shows_only_to_who_may_create_one(client, alice, bob, support):
    bob.access.update(role=Role.objects.create(name="Readers", can_manage_tasks=False))

    signed_in(client, alice.user)
    assert 'href="/scp/tasks/new/"' in client.get("/scp/tasks/").content.decode()
    signed_in(client, bob.user)
    assert 'href="/scp/tasks/new/"' not in client.get("/scp/tasks/").content.decode()
