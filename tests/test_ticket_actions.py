"""Actions on one ticket from the staff panel: each a POST that calls one service and goes back to the ticket."""

from __future__ import annotations

import re

import pytest
from django.contrib.messages import get_messages
from django.db import connection
from django.template.loader import render_to_string
from django.test import RequestFactory
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import translation

from helpdesk.accounts.models import Role, Team, User
from tasks.services import create_task
from tests.conftest import make_agent, signed_in
from tickets.models import Priority, State, Status, Ticket, TicketEvent, TicketType
from tickets.services import add_collaborator, assign, link_tickets, open_ticket, post_note, post_reply
from tickets.ticket_context import action_context, ticket_for_page

Kind = TicketEvent.Kind

# Every POST action of the panel, with a body that passes its form (the matrix never gets that far).
ACTIONS = {
    "ticket_assign": {},
    "ticket_claim": {},
    "ticket_transfer": {"department": "1"},
    "ticket_status": {"status": "1"},
    "ticket_priority": {"priority": "3"},
    "ticket_type": {"type": "problem"},
    "ticket_subject": {"subject": "New subject"},
    "ticket_requester": {"email": "new@customer.test"},
    "ticket_cc_add": {"email": "new@customer.test"},
    "ticket_cc_remove": {"user": "1"},
    "ticket_merge": {"number": "123456", "confirm": "on"},
    "ticket_link": {"number": "123456"},
    "ticket_unlink": {"number": "123456"},
}


def url(name: str, ticket: Ticket | str) -> str:
    return reverse(f"scp:{name}", args=[ticket if isinstance(ticket, str) else ticket.number])


def page_of(ticket: Ticket) -> str:
    return f"/scp/tickets/{ticket.number}/"


def said(response) -> list[str]:
    return [str(message) for message in get_messages(response.wsgi_request)]


def events(ticket: Ticket, kind: str) -> list[TicketEvent]:
    return list(TicketEvent.objects.filter(ticket=ticket, kind=kind))


@pytest.fixture
def as_alice(client, alice):
    return signed_in(client, alice.user)


@pytest.fixture
def limited(support):
    """An agent of Support whose role may reply and nothing else."""
    role = Role.objects.create(
        name="Reply only",
        can_assign=False,
        can_transfer=False,
        can_edit=False,
        can_close=False,
        can_merge=False,
        can_manage_tasks=False,
    )
    return make_agent("lena@example.com", "Lena Limited", support, role=role)


@pytest.fixture
def manager(support, billing):
    role = Role.objects.create(name="Manager", can_merge=True)
    return make_agent("max@example.com", "Max Manager", support, billing, role=role)


@pytest.fixture
def duplicate(dave, support):
    return open_ticket(requester=dave, subject="Printer smoke", body="Same printer", department=support)


# --- the permission matrix, for every action --------------------------------------------------


@pytest.mark.parametrize("name", ACTIONS)
def test_anonymous_is_sent_to_sign_in(client, ticket, name):
    response = client.post(url(name, ticket), ACTIONS[name])

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("scp:login"))


@pytest.mark.parametrize("name", ACTIONS)
def test_customer_is_forbidden(client, ticket, carol, name):
    response = signed_in(client, carol).post(url(name, ticket), ACTIONS[name])

    assert response.status_code == 403


@pytest.mark.parametrize("name", ACTIONS)
def test_agent_of_another_department_gets_404(client, ticket, bob, name):
    response = signed_in(client, bob.user).post(url(name, ticket), ACTIONS[name])

    assert response.status_code == 404


@pytest.mark.parametrize("name", ACTIONS)
def test_a_forged_number_gets_404(as_alice, ticket, name):
    response = as_alice.post(url(name, "999999999"), ACTIONS[name])

    assert response.status_code == 404


@pytest.mark.parametrize("name", ACTIONS)
def test_actions_refuse_get(as_alice, ticket, name):
    response = as_alice.get(url(name, ticket))

    assert response.status_code == 405
    assert TicketEvent.objects.filter(ticket=ticket).exclude(kind=Kind.CREATED).count() == 0


@pytest.mark.parametrize(
    ("name", "data", "message"),
    [
        ("ticket_assign", {}, "You may not assign tickets of this department."),
        ("ticket_transfer", {"department": "billing"}, "You may not transfer tickets of this department."),
        ("ticket_status", {"status": "Resolved"}, "You may not close or reopen tickets of this department."),
        ("ticket_status", {"status": "In progress"}, "You may not change tickets of this department."),
        ("ticket_priority", {"priority": "3"}, "You may not change tickets of this department."),
        ("ticket_type", {"type": "problem"}, "You may not change tickets of this department."),
        ("ticket_subject", {"subject": "Mine now"}, "You may not change tickets of this department."),
        ("ticket_requester", {"email": "dave@stranger.test"}, "You may not change tickets of this department."),
        ("ticket_cc_add", {"email": "dave@stranger.test"}, "You may not change tickets of this department."),
        ("ticket_merge", {"number": "duplicate", "confirm": "on"}, "You may not merge tickets of this department."),
        ("ticket_link", {"number": "duplicate"}, "You may not change tickets of this department."),
    ],
)
def test_a_role_without_the_permission_is_refused_with_the_services_message(
    client, ticket, duplicate, billing, limited, dave, name, data, message
):
    resolved = {
        "billing": str(billing.pk),
        "Resolved": str(Status.objects.get(name="Resolved").pk),
        "In progress": str(Status.objects.get(name="In progress").pk),
        "duplicate": duplicate.number,
    }
    data = {key: resolved.get(value, value) for key, value in data.items()}
    before = TicketEvent.objects.count()

    response = signed_in(client, limited.user).post(url(name, ticket), data)

    assert response.status_code == 302
    assert response["Location"] == page_of(ticket)
    assert said(response) == [message]
    assert TicketEvent.objects.count() == before


# --- assign and claim -------------------------------------------------------------------------


def test_alice_assigns_the_ticket_to_an_agent_and_a_team(as_alice, ticket, alice):
    team = Team.objects.create(name="First line")

    response = as_alice.post(url("ticket_assign", ticket), {"agent": alice.pk, "team": team.pk})

    ticket.refresh_from_db()
    assert response["Location"] == page_of(ticket)
    assert (ticket.assignee, ticket.team) == (alice, team)
    assert said(response) == ["Assigned to Alice Agent (team First line)."]
    [event] = events(ticket, Kind.ASSIGNED)
    assert event.actor == alice.user
    assert event.data["after"] == {"agent": "Alice Agent", "team": "First line"}


def test_the_dash_clears_the_assignment(as_alice, ticket, alice):
    assign(ticket=ticket, actor=alice.user, agent=alice)

    response = as_alice.post(url("ticket_assign", ticket), {"agent": "", "team": ""})

    ticket.refresh_from_db()
    assert ticket.assignee is None
    assert said(response) == ["The ticket is now unassigned."]
    assert events(ticket, Kind.ASSIGNED)[-1].data["after"] == {"agent": None, "team": None}


def test_assigning_an_agent_without_access_to_the_department_is_refused(as_alice, ticket, bob):
    response = as_alice.post(url("ticket_assign", ticket), {"agent": bob.pk})

    ticket.refresh_from_db()
    assert ticket.assignee is None
    assert said(response) == ["Bob Billing has no access to the department Support."]
    assert events(ticket, Kind.ASSIGNED) == []


def test_assigning_an_unknown_agent_is_refused_by_the_form(as_alice, ticket):
    response = as_alice.post(url("ticket_assign", ticket), {"agent": "987654"})

    ticket.refresh_from_db()
    assert ticket.assignee is None
    assert response["Location"] == page_of(ticket)
    assert said(response)[0].startswith("Agent: ")


def test_take_charge_assigns_the_ticket_to_the_agent(as_alice, ticket, alice):
    response = as_alice.post(url("ticket_claim", ticket))

    ticket.refresh_from_db()
    assert ticket.assignee == alice
    assert said(response) == ["You are now in charge of this ticket."]
    assert events(ticket, Kind.ASSIGNED)[0].actor == alice.user


def test_an_agent_without_the_assign_permission_may_still_take_charge(client, ticket, limited):
    signed_in(client, limited.user).post(url("ticket_claim", ticket))

    ticket.refresh_from_db()
    assert ticket.assignee == limited


def test_an_admin_without_an_agent_profile_cannot_take_charge(client, ticket, admin_user):
    response = signed_in(client, admin_user).post(url("ticket_claim", ticket))

    ticket.refresh_from_db()
    assert ticket.assignee is None
    assert said(response) == ["Only agents can take charge of tickets; you have no agent profile."]


# --- transfer ---------------------------------------------------------------------------------


def test_transfer_moves_the_ticket_and_sends_an_agent_who_lost_sight_of_it_to_the_queue(
    as_alice, ticket, billing, alice
):
    response = as_alice.post(url("ticket_transfer", ticket), {"department": billing.pk})

    ticket.refresh_from_db()
    assert ticket.department == billing
    assert said(response) == ["Transferred to Billing."]
    assert response["Location"] == reverse("scp:tickets")
    assert events(ticket, Kind.TRANSFERRED)[0].data["after"] == "Billing"


def test_transfer_stays_on_the_ticket_when_the_agent_still_sees_it(client, ticket, billing, manager):
    response = signed_in(client, manager.user).post(url("ticket_transfer", ticket), {"department": billing.pk})

    assert response["Location"] == page_of(ticket)


def test_transfer_to_the_same_department_is_refused(as_alice, ticket, support):
    response = as_alice.post(url("ticket_transfer", ticket), {"department": support.pk})

    assert said(response) == ["The ticket is already in Support."]
    assert events(ticket, Kind.TRANSFERRED) == []


# --- status, priority, type, subject ----------------------------------------------------------


def test_setting_an_open_status_writes_a_status_event(as_alice, ticket):
    in_progress = Status.objects.get(name="In progress")

    response = as_alice.post(url("ticket_status", ticket), {"status": in_progress.pk})

    ticket.refresh_from_db()
    assert ticket.status == in_progress
    assert said(response) == ["Status set to In progress."]
    assert events(ticket, Kind.STATUS)[0].data == {"before": "Open", "after": "In progress"}


def test_setting_a_closed_status_closes_the_ticket(as_alice, ticket):
    response = as_alice.post(url("ticket_status", ticket), {"status": Status.objects.get(name="Resolved").pk})

    ticket.refresh_from_db()
    assert ticket.state == State.CLOSED
    assert said(response) == ["Status set to Resolved."]
    assert events(ticket, Kind.CLOSED)[0].data["after"] == "Resolved"


def test_closing_with_an_open_task_is_refused_naming_the_task(as_alice, ticket, alice):
    task = create_task(actor=alice.user, ticket=ticket, title="Replace the fuser")

    response = as_alice.post(url("ticket_status", ticket), {"status": Status.objects.get(name="Closed").pk})

    ticket.refresh_from_db()
    assert ticket.state == State.OPEN
    assert said(response) == [
        f"The ticket cannot be closed while it has open tasks: #{task.pk} Replace the fuser. Complete them first."
    ]
    assert events(ticket, Kind.CLOSED) == []


def test_an_unknown_status_is_refused(as_alice, ticket):
    response = as_alice.post(url("ticket_status", ticket), {"status": "424242"})

    assert said(response)[0].startswith("Status: ")
    assert events(ticket, Kind.STATUS) == []


def test_priority_change_writes_its_event(as_alice, ticket):
    response = as_alice.post(url("ticket_priority", ticket), {"priority": Priority.URGENT})

    ticket.refresh_from_db()
    assert ticket.priority == Priority.URGENT
    assert said(response) == ["Priority set to Urgent."]
    assert events(ticket, Kind.PRIORITY)[0].data == {"before": 2, "after": 4}


def test_an_out_of_range_priority_is_refused(as_alice, ticket):
    response = as_alice.post(url("ticket_priority", ticket), {"priority": "9"})

    ticket.refresh_from_db()
    assert ticket.priority == Priority.NORMAL
    assert said(response)[0].startswith("Priority: ")


def test_type_change_writes_its_event(as_alice, ticket):
    response = as_alice.post(url("ticket_type", ticket), {"type": TicketType.INCIDENT})

    ticket.refresh_from_db()
    assert ticket.type == TicketType.INCIDENT
    assert said(response) == ["Type set to Incident."]
    assert events(ticket, Kind.TYPE)[0].data == {"before": "request", "after": "incident"}


def test_an_unknown_type_is_refused(as_alice, ticket):
    as_alice.post(url("ticket_type", ticket), {"type": "assignee__password"})

    ticket.refresh_from_db()
    assert ticket.type == TicketType.REQUEST


def test_subject_edit_writes_a_title_event(as_alice, ticket):
    response = as_alice.post(url("ticket_subject", ticket), {"subject": "  Printer on fire, 2nd floor  "})

    ticket.refresh_from_db()
    assert ticket.subject == "Printer on fire, 2nd floor"
    assert said(response) == ["Subject changed."]
    assert events(ticket, Kind.TITLE)[0].data == {"before": "Printer on fire", "after": "Printer on fire, 2nd floor"}


def test_a_blank_subject_is_refused(as_alice, ticket):
    as_alice.post(url("ticket_subject", ticket), {"subject": "   "})

    ticket.refresh_from_db()
    assert ticket.subject == "Printer on fire"


# --- requester and CC -------------------------------------------------------------------------


def test_requester_change_to_a_known_user_keeps_the_old_one_in_cc(as_alice, ticket, carol, dave):
    response = as_alice.post(url("ticket_requester", ticket), {"email": "DAVE@stranger.test"})

    ticket.refresh_from_db()
    assert ticket.requester == dave
    assert carol in ticket.collaborators.all()
    assert said(response) == ["The requester is now dave@stranger.test; the previous one stays in CC."]
    assert events(ticket, Kind.REQUESTER)[0].data == {"before": carol.email, "after": dave.email}


def test_requester_change_to_a_new_address_creates_a_customer(as_alice, ticket):
    as_alice.post(url("ticket_requester", ticket), {"email": "erin@newco.test", "name": "Erin New"})

    ticket.refresh_from_db()
    erin = User.objects.get(email="erin@newco.test")
    assert ticket.requester == erin
    assert erin.name == "Erin New"
    assert not erin.is_staff
    assert not erin.has_usable_password()


def test_a_refused_requester_change_creates_nobody(client, ticket, limited):
    signed_in(client, limited.user).post(url("ticket_requester", ticket), {"email": "erin@newco.test"})

    assert not User.objects.filter(email="erin@newco.test").exists()


def test_an_invalid_address_is_refused(as_alice, ticket, carol):
    response = as_alice.post(url("ticket_requester", ticket), {"email": "not an address"})

    ticket.refresh_from_db()
    assert ticket.requester == carol
    assert said(response)[0].startswith("E-mail address: ")


def test_cc_add_puts_a_new_person_in_cc(as_alice, ticket):
    response = as_alice.post(url("ticket_cc_add", ticket), {"email": "frank@partner.test", "name": "Frank"})

    frank = User.objects.get(email="frank@partner.test")
    assert frank in ticket.collaborators.all()
    assert said(response) == ["frank@partner.test is in CC."]
    assert events(ticket, Kind.CC)[0].data == {"added": "frank@partner.test"}


def test_cc_add_of_the_requester_is_refused(as_alice, ticket, carol):
    response = as_alice.post(url("ticket_cc_add", ticket), {"email": carol.email})

    assert said(response) == ["The requester already receives every public message."]
    assert ticket.collaborators.count() == 0
    assert events(ticket, Kind.CC) == []


def test_cc_remove_takes_the_person_out(as_alice, ticket, alice, dave):
    add_collaborator(ticket=ticket, actor=alice.user, user=dave)

    response = as_alice.post(url("ticket_cc_remove", ticket), {"user": dave.pk})

    assert ticket.collaborators.count() == 0
    assert said(response) == ["dave@stranger.test was removed from CC."]
    assert events(ticket, Kind.CC)[-1].data == {"removed": "dave@stranger.test"}


def test_cc_remove_of_someone_not_in_cc_changes_nothing_and_names_nobody(as_alice, ticket, dave):
    response = as_alice.post(url("ticket_cc_remove", ticket), {"user": dave.pk})

    assert said(response) == ["That person is not in CC."]
    assert events(ticket, Kind.CC) == []


def test_cc_remove_needs_the_edit_permission(client, ticket, alice, limited, dave):
    add_collaborator(ticket=ticket, actor=alice.user, user=dave)

    response = signed_in(client, limited.user).post(url("ticket_cc_remove", ticket), {"user": dave.pk})

    assert said(response) == ["You may not change tickets of this department."]
    assert dave in ticket.collaborators.all()


# --- merge, link, unlink ----------------------------------------------------------------------


def test_merge_folds_the_ticket_into_the_target_and_goes_there(client, ticket, duplicate, manager):
    response = signed_in(client, manager.user).post(
        url("ticket_merge", duplicate), {"number": ticket.number, "confirm": "on"}
    )

    duplicate.refresh_from_db()
    assert response["Location"] == page_of(ticket)
    assert said(response) == [f"Ticket #{duplicate.number} was merged into this one."]
    assert duplicate.merged_into == ticket
    assert duplicate.state == State.CLOSED
    assert events(ticket, Kind.MERGED)[0].data == {"merged": duplicate.number}


def test_merge_into_itself_is_refused(client, ticket, manager):
    response = signed_in(client, manager.user).post(
        url("ticket_merge", ticket), {"number": ticket.number, "confirm": "on"}
    )

    ticket.refresh_from_db()
    assert response["Location"] == page_of(ticket)
    assert said(response) == ["A ticket cannot be merged into itself."]
    assert ticket.merged_into is None
    assert events(ticket, Kind.MERGED) == []


def test_merge_without_the_confirmation_changes_nothing(client, ticket, duplicate, manager):
    response = signed_in(client, manager.user).post(url("ticket_merge", duplicate), {"number": ticket.number})

    duplicate.refresh_from_db()
    assert duplicate.merged_into is None
    assert said(response) == ["I understand the merge cannot be undone: Tick the box to confirm the merge."]


def test_merge_into_a_ticket_the_agent_cannot_see_is_refused_without_saying_it_exists(
    client, duplicate, billing_ticket, support
):
    sam = make_agent("sam@example.com", "Sam", support, role=Role.objects.create(name="Merger", can_merge=True))

    response = signed_in(client, sam.user).post(
        url("ticket_merge", duplicate), {"number": billing_ticket.number, "confirm": "on"}
    )

    assert said(response) == [f"There is no ticket #{billing_ticket.number} you can see."]
    duplicate.refresh_from_db()
    assert duplicate.merged_into is None


def test_link_relates_two_tickets_both_ways(as_alice, ticket, duplicate):
    response = as_alice.post(url("ticket_link", ticket), {"number": f"#{duplicate.number}"})

    assert list(duplicate.related.all()) == [ticket]
    assert said(response) == [f"Linked with ticket #{duplicate.number}."]
    assert events(ticket, Kind.LINKED)[0].data == {"added": duplicate.number}
    assert events(duplicate, Kind.LINKED)[0].data == {"added": ticket.number}


def test_link_to_itself_is_refused(as_alice, ticket):
    response = as_alice.post(url("ticket_link", ticket), {"number": ticket.number})

    assert said(response) == ["A ticket cannot be related to itself."]
    assert events(ticket, Kind.LINKED) == []


def test_link_to_an_unknown_number_is_refused(as_alice, ticket):
    response = as_alice.post(url("ticket_link", ticket), {"number": "31415926"})

    assert said(response) == ["There is no ticket #31415926 you can see."]


def test_unlink_removes_the_relation(as_alice, ticket, duplicate, alice):
    link_tickets(ticket=ticket, other=duplicate, actor=alice.user)

    response = as_alice.post(url("ticket_unlink", ticket), {"number": duplicate.number})

    assert ticket.related.count() == 0
    assert said(response) == [f"Ticket #{duplicate.number} is no longer linked."]
    assert events(ticket, Kind.LINKED)[-1].data == {"removed": duplicate.number}


def test_unlink_of_an_unrelated_ticket_is_refused(as_alice, ticket, duplicate):
    response = as_alice.post(url("ticket_unlink", ticket), {"number": duplicate.number})

    assert said(response) == [f"#{duplicate.number} is not related to this ticket."]


# --- print view -------------------------------------------------------------------------------


def test_print_view_permission_matrix(client, ticket, carol, bob, alice):
    assert client.get(url("ticket_print", ticket))["Location"].startswith(reverse("scp:login"))
    assert signed_in(client, carol).get(url("ticket_print", ticket)).status_code == 403
    assert signed_in(client, bob.user).get(url("ticket_print", ticket)).status_code == 404
    assert signed_in(client, alice.user).get(url("ticket_print", ticket)).status_code == 200
    assert client.post(url("ticket_print", ticket)).status_code == 405
    assert client.get(url("ticket_print", "999999999")).status_code == 404


def test_print_view_shows_the_thread_with_notes_marked_internal(as_alice, ticket, alice):
    post_reply(ticket=ticket, actor=alice.user, body="We are on our way.")
    post_note(ticket=ticket, actor=alice.user, body="Bring the extinguisher.")

    response = as_alice.get(url("ticket_print", ticket))

    text = response.text
    assert "It smokes." in text
    assert "We are on our way." in text
    assert "Bring the extinguisher." in text
    assert 'class="print-entry print-entry-note"' in text
    assert "Internal note" in text
    assert "data-print" in text
    assert "<script>" not in text
    assert 'style="' not in text


def test_print_view_runs_a_fixed_number_of_queries(as_alice, ticket, alice):
    def count() -> int:
        with CaptureQueriesContext(connection) as queries:
            assert as_alice.get(url("ticket_print", ticket)).status_code == 200
        return len(queries)

    for index in range(3):
        post_note(ticket=ticket, actor=alice.user, body=f"Note {index}")
    count()  # warm: the session is saved on the first request
    few = count()
    for index in range(27):
        post_note(ticket=ticket, actor=alice.user, body=f"More {index}")

    assert count() == few


# --- the action panel partial -----------------------------------------------------------------


def render_panel(user: User, ticket: Ticket) -> str:
    request = RequestFactory().get(page_of(ticket))
    request.user = user
    page_ticket = ticket_for_page(user, ticket.number)
    return render_to_string("scp/ticket/_actions.html", action_context(user, page_ticket), request=request)


def test_panel_offers_every_action_alices_role_allows(ticket, alice):
    html = render_panel(alice.user, ticket)

    for name in ("status", "priority", "type", "transfer", "assign", "claim", "subject", "requester"):
        assert f'action="{url(f"ticket_{name}", ticket)}"' in html
    assert f'action="{url("ticket_cc_add", ticket)}"' in html
    assert f'action="{url("ticket_link", ticket)}"' in html
    assert f'action="{url("ticket_merge", ticket)}"' not in html  # the Agent role may not merge
    assert f'href="{url("ticket_delete", ticket)}"' not in html  # admins only
    assert html.count("<form") == html.count("csrfmiddlewaretoken")
    assert not re.search(r"<script(?![^>]*\bsrc=)", html)  # no inline scripts: the CSP forbids them
    assert 'style="' not in html


def test_panel_preselects_the_current_values(ticket, alice):
    team = Team.objects.create(name="First line")
    assign(ticket=ticket, actor=alice.user, agent=alice, team=team)

    html = render_panel(alice.user, ticket)

    assert f'<option value="{ticket.status_id}" selected>Open</option>' in html
    assert '<option value="2" selected>Normal</option>' in html
    assert '<option value="request" selected>Request</option>' in html
    assert f'<option value="{ticket.department_id}" selected>Support</option>' in html
    assert f'<option value="{alice.pk}" selected>Alice Agent</option>' in html
    assert f'<option value="{team.pk}" selected>First line</option>' in html


def test_panel_hides_take_charge_once_the_ticket_is_the_agents(ticket, alice):
    assign(ticket=ticket, actor=alice.user, agent=alice)

    assert url("ticket_claim", ticket) not in render_panel(alice.user, ticket)


def test_panel_of_a_reply_only_role_shows_take_charge_and_no_changes(ticket, limited):
    html = render_panel(limited.user, ticket)

    assert url("ticket_claim", ticket) in html
    for name in ("status", "priority", "type", "transfer", "assign", "subject", "requester", "merge"):
        assert url(f"ticket_{name}", ticket) not in html


def test_panel_lists_cc_and_related_tickets_with_their_remove_buttons(ticket, alice, dave, duplicate):
    add_collaborator(ticket=ticket, actor=alice.user, user=dave)
    link_tickets(ticket=ticket, other=duplicate, actor=alice.user)

    html = render_panel(alice.user, ticket)

    assert f'name="user" value="{dave.pk}"' in html
    assert f'name="number" value="{duplicate.number}"' in html
    assert "Printer smoke" in html


def test_panel_offers_merge_to_managers_and_delete_to_admins(ticket, manager, admin_user):
    assert url("ticket_merge", ticket) in render_panel(manager.user, ticket)
    assert url("ticket_delete", ticket) in render_panel(admin_user, ticket)


def test_panel_renders_in_a_fixed_number_of_queries(ticket, alice, support):
    def count() -> int:
        with CaptureQueriesContext(connection) as queries:
            render_panel(alice.user, ticket)
        return len(queries)

    role = Role.objects.get(name="Agent")
    for index in range(3):
        add_collaborator(ticket=ticket, actor=alice.user, user=User.objects.create_user(f"cc{index}@x.test"))
        make_agent(f"agent{index}@example.com", f"Agent {index}", support, role=role)
    few = count()
    for index in range(3, 30):
        add_collaborator(ticket=ticket, actor=alice.user, user=User.objects.create_user(f"cc{index}@x.test"))
        make_agent(f"agent{index}@example.com", f"Agent {index}", support, role=role)

    assert count() == few


def test_panel_renders_in_italian(ticket, alice):
    with translation.override("it"):
        html = render_panel(alice.user, ticket)

    assert ">Stato</label>" in html
    assert ">Normale</option>" in html
