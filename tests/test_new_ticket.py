"""+ New ticket in the staff panel: find or add the requester, route, assign, attach, and land on the ticket."""

from __future__ import annotations

from django.contrib.messages import get_messages
from django.core.files.uploadedfile import SimpleUploadedFile

from helpdesk.accounts.models import Organization, User
from tests.conftest import make_agent, signed_in
from tickets import services
from tickets.models import Attachment, HelpTopic, Priority, Source, Ticket, TicketEvent

URL = "/scp/tickets/new/"


def form(**fields) -> dict:
    data = {
        "email": "new.customer@example.org",
        "name": "Nina New",
        "phone": "+39 06 1234567",
        "subject": "Cannot print invoices",
        "body": "She called: the printer says PC LOAD LETTER.",
        "ticket_type": "incident",
        "source": "phone",
        "notify_customer": "on",
    }
    data.update(fields)
    return {key: value for key, value in data.items() if value is not None}


def only_ticket() -> Ticket:
    return Ticket.objects.select_related("requester", "department", "help_topic", "assignee").get()


# --- who may open the page --------------------------------------------------------------------


def test_anonymous_is_sent_to_sign_in(client, db):
    response = client.get(URL)

    assert response.status_code == 302
    assert response["Location"].startswith("/scp/login?next=")


def test_customer_is_refused(client, carol):
    assert signed_in(client, carol).get(URL).status_code == 403
    assert signed_in(client, carol).post(URL, form()).status_code == 403


def test_agent_gets_the_form_with_only_her_departments(client, alice, support, billing):
    response = signed_in(client, alice.user).get(URL)

    assert response.status_code == 200
    departments = list(response.context["form"].fields["department"].queryset)
    assert departments == [support]
    assert 'data-people-search="/scp/people/search"' in response.text


def test_email_can_be_prefilled_from_a_user_page(client, alice, carol):
    response = signed_in(client, alice.user).get(URL, {"email": carol.email})

    assert f'value="{carol.email}"' in response.text


# --- the requester ----------------------------------------------------------------------------


def test_a_new_email_creates_a_customer_with_name_phone_and_organization(client, alice, support):
    acme = Organization.objects.create(name="Acme")

    response = signed_in(client, alice.user).post(URL, form(department=support.pk, organization=acme.pk))

    ticket = only_ticket()
    assert response.status_code == 302
    assert response["Location"] == f"/scp/tickets/{ticket.number}/"
    customer = ticket.requester
    assert (customer.email, customer.name, customer.phone) == ("new.customer@example.org", "Nina New", "+39 06 1234567")
    assert customer.organization == acme
    assert not customer.is_staff
    assert not customer.is_org_manager
    assert not customer.has_usable_password()


def test_an_existing_email_reuses_that_user_unchanged(client, alice, support, carol):
    users_before = User.objects.count()

    signed_in(client, alice.user).post(
        URL, form(email="Carol@Customer.TEST", name="Someone Else", department=support.pk)
    )

    ticket = only_ticket()
    assert ticket.requester == carol
    assert User.objects.count() == users_before
    carol.refresh_from_db()
    assert carol.name == "Carol Customer"


def test_the_ticket_is_opened_by_the_agent_with_the_chosen_fields(client, alice, support):
    signed_in(client, alice.user).post(URL, form(department=support.pk, priority=Priority.URGENT, source="staff"))

    ticket = only_ticket()
    assert ticket.department == support
    assert ticket.priority == Priority.URGENT
    assert ticket.type == "incident"
    assert ticket.source == Source.STAFF
    assert ticket.subject == "Cannot print invoices"
    assert ticket.entries.get().body_text.startswith("She called")
    created = TicketEvent.objects.get(ticket=ticket, kind=TicketEvent.Kind.CREATED)
    assert created.actor == alice.user


def test_source_defaults_to_phone(client, alice, support):
    response = signed_in(client, alice.user).get(URL)

    assert response.context["form"]["source"].value() == Source.PHONE


def test_the_notice_choice_is_kept_on_the_ticket_for_the_mail_channel(client, alice, support):
    signed_in(client, alice.user).post(URL, form(department=support.pk, notify_customer=None))

    assert only_ticket().custom_fields == {"notify_customer": False}


def test_a_success_message_names_the_ticket(client, alice, support):
    response = signed_in(client, alice.user).post(URL, form(department=support.pk), follow=False)

    number = only_ticket().number
    messages = [str(message) for message in get_messages(response.wsgi_request)]
    assert messages == [f"Ticket #{number} was opened."]


# --- routing ----------------------------------------------------------------------------------


def test_a_help_topic_routes_the_ticket_to_its_department_with_its_priority(client, alice, support):
    topic = HelpTopic.objects.create(name="Printers", department=support, priority=Priority.HIGH)

    signed_in(client, alice.user).post(URL, form(help_topic=topic.pk))

    ticket = only_ticket()
    assert ticket.help_topic == topic
    assert ticket.department == support
    assert ticket.priority == Priority.HIGH


def test_a_department_beats_the_help_topics_one(client, alice, support, billing, agent_role):
    alice.departments.add(billing, through_defaults={"role": agent_role})
    topic = HelpTopic.objects.create(name="Printers", department=support)

    signed_in(client, alice.user).post(URL, form(help_topic=topic.pk, department=billing.pk))

    ticket = only_ticket()
    assert (ticket.help_topic, ticket.department) == (topic, billing)


def test_a_topic_or_a_department_is_required(client, alice, support):
    response = signed_in(client, alice.user).post(URL, form())

    assert response.status_code == 200
    assert response.context["form"].errors["help_topic"] == ["Choose a help topic or a department."]
    assert not Ticket.objects.exists()


def test_an_agent_cannot_open_a_ticket_in_another_department(client, alice, billing):
    response = signed_in(client, alice.user).post(URL, form(department=billing.pk))

    assert "department" in response.context["form"].errors
    assert not Ticket.objects.exists()


def test_a_topic_routing_to_another_department_is_refused(client, alice, billing):
    topic = HelpTopic.objects.create(name="Refunds", department=billing)

    response = signed_in(client, alice.user).post(URL, form(help_topic=topic.pk))

    assert response.context["form"].errors["help_topic"] == ["You have no access to the department Billing."]
    assert not Ticket.objects.exists()


def test_inactive_topics_are_not_offered(client, alice, support):
    HelpTopic.objects.create(name="Old stuff", department=support, is_active=False)

    response = signed_in(client, alice.user).get(URL)

    assert "Old stuff" not in response.text


def test_missing_subject_and_body_are_form_errors(client, alice, support):
    response = signed_in(client, alice.user).post(URL, form(department=support.pk, subject="  ", body=""))

    errors = response.context["form"].errors
    assert set(errors) == {"subject", "body"}
    assert not Ticket.objects.exists()


def test_a_bad_email_is_a_form_error(client, alice, support):
    response = signed_in(client, alice.user).post(URL, form(department=support.pk, email="not-an-address"))

    assert "email" in response.context["form"].errors
    assert not User.objects.filter(email="not-an-address").exists()


def test_a_refusal_from_the_service_is_shown_on_the_form(client, alice, support, monkeypatch):
    def refuse(**kwargs):
        raise services.TicketError("Could not draw a free ticket number; try again.")

    monkeypatch.setattr(services, "open_ticket", refuse)

    response = signed_in(client, alice.user).post(URL, form(department=support.pk))

    assert response.status_code == 200
    assert "Could not draw a free ticket number; try again." in response.text
    assert response.context["form"]["subject"].value() == "Cannot print invoices"


# --- assignment -------------------------------------------------------------------------------


def test_the_ticket_can_be_assigned_on_creation(client, alice, support):
    signed_in(client, alice.user).post(URL, form(department=support.pk, assignee=alice.pk))

    ticket = only_ticket()
    assert ticket.assignee == alice
    assert TicketEvent.objects.filter(ticket=ticket, kind=TicketEvent.Kind.ASSIGNED).count() == 1


def test_an_assignee_without_access_to_the_department_is_refused(client, alice, support, billing, agent_role):
    alice.departments.add(billing, through_defaults={"role": agent_role})
    erin = make_agent("erin@example.com", "Erin Billing", billing, role=agent_role)

    response = signed_in(client, alice.user).post(URL, form(department=support.pk, assignee=erin.pk))

    assert response.context["form"].errors["assignee"] == ["Erin Billing has no access to the department Support."]
    assert not Ticket.objects.exists()
    assert not User.objects.filter(email="new.customer@example.org").exists()


def test_agents_outside_my_departments_are_not_offered(client, alice, bob, support):
    response = signed_in(client, alice.user).post(URL, form(department=support.pk, assignee=bob.pk))

    assert "assignee" in response.context["form"].errors
    assert bob not in response.context["form"].fields["assignee"].queryset
    assert not Ticket.objects.exists()


def test_an_admin_may_pick_any_department_but_not_an_assignee_without_access(client, admin_user, alice, billing):
    response = signed_in(client, admin_user).post(URL, form(department=billing.pk, assignee=alice.pk))

    assert response.context["form"].errors["assignee"] == ["Alice Agent has no access to the department Billing."]
    signed_in(client, admin_user).post(URL, form(department=billing.pk))
    assert only_ticket().department == billing


def test_a_service_refusing_the_assignment_leaves_no_ticket(client, alice, support, monkeypatch):
    def refuse(**kwargs):
        raise services.NotAllowed("You may not assign tickets of this department.")

    monkeypatch.setattr(services, "assign", refuse)

    response = signed_in(client, alice.user).post(URL, form(department=support.pk, assignee=alice.pk))

    assert "You may not assign tickets of this department." in response.text
    assert not Ticket.objects.exists()


# --- attachments ------------------------------------------------------------------------------


def test_attachments_are_stored_with_the_first_message(client, alice, support):
    files = [
        SimpleUploadedFile("photo.png", b"\x89PNG fake", content_type="image/png"),
        SimpleUploadedFile("log.txt", b"error 42", content_type="text/plain"),
    ]

    signed_in(client, alice.user).post(URL, {**form(department=support.pk), "attachments": files})

    entry = only_ticket().entries.get()
    stored = list(Attachment.objects.filter(entry=entry).values_list("name", "size", "content_type"))
    assert stored == [("photo.png", 9, "image/png"), ("log.txt", 8, "text/plain")]


def test_an_attachment_over_the_limit_is_a_clear_form_error(client, alice, support, settings):
    settings.ATTACHMENT_MAX_BYTES = 1024
    big = SimpleUploadedFile("dump.bin", b"x" * 2048)

    response = signed_in(client, alice.user).post(URL, {**form(department=support.pk), "attachments": [big]})

    assert response.context["form"].errors["attachments"] == [
        "dump.bin is 2.0\xa0KB; each file may be at most 1.0\xa0KB."
    ]
    assert not Ticket.objects.exists()
