"""The activity log: every TicketEvent as a sentence, on the ticket page's tab and on its own page."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone, translation

from helpdesk.accounts.models import Role, Team
from tests.conftest import make_agent, signed_in
from tickets.activity import activity_lines, describe
from tickets.models import HelpTopic, Priority, Status, Ticket, TicketEvent, TicketType
from tickets.services import (
    add_collaborator,
    assign,
    close,
    link_tickets,
    merge,
    open_ticket,
    post_message,
    post_note,
    post_reply,
    remove_collaborator,
    reopen,
    set_priority,
    set_published,
    set_requester,
    set_status,
    set_subject,
    set_type,
    transfer,
    unlink_tickets,
)

Kind = TicketEvent.Kind


def last(ticket: Ticket, kind: str) -> TicketEvent:
    event = TicketEvent.objects.select_related("actor").filter(ticket=ticket, kind=kind).order_by("at", "id").last()
    assert event is not None, f"no {kind} event"
    return event


def sentence(ticket: Ticket, kind: str) -> str:
    return describe(last(ticket, kind)).text


@pytest.fixture
def manager(support, billing):
    role = Role.objects.create(name="Manager", can_merge=True)
    return make_agent("max@example.com", "Max Manager", support, billing, role=role)


@pytest.fixture
def duplicate(dave, support):
    return open_ticket(requester=dave, subject="Printer smoke", body="Same printer", department=support)


# --- one sentence per kind --------------------------------------------------------------------


def test_created_names_who_opened_it_where_and_how(ticket):
    line = describe(last(ticket, Kind.CREATED))

    assert line.text == "Carol Customer opened the ticket in Support (source: Web)"
    assert line.names_actor


def test_message_response_and_note(ticket, carol, alice):
    post_message(ticket=ticket, author=carol, body="Still smoking.")
    post_reply(ticket=ticket, actor=alice.user, body="On our way.")
    post_note(ticket=ticket, actor=alice.user, body="Bring water.")

    assert sentence(ticket, Kind.MESSAGE) == "Carol Customer wrote a message"
    assert sentence(ticket, Kind.RESPONSE) == "Alice Agent replied to the customer"
    assert sentence(ticket, Kind.NOTE) == "Alice Agent added an internal note"


def test_assigned_to_an_agent_and_a_team(ticket, alice, admin_user):
    team = Team.objects.create(name="First line")
    assign(ticket=ticket, actor=admin_user, agent=alice, team=team)

    assert sentence(ticket, Kind.ASSIGNED) == "Ada Admin assigned the ticket to Alice Agent (team First line)"


def test_assigned_to_a_team_only(ticket, alice):
    assign(ticket=ticket, actor=alice.user, team=Team.objects.create(name="First line"))

    assert sentence(ticket, Kind.ASSIGNED) == "Alice Agent assigned the ticket to team First line"


def test_assigned_to_oneself_reads_as_taking_charge(ticket, alice):
    assign(ticket=ticket, actor=alice.user, agent=alice)

    assert sentence(ticket, Kind.ASSIGNED) == "Alice Agent took charge of the ticket"


def test_assignment_cleared(ticket, alice):
    assign(ticket=ticket, actor=alice.user, agent=alice)
    assign(ticket=ticket, actor=alice.user)

    assert sentence(ticket, Kind.ASSIGNED) == "Alice Agent unassigned the ticket"


def test_assigned_by_the_help_topic(carol, support, alice):
    topic = HelpTopic.objects.create(name="Printers", department=support, assignee=alice)
    ticket = open_ticket(requester=carol, subject="Jam", body="Paper jam", help_topic=topic)

    assert sentence(ticket, Kind.ASSIGNED) == "The help topic assigned the ticket to Alice Agent"


def test_transferred_with_and_without_unassigning(ticket, alice, manager, billing, support):
    transfer(ticket=ticket, actor=manager.user, department=billing)
    assert sentence(ticket, Kind.TRANSFERRED) == "Max Manager transferred the ticket from Support to Billing"

    transfer(ticket=ticket, actor=manager.user, department=support)
    assign(ticket=ticket, actor=manager.user, agent=alice)
    transfer(ticket=ticket, actor=manager.user, department=billing)
    assert sentence(ticket, Kind.TRANSFERRED) == (
        "Max Manager transferred the ticket from Support to Billing; "
        "Alice Agent, who has no access there, was unassigned"
    )


def test_status_change_names_the_statuses_and_leaves_the_actor_to_the_page(ticket, alice):
    set_status(ticket=ticket, actor=alice.user, status=Status.objects.get(name="In progress"))

    line = describe(last(ticket, Kind.STATUS))
    assert line.text == "Status changed from Open to In progress"
    assert not line.names_actor
    assert line.actor_name == "Alice Agent"


def test_closed_and_reopened(ticket, alice):
    close(ticket=ticket, actor=alice.user, status=Status.objects.get(name="Resolved"))
    reopen(ticket=ticket, actor=alice.user)

    assert sentence(ticket, Kind.CLOSED) == "Closed (status Resolved)"
    assert sentence(ticket, Kind.REOPENED) == "Reopened (status Open)"


def test_priority_shows_labels_not_numbers(ticket, alice):
    set_priority(ticket=ticket, actor=alice.user, priority=Priority.HIGH)

    assert sentence(ticket, Kind.PRIORITY) == "Priority changed from Normal to High"


def test_a_priority_no_longer_known_is_shown_as_stored(ticket, alice):
    event = TicketEvent.objects.create(
        ticket=ticket, actor=alice.user, kind=Kind.PRIORITY, data={"before": 2, "after": 9}
    )

    assert describe(event).text == "Priority changed from Normal to 9"


def test_type_shows_labels(ticket, alice):
    set_type(ticket=ticket, actor=alice.user, ticket_type=TicketType.INCIDENT)

    assert sentence(ticket, Kind.TYPE) == "Type changed from Request to Incident"


def test_merged_reads_from_both_sides(ticket, duplicate, manager):
    merge(ticket=duplicate, into=ticket, actor=manager.user)

    assert sentence(duplicate, Kind.MERGED) == f"Max Manager merged this ticket into #{ticket.number}"
    assert sentence(ticket, Kind.MERGED) == f"Max Manager merged #{duplicate.number} into this ticket"


def test_subject_change_quotes_both_subjects(ticket, alice):
    set_subject(ticket=ticket, actor=alice.user, subject="Printer smoking")

    assert sentence(ticket, Kind.TITLE) == "Subject changed from “Printer on fire” to “Printer smoking”"


def test_cc_added_and_removed(ticket, alice, dave):
    add_collaborator(ticket=ticket, actor=alice.user, user=dave)
    assert sentence(ticket, Kind.CC) == "Alice Agent added dave@stranger.test to CC"

    remove_collaborator(ticket=ticket, actor=alice.user, user=dave)
    assert sentence(ticket, Kind.CC) == "Alice Agent removed dave@stranger.test from CC"


def test_published_and_withdrawn(ticket, alice):
    set_published(ticket=ticket, actor=alice.user, published=True)
    assert sentence(ticket, Kind.PUBLISHED) == "Published in the public reports"

    set_published(ticket=ticket, actor=alice.user, published=False)
    assert sentence(ticket, Kind.PUBLISHED) == "Withdrawn from the public reports"


def test_overdue_gives_the_due_date(ticket):
    due = timezone.now().replace(year=2030, month=5, day=17, hour=14, minute=30)
    event = TicketEvent.objects.create(ticket=ticket, kind=Kind.OVERDUE, data={"due_at": str(due)})

    line = describe(event)
    assert line.text.startswith("Marked overdue (it was due ")
    assert "2030" in line.text
    assert not line.names_actor


def test_overdue_without_a_readable_date(ticket):
    event = TicketEvent.objects.create(ticket=ticket, kind=Kind.OVERDUE, data={"due_at": "None"})

    assert describe(event).text == "Marked overdue"


def test_linked_and_unlinked(ticket, duplicate, alice):
    link_tickets(ticket=ticket, other=duplicate, actor=alice.user)
    assert sentence(ticket, Kind.LINKED) == f"Alice Agent linked ticket #{duplicate.number} as related"

    unlink_tickets(ticket=ticket, other=duplicate, actor=alice.user)
    assert sentence(ticket, Kind.LINKED) == f"Alice Agent removed the link to ticket #{duplicate.number}"


def test_requester_change(ticket, alice, dave):
    set_requester(ticket=ticket, actor=alice.user, requester=dave)

    assert sentence(ticket, Kind.REQUESTER) == (
        "Alice Agent changed the requester from carol@customer.test to dave@stranger.test"
    )


def test_an_event_of_a_deleted_person_says_someone(ticket, alice, dave):
    add_collaborator(ticket=ticket, actor=alice.user, user=dave)
    alice.user.delete()

    assert sentence(ticket, Kind.CC) == "Someone added dave@stranger.test to CC"


def test_every_kind_has_a_sentence_and_an_icon(ticket):
    for kind in Kind.values:
        line = describe(TicketEvent(ticket=ticket, kind=kind, data={}))
        assert line.text
        assert line.icon != "bi-dot", kind


def test_an_unknown_kind_falls_back_to_its_stored_name(ticket):
    assert activity_lines([TicketEvent(ticket=ticket, kind="retired", data={})])[0].text == "retired"


# --- the standalone page and the partial ------------------------------------------------------


def test_activity_page_permission_matrix(client, ticket, carol, bob, alice):
    page = reverse("scp:ticket_activity", args=[ticket.number])

    assert client.get(page)["Location"].startswith(reverse("scp:login"))
    signed_in(client, carol)
    assert client.get(page).status_code == 403
    signed_in(client, bob.user)
    assert client.get(page).status_code == 404
    signed_in(client, alice.user)
    assert client.get(page).status_code == 200
    assert client.post(page).status_code == 405
    assert client.get(reverse("scp:ticket_activity", args=["999999999"])).status_code == 404


def test_activity_page_lists_the_events_in_order_with_who_did_what(client, ticket, alice):
    set_priority(ticket=ticket, actor=alice.user, priority=Priority.HIGH)
    assign(ticket=ticket, actor=alice.user, agent=alice)
    signed_in(client, alice.user)

    text = client.get(reverse("scp:ticket_activity", args=[ticket.number])).text

    opened = text.index("Carol Customer opened the ticket in Support (source: Web)")
    priority = text.index("Priority changed from Normal to High")
    claimed = text.index("Alice Agent took charge of the ticket")
    assert opened < priority < claimed
    assert "by Alice Agent" in text[priority:claimed]
    assert "Printer on fire" in text
    assert 'style="' not in text
    assert "<script>" not in text


def test_htmx_gets_the_list_alone(client, ticket, alice):
    signed_in(client, alice.user)

    response = client.get(reverse("scp:ticket_activity", args=[ticket.number]), headers={"HX-Request": "true"})

    assert "<html" not in response.text
    assert 'id="ticket-activity"' in response.text


def test_activity_page_runs_a_fixed_number_of_queries(client, ticket, alice):
    signed_in(client, alice.user)
    page = reverse("scp:ticket_activity", args=[ticket.number])

    def count() -> int:
        with CaptureQueriesContext(connection) as queries:
            assert client.get(page).status_code == 200
        return len(queries)

    for priority in [3, 4, 2]:
        set_priority(ticket=ticket, actor=alice.user, priority=priority)
    count()  # warm: the session is saved on the first request
    few = count()
    for index in range(27):
        set_subject(ticket=ticket, actor=alice.user, subject=f"Subject {index}")

    assert count() == few


def test_sentences_use_the_active_language_for_choice_labels(ticket, alice):
    set_priority(ticket=ticket, actor=alice.user, priority=Priority.HIGH)
    event = last(ticket, Kind.PRIORITY)

    with translation.override("it"):
        text = describe(event).text

    assert "Normale" in text
    assert "Alta" in text
