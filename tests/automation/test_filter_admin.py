"""The filters' admin: conditions and actions inline, validation, and the test-against-a-sample page."""

from django.urls import reverse

from helpdesk.automation.models import FilterAction, FilterCondition, TicketFilter
from tests.automation.conftest import make_filter
from tests.conftest import signed_in
from tickets.models import Priority

TEST_URL = reverse("admin:automation_ticketfilter_test")
SAMPLE = {"email": "mario@acme.example", "subject": "Invoice wrong", "body": "Total", "source": "email"}


def inline_data(**fields):
    data = {
        "name": "Acme",
        "order": "10",
        "is_active": "on",
        "match": "all",
        "notes": "",
        "conditions-TOTAL_FORMS": "1",
        "conditions-INITIAL_FORMS": "0",
        "conditions-0-field": "sender_domain",
        "conditions-0-operator": "equals",
        "conditions-0-value": "acme.example",
        "actions-TOTAL_FORMS": "1",
        "actions-INITIAL_FORMS": "0",
        "actions-0-kind": "priority",
        "actions-0-priority": "4",
    }
    data.update(fields)
    return data


def test_an_admin_creates_a_filter_with_its_conditions_and_actions(client, admin_user):
    signed_in(client, admin_user)

    response = client.post(reverse("admin:automation_ticketfilter_add"), inline_data())

    assert response.status_code == 302
    created = TicketFilter.objects.get()
    assert created.conditions.get().value == "acme.example"
    assert created.actions.get().priority == Priority.URGENT


def test_a_dangerous_regular_expression_is_refused_in_the_admin(client, admin_user):
    signed_in(client, admin_user)
    data = inline_data(**{"conditions-0-operator": "regex", "conditions-0-value": "(a+)+$"})

    response = client.post(reverse("admin:automation_ticketfilter_add"), data)

    assert response.status_code == 200
    assert "Nested repetitions" in response.content.decode()
    assert not TicketFilter.objects.exists()


def test_an_action_without_its_value_is_refused(client, admin_user):
    signed_in(client, admin_user)

    response = client.post(reverse("admin:automation_ticketfilter_add"), inline_data(**{"actions-0-priority": ""}))

    assert "This action needs a value here." in response.content.decode()


def test_the_sample_page_shows_which_filters_match_and_what_they_would_do(client, admin_user):
    condition = (FilterCondition.Field.SENDER_DOMAIN, FilterCondition.Operator.EQUALS, "acme.example")
    make_filter("Acme urgent", [condition], [{"kind": FilterAction.Kind.PRIORITY, "priority": Priority.URGENT}])
    make_filter("Others", [("sender_domain", "equals", "other.example")], [{"kind": "reject"}], order=20)
    signed_in(client, admin_user)

    response = client.post(TEST_URL, SAMPLE)

    page = response.content.decode()
    assert response.status_code == 200
    assert "Priority: Urgent" in page
    assert page.count("<td>yes</td>") == 2  # Acme urgent: conditions hold and applied
    assert "Rejected" not in page


def test_the_sample_page_says_when_a_filter_would_reject(client, admin_user):
    make_filter("Spam", [("subject", "contains", "invoice")], [{"kind": FilterAction.Kind.REJECT}])
    signed_in(client, admin_user)

    response = client.post(TEST_URL, SAMPLE)

    assert "Rejected by Spam: no ticket, no reply." in response.content.decode()


def test_the_sample_page_is_for_superusers_only(client, alice):
    signed_in(client, alice)

    response = client.get(TEST_URL)

    assert response.status_code == 302
    assert "login" in response["Location"]


def test_the_filter_list_links_to_the_sample_page(client, admin_user):
    signed_in(client, admin_user)

    assert TEST_URL in client.get(reverse("admin:automation_ticketfilter_changelist")).content.decode()
