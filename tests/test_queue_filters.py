"""Queue filters and sorting: each allow-listed filter works, and nothing else in the query string reaches the ORM."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django import forms as forms_module
from django.contrib.messages import get_messages
from django.utils import timezone

from helpdesk.accounts.models import Department, Organization, Team, User
from tests.conftest import signed_in
from tickets import services
from tickets.filters import SORTS, QuickSelect, TicketFilter
from tickets.models import HelpTopic, Priority, Source, Status, Ticket, TicketType


def make_ticket(requester: User, department: Department, subject: str, **changes) -> Ticket:
    ticket = services.open_ticket(requester=requester, subject=subject, body=f"About {subject}.", department=department)
    if changes:
        Ticket.objects.filter(pk=ticket.pk).update(**changes)
        ticket.refresh_from_db()
    return ticket


def shown(client, query: str, path: str = "/scp/") -> list[str]:
    response = client.get(f"{path}?{query}")
    assert response.status_code == 200
    return [ticket.subject for ticket in response.context["page"].object_list]


def warnings(response) -> list[str]:
    return [str(message) for message in get_messages(response.wsgi_request)]


@pytest.fixture
def as_alice(client, alice):
    return signed_in(client, alice)


@pytest.fixture
def pair(carol, dave, support):
    """Two Support tickets that differ in every filtered field."""
    acme = Organization.objects.create(name="Acme Srl")
    carol.organization = acme
    carol.save(update_fields=["organization"])
    first = make_ticket(carol, support, "Printer on fire", priority=Priority.URGENT, type=TicketType.INCIDENT)
    second = make_ticket(
        dave, support, "Password reset", priority=Priority.LOW, type=TicketType.REQUEST, source=Source.PHONE
    )
    return first, second


# --- each filter ------------------------------------------------------------------------------------


def test_filter_by_status(as_alice, pair, alice):
    services.set_status(ticket=pair[1], actor=alice.user, status=Status.objects.get(name="In progress"))

    assert shown(as_alice, f"status={Status.objects.get(name='In progress').pk}") == ["Password reset"]


def test_filter_by_priority(as_alice, pair):
    assert shown(as_alice, f"priority={Priority.URGENT}") == ["Printer on fire"]


def test_filter_by_type(as_alice, pair):
    assert shown(as_alice, "type=incident") == ["Printer on fire"]


def test_filter_by_department(client, admin_user, pair, billing, carol):
    make_ticket(carol, billing, "Invoice twice")
    signed_in(client, admin_user)

    assert shown(client, f"department={billing.pk}") == ["Invoice twice"]


def test_filter_by_help_topic(as_alice, pair, support):
    topic = HelpTopic.objects.create(name="Hardware", department=support)
    Ticket.objects.filter(pk=pair[0].pk).update(help_topic=topic)

    assert shown(as_alice, f"help_topic={topic.pk}") == ["Printer on fire"]


def test_filter_by_assignee(as_alice, pair, alice, admin_user):
    services.assign(ticket=pair[0], actor=admin_user, agent=alice)

    assert shown(as_alice, f"assignee={alice.pk}") == ["Printer on fire"]


def test_filter_by_team(as_alice, pair, admin_user):
    team = Team.objects.create(name="Hardware crew")
    services.assign(ticket=pair[1], actor=admin_user, team=team)

    assert shown(as_alice, f"team={team.pk}") == ["Password reset"]


def test_filter_by_organization(as_alice, pair):
    acme = Organization.objects.get(name="Acme Srl")

    assert shown(as_alice, f"organization={acme.pk}") == ["Printer on fire"]


def test_filter_by_source(as_alice, pair):
    assert shown(as_alice, "source=phone") == ["Password reset"]


def test_filter_by_created_date_range(as_alice, pair):
    Ticket.objects.filter(pk=pair[1].pk).update(created_at=timezone.now() - timedelta(days=10))
    today = timezone.localdate()
    old = today - timedelta(days=10)

    assert shown(as_alice, f"created_after={today}") == ["Printer on fire"]
    assert shown(as_alice, f"created_before={old}") == ["Password reset"]
    assert shown(as_alice, f"created_after={old}&created_before={old}") == ["Password reset"]


def test_filter_by_last_activity_date_range(as_alice, pair):
    Ticket.objects.filter(pk=pair[0].pk).update(last_activity_at=timezone.now() - timedelta(days=40))
    cutoff = timezone.localdate() - timedelta(days=30)

    assert shown(as_alice, f"activity_before={cutoff}") == ["Printer on fire"]
    assert shown(as_alice, f"activity_after={cutoff}") == ["Password reset"]


def test_filter_by_overdue(as_alice, pair):
    Ticket.objects.filter(pk=pair[0].pk).update(is_overdue=True)

    assert shown(as_alice, "overdue=true") == ["Printer on fire"]
    assert shown(as_alice, "overdue=false") == ["Password reset"]


def test_filters_combine(as_alice, pair):
    assert shown(as_alice, f"priority={Priority.URGENT}&source=phone") == []


def test_filters_work_in_every_queue(as_alice, pair, alice):
    services.close(ticket=pair[0], actor=alice.user)

    assert shown(as_alice, "type=incident", path="/scp/queues/closed/") == ["Printer on fire"]
    assert shown(as_alice, "type=incident") == []


# --- free-text search ----------------------------------------------------------------------------


def test_search_by_number(as_alice, pair):
    assert shown(as_alice, f"q={pair[0].number}") == ["Printer on fire"]
    assert shown(as_alice, f"q=%23{pair[0].number}") == ["Printer on fire"]


def test_search_by_subject_ignores_case(as_alice, pair):
    assert shown(as_alice, "q=PRINTER") == ["Printer on fire"]


def test_search_by_requester_email_and_name(as_alice, pair):
    assert shown(as_alice, "q=stranger.test") == ["Password reset"]
    assert shown(as_alice, "q=carol customer") == ["Printer on fire"]


def test_search_by_thread_text_including_replies_and_notes(as_alice, pair, alice):
    services.post_reply(ticket=pair[0], actor=alice.user, body="Please unplug the toner unit.")
    services.post_note(ticket=pair[1], actor=alice.user, body="Customer sounds like a phishing attempt.")

    assert shown(as_alice, "q=toner") == ["Printer on fire"]
    assert shown(as_alice, "q=phishing") == ["Password reset"]


def test_search_never_finds_tickets_the_agent_cannot_see(as_alice, pair, carol, billing):
    make_ticket(carol, billing, "Printer invoice")

    assert shown(as_alice, "q=printer") == ["Printer on fire"]


def test_search_box_keeps_what_was_typed(as_alice, pair):
    response = as_alice.get("/scp/?q=toner+unit")

    assert 'value="toner unit"' in response.text


# --- choices follow access -----------------------------------------------------------------------


def test_department_filter_offers_only_the_agents_departments(as_alice, support, billing):
    form = as_alice.get("/scp/").context["filters"].form

    assert list(form.fields["department"].queryset) == [support]


def test_a_department_outside_the_agents_access_is_ignored_with_a_warning(as_alice, pair, billing):
    response = as_alice.get(f"/scp/?department={billing.pk}")

    assert {t.subject for t in response.context["page"].object_list} == {"Printer on fire", "Password reset"}
    assert "Ignored an invalid value for “Department”." in warnings(response)


def test_help_topic_filter_offers_only_topics_of_the_agents_departments(as_alice, support, billing):
    mine = HelpTopic.objects.create(name="Hardware", department=support)
    HelpTopic.objects.create(name="Refunds", department=billing)

    form = as_alice.get("/scp/").context["filters"].form

    assert list(form.fields["help_topic"].queryset) == [mine]


def test_the_lists_show_what_each_fields_queryset_holds_in_its_order(as_alice, alice, bob, support, billing):
    hardware = HelpTopic.objects.create(name="Hardware", department=support)
    HelpTopic.objects.create(name="Printers", department=support, parent=hardware)
    HelpTopic.objects.create(name="Refunds", department=billing)
    Department.objects.create(name="Archive", email="archive@example.com", is_active=False)
    Team.objects.create(name="Old crew", is_active=False)
    Team.objects.create(name="Hardware crew")
    Organization.objects.create(name="Zeta")
    Organization.objects.create(name="Acme Srl")

    response = as_alice.get("/scp/")

    filter_form, bulk_form = response.context["filters"].form, response.context["bulk_form"]
    fields = [filter_form.fields[name] for name in ("status", "department", "assignee", "help_topic", "team")]
    fields += [
        filter_form.fields["organization"],
        *(bulk_form.fields[name] for name in ("status", "department", "agent")),
    ]
    for field in fields:
        expected = [(each.pk, field.label_from_instance(each)) for each in field.queryset]
        assert [(int(value), label) for value, label in field.widget.choices if value != ""] == expected, field.label
    topics = [label for value, label in filter_form.fields["help_topic"].widget.choices if value != ""]
    assert topics == ["Hardware", "Hardware / Printers"]


# --- sorting ---------------------------------------------------------------------------------------


@pytest.fixture
def trio(carol, support):
    now = timezone.now()
    make_ticket(carol, support, "Bravo", priority=Priority.LOW, number="300002", last_activity_at=now)
    make_ticket(
        carol, support, "Alpha", priority=Priority.URGENT, number="300003", last_activity_at=now - timedelta(days=2)
    )
    make_ticket(
        carol, support, "Charlie", priority=Priority.HIGH, number="300001", last_activity_at=now - timedelta(days=1)
    )


@pytest.mark.parametrize(
    ("sort", "expected"),
    [
        ("", ["Bravo", "Charlie", "Alpha"]),
        ("-activity", ["Bravo", "Charlie", "Alpha"]),
        ("activity", ["Alpha", "Charlie", "Bravo"]),
        ("number", ["Charlie", "Bravo", "Alpha"]),
        ("-number", ["Alpha", "Bravo", "Charlie"]),
        ("subject", ["Alpha", "Bravo", "Charlie"]),
        ("-subject", ["Charlie", "Bravo", "Alpha"]),
        ("-priority", ["Alpha", "Charlie", "Bravo"]),
        ("priority", ["Bravo", "Charlie", "Alpha"]),
    ],
)
def test_allow_listed_sorts_order_the_queue(as_alice, trio, sort, expected):
    assert shown(as_alice, f"sort={sort}") == expected


def test_every_sort_key_runs(as_alice, trio):
    for key in SORTS:
        assert len(shown(as_alice, f"sort={key}")) == 3


def test_column_headings_toggle_the_sort_and_keep_the_filters(as_alice, trio):
    text = as_alice.get("/scp/?priority=4&sort=number").text

    assert 'href="?priority=4&amp;sort=-number"' in text
    assert 'aria-sort="ascending"' in text
    assert 'href="?priority=4&amp;sort=subject"' in text


def test_pagination_links_keep_filters_and_sort(as_alice, alice, carol, support):
    alice.page_size = 5
    alice.save(update_fields=["page_size"])
    for n in range(6):
        make_ticket(carol, support, f"Ticket {n}", priority=Priority.HIGH)

    text = as_alice.get("/scp/?priority=3&sort=subject").text

    assert 'href="?priority=3&amp;sort=subject&amp;page=2"' in text


# --- nothing else reaches the ORM ------------------------------------------------------------------


def test_a_sort_on_a_password_field_path_neither_leaks_nor_errors(as_alice, trio, alice, bob):
    hashes = [alice.user.password, bob.user.password, User.objects.get(email="carol@customer.test").password]

    response = as_alice.get("/scp/?sort=assignee__user__password")

    assert response.status_code == 200
    assert [t.subject for t in response.context["page"].object_list] == ["Bravo", "Charlie", "Alpha"]
    assert not any(hashed in response.text for hashed in hashes)
    assert "Ignored an invalid value for “Sort by”." in warnings(response)


def test_an_ordering_parameter_is_not_a_thing_and_leaks_nothing(as_alice, trio):
    carol_hash = User.objects.get(email="carol@customer.test").password

    response = as_alice.get("/scp/?ordering=requester__password&o=-requester__password")

    assert response.status_code == 200
    assert [t.subject for t in response.context["page"].object_list] == ["Bravo", "Charlie", "Alpha"]
    assert carol_hash not in response.text
    assert "Ignored the unknown parameters “o”, “ordering”." in warnings(response)


@pytest.mark.parametrize(
    "query",
    [
        "requester__password__startswith=md5",
        "requester__password=x",
        "assignee__user__password__regex=.*",
        "department__in=1,2",
        "subject__icontains=Alpha",
    ],
)
def test_field_paths_as_parameters_are_ignored_with_a_warning(as_alice, trio, query):
    response = as_alice.get(f"/scp/?{query}")

    assert len(response.context["page"].object_list) == 3
    assert any(message.startswith("Ignored the unknown parameter") for message in warnings(response))


@pytest.mark.parametrize(
    ("query", "label"),
    [
        ("status=abc", "Status"),
        ("priority=9", "Priority"),
        ("type=everything", "Type"),
        ("assignee=999999", "Assignee"),
        ("created_after=yesterday", "Created between"),
        ("overdue=maybe", "Overdue"),
        ("sort=-password", "Sort by"),
    ],
)
def test_invalid_filter_values_are_ignored_with_a_warning(as_alice, trio, query, label):
    response = as_alice.get(f"/scp/?{query}")

    assert response.status_code == 200
    assert len(response.context["page"].object_list) == 3
    assert f"Ignored an invalid value for “{label}”." in warnings(response)


def test_a_clean_query_string_brings_no_warning(as_alice, trio):
    response = as_alice.get("/scp/?q=a&priority=4&sort=number&page=1&created_after=2020-01-01")

    assert warnings(response) == []


def test_the_filter_set_declares_only_its_allow_list():
    assert TicketFilter.parameter_names() == {
        "q",
        "status",
        "priority",
        "type",
        "department",
        "help_topic",
        "assignee",
        "team",
        "organization",
        "source",
        "created_after",
        "created_before",
        "activity_after",
        "activity_before",
        "overdue",
        "sort",
    }


def test_the_quick_selects_write_the_same_markup_as_djangos_select(as_alice, alice, support, carol):
    response = as_alice.get(f"/scp/?status=&priority=2&department={support.pk}&assignee={alice.pk}")

    forms = [response.context["filters"].form, response.context["bulk_form"]]
    fields = [field for form in forms for field in form if isinstance(field.field.widget, QuickSelect)]
    assert len(fields) >= 12
    for field in fields:
        widget = field.field.widget
        quick = widget.render(field.html_name, field.value(), {"id": field.auto_id})
        widget.__class__ = forms_module.Select
        assert quick == widget.render(field.html_name, field.value(), {"id": field.auto_id}), field.name
        assert quick in response.text
