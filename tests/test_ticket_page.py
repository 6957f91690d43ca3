"""The staff ticket page /scp/tickets/<number>/: who may open it, what its header and thread show, at what cost."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from faq.models import CannedResponse
from helpdesk.accounts.models import Agent, Organization, Team
from tests.conftest import signed_in
from tickets import services
from tickets.models import Activity, HelpTopic, Priority, SLAPlan, Source, ThreadEntry, Ticket, TicketEvent
from tickets.services import NewAttachment

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 32


def url(ticket: Ticket, query: str = "") -> str:
    return f"/scp/tickets/{ticket.number}/{query}"


def add_entries(ticket: Ticket, alice: Agent, count: int, *, files: int = 1) -> None:
    for n in range(count):
        attachments = [NewAttachment(name=f"log-{n}-{f}.txt", content=b"x") for f in range(files)]
        services.post_note(ticket=ticket, actor=alice.user, body=f"Entry number {n}", attachments=attachments)


# --- who may open it --------------------------------------------------------------------------


def test_anonymous_visitors_are_sent_to_sign_in(client, ticket):
    response = client.get(url(ticket))

    assert response.status_code == 302
    assert response.url.startswith("/scp/login")


def test_customers_get_403_even_on_their_own_ticket(client, carol, ticket):
    signed_in(client, carol)

    assert client.get(url(ticket)).status_code == 403


def test_an_agent_of_another_department_gets_404(client, bob, ticket):
    signed_in(client, bob.user)

    assert client.get(url(ticket)).status_code == 404


def test_an_agent_of_the_department_sees_the_ticket(client, alice, ticket):
    signed_in(client, alice.user)

    response = client.get(url(ticket))

    assert response.status_code == 200
    assert "Printer on fire" in response.text


def test_an_admin_sees_every_ticket(client, admin_user, billing_ticket):
    signed_in(client, admin_user)

    assert client.get(url(billing_ticket)).status_code == 200


def test_an_unknown_number_is_404(client, alice, ticket):
    signed_in(client, alice.user)

    assert client.get("/scp/tickets/999999999/").status_code == 404


def test_the_page_only_answers_get(client, alice, ticket):
    signed_in(client, alice.user)

    assert client.post(url(ticket)).status_code == 405


# --- the header -------------------------------------------------------------------------------


def test_the_header_shows_the_ticket_facts(client, alice, carol, dave, support, ticket):
    acme = Organization.objects.create(name="Acme Corp")
    carol.organization = acme
    carol.save()
    topic = HelpTopic.objects.create(name="Hardware", department=support)
    sla = SLAPlan.objects.create(name="Gold 4h", resolution_hours=4)
    team = Team.objects.create(name="Field squad")
    Ticket.objects.filter(pk=ticket.pk).update(
        help_topic=topic,
        sla=sla,
        due_at=timezone.now() - timedelta(hours=1),
        is_overdue=True,
        priority=Priority.URGENT,
        type="incident",
        source=Source.PHONE,
        assignee=alice,
        team=team,
    )
    ticket.collaborators.add(dave)
    ticket.followers.add(alice.user)
    signed_in(client, alice.user)

    page = client.get(url(ticket)).text

    for text in (f"#{ticket.number}", "Printer on fire", "Open", "Urgent", "Incident", "Support", "Hardware"):
        assert text in page
    for text in ("Alice Agent", "Field squad", "Gold 4h", "Overdue", "Phone", "Acme Corp", "carol@customer.test"):
        assert text in page
    assert "Dave Stranger" in page  # in CC
    assert page.count("Alice Agent") >= 2  # assignee and follower (and the signed-in name)


def test_the_header_lists_the_requesters_other_open_tickets_the_agent_may_see(client, alice, carol, support, billing):
    here = services.open_ticket(requester=carol, subject="Current one", body="x", department=support)
    others = [
        services.open_ticket(requester=carol, subject=f"Support issue {n}", body="x", department=support)
        for n in range(6)
    ]
    services.open_ticket(requester=carol, subject="Hidden billing issue", body="x", department=billing)
    closed = services.open_ticket(requester=carol, subject="Old closed issue", body="x", department=support)
    services.close(ticket=closed, actor=alice.user)
    signed_in(client, alice.user)

    page = client.get(url(here)).text

    assert page.count('href="/scp/tickets/') >= 5
    assert sum(f"Support issue {n}" in page for n in range(6)) == 5  # at most five
    assert f'href="/scp/tickets/{others[-1].number}/"' in page  # newest first
    assert "Hidden billing issue" not in page
    assert "Old closed issue" not in page


# --- the thread -------------------------------------------------------------------------------


def test_the_thread_shows_messages_responses_and_notes_in_order(client, alice, carol, ticket):
    services.post_reply(ticket=ticket, actor=alice.user, body="Unplug it now.")
    services.post_note(ticket=ticket, actor=alice.user, body="Fire brigade called.")
    services.post_message(ticket=ticket, author=carol, body="Done, thanks.")
    signed_in(client, alice.user)

    page = client.get(url(ticket)).text

    positions = [page.index(text) for text in ("It smokes.", "Unplug it now.", "Fire brigade called.", "Done, thanks.")]
    assert positions == sorted(positions)


def test_internal_notes_are_marked_internal(client, alice, ticket):
    note = services.post_note(ticket=ticket, actor=alice.user, body="Customer is a VIP.")
    signed_in(client, alice.user)

    page = client.get(url(ticket)).text

    article = page[page.index(f'id="entry-{note.pk}"') - 60 : page.index("Customer is a VIP.")]
    assert "thread-note" in article
    assert "Internal note" in article


def test_each_entry_shows_its_author_and_absolute_and_relative_time(client, alice, ticket):
    services.post_reply(ticket=ticket, actor=alice.user, body="On my way.")
    signed_in(client, alice.user)

    page = client.get(url(ticket)).text

    assert "Carol Customer" in page
    assert "Alice Agent" in page
    assert "<time datetime=" in page
    assert "ago)" in page or "now)" in page


def test_attachments_link_to_the_checked_download_and_images_preview_inline(client, alice, ticket):
    entry = services.post_reply(
        ticket=ticket,
        actor=alice.user,
        body="See the photo.",
        attachments=[
            NewAttachment(name="photo.png", content=PNG, content_type="image/png"),
            NewAttachment(name="report.pdf", content=b"%PDF", content_type="application/pdf"),
        ],
    )
    photo, report = entry.attachments.order_by("id")
    signed_in(client, alice.user)

    page = client.get(url(ticket)).text

    assert f'href="/scp/attachments/{report.pk}/"' in page
    assert f'<img src="/scp/attachments/{photo.pk}/"' in page
    assert f'<img src="/scp/attachments/{report.pk}/"' not in page
    assert "/attachments/20" not in page  # never the storage path


def test_cid_images_in_a_body_point_at_the_entrys_attachment(client, alice, carol, ticket):
    entry = services.post_message(
        ticket=ticket,
        author=carol,
        body='<p>Look:</p><img src="cid:shot1@mail">',
        is_html=True,
        attachments=[NewAttachment(name="shot.png", content=PNG, content_type="image/png", content_id="<shot1@mail>")],
    )
    shot = entry.attachments.get()
    signed_in(client, alice.user)

    page = client.get(url(ticket)).text

    assert f'<img src="/scp/attachments/{shot.pk}/">' in page
    assert "cid:shot1@mail" not in page


def test_bodies_are_shown_as_sanitised_html(client, alice, carol, ticket):
    services.post_message(ticket=ticket, author=carol, body="<b>bold</b><script>alert(1)</script>", is_html=True)
    services.post_message(ticket=ticket, author=carol, body="1 < 2 & <i>not html</i>")
    signed_in(client, alice.user)

    page = client.get(url(ticket)).text

    assert "<b>bold</b>" in page
    assert "alert(1)" not in page
    assert "&lt;i&gt;not html&lt;/i&gt;" in page


def test_a_long_thread_shows_its_two_ends_and_a_link_to_the_rest(client, alice, ticket):
    add_entries(ticket, alice, 129, files=0)  # 130 entries with the first message
    signed_in(client, alice.user)

    page = client.get(url(ticket)).text

    assert page.count('class="thread-entry ') == 100
    assert "Show 30 earlier entries" in page
    assert 'href="?all=1#thread"' in page
    assert "Entry number 48<" in page  # entry 50 of the thread
    assert "Entry number 49<" not in page
    assert "Entry number 78<" not in page
    assert "Entry number 79<" in page
    assert "Entry number 128<" in page


def test_the_whole_long_thread_shows_on_request(client, alice, ticket):
    add_entries(ticket, alice, 129, files=0)
    signed_in(client, alice.user)

    page = client.get(url(ticket, "?all=1")).text

    assert page.count('class="thread-entry ') == 130
    assert "earlier entries" not in page


def test_the_query_count_does_not_grow_with_the_thread(client, alice, ticket):
    add_entries(ticket, alice, 2)
    signed_in(client, alice.user)
    client.get(url(ticket))  # warm the session and content types
    with CaptureQueriesContext(connection) as short:
        client.get(url(ticket))
    add_entries(ticket, alice, 27, files=2)

    with CaptureQueriesContext(connection) as long:
        response = client.get(url(ticket))

    assert response.text.count('class="thread-entry ') == 30
    assert len(long) == len(short)


def test_the_query_count_stays_bounded_for_a_long_thread(client, alice, ticket, django_assert_max_num_queries):
    add_entries(ticket, alice, 150)
    signed_in(client, alice.user)
    client.get(url(ticket))

    with django_assert_max_num_queries(35):
        client.get(url(ticket))


# --- opening marks the ticket seen ------------------------------------------------------------


def test_opening_the_ticket_marks_its_customer_messages_read(client, alice, ticket):
    assert ticket.unread_count == 1
    events = TicketEvent.objects.count()
    signed_in(client, alice.user)

    client.get(url(ticket))

    ticket.refresh_from_db()
    assert ticket.unread_count == 0
    assert ticket.activity == Activity.AWAITING_AGENT
    assert TicketEvent.objects.count() == events  # no event written


def test_opening_the_ticket_calls_mark_seen_for_the_agent(client, alice, ticket, monkeypatch):
    calls = []
    real = services.mark_seen

    def spy(**kwargs):
        calls.append(kwargs)
        return real(**kwargs)

    monkeypatch.setattr(services, "mark_seen", spy)
    signed_in(client, alice.user)

    client.get(url(ticket))

    assert [(c["ticket"].pk, c["actor"]) for c in calls] == [(ticket.pk, alice.user)]


def test_a_ticket_already_seen_is_not_locked_again(client, alice, ticket, monkeypatch):
    signed_in(client, alice.user)
    client.get(url(ticket))
    monkeypatch.setattr(services, "mark_seen", lambda **kw: pytest.fail("mark_seen called again"))

    assert client.get(url(ticket)).status_code == 200


# --- the reply box ----------------------------------------------------------------------------


def test_the_reply_box_defaults_to_the_agents_preferred_reply_type(client, alice, ticket):
    alice.default_reply_type = Agent.ReplyType.INTERNAL
    alice.save()
    signed_in(client, alice.user)

    page = client.get(url(ticket)).text

    assert 'value="internal" autocomplete="off" checked' in page
    assert 'value="public" autocomplete="off" checked' not in page


def test_the_reply_box_carries_the_latest_customer_message(client, alice, carol, ticket):
    message = services.post_message(ticket=ticket, author=carol, body="More smoke.")
    services.post_reply(ticket=ticket, actor=alice.user, body="Noted.")
    signed_in(client, alice.user)

    page = client.get(url(ticket)).text

    assert f'name="last_message_id" value="{message.pk}"' in page


def test_a_long_thread_carries_its_latest_message_even_when_the_tail_shows_none(client, alice, carol, ticket):
    add_entries(ticket, alice, 60, files=0)
    message = services.post_message(ticket=ticket, author=carol, body="Still smoking.")
    add_entries(ticket, alice, 60, files=0)  # the 50 entries shown at the end are all notes
    signed_in(client, alice.user)

    page = client.get(url(ticket)).text

    assert "Still smoking." not in page  # hidden in the middle
    assert f'name="last_message_id" value="{message.pk}"' in page
    assert f'name="last_message_id" value="{message.pk}"' in client.get(url(ticket, "?all=1")).text


def test_a_long_thread_carries_the_latest_message_of_its_tail(client, alice, carol, ticket):
    add_entries(ticket, alice, 120, files=0)
    message = services.post_message(ticket=ticket, author=carol, body="Smoke again.")
    services.post_note(ticket=ticket, actor=alice.user, body="On it.")
    signed_in(client, alice.user)

    page = client.get(url(ticket)).text

    assert f'name="last_message_id" value="{message.pk}"' in page


def test_the_canned_picker_lists_active_global_and_department_responses(client, alice, support, billing, ticket):
    CannedResponse.objects.create(title="Global thanks", body="Thanks")
    CannedResponse.objects.create(title="Support hello", body="Hi", department=support)
    CannedResponse.objects.create(title="Billing hello", body="Hi", department=billing)
    CannedResponse.objects.create(title="Retired", body="Old", is_active=False)
    signed_in(client, alice.user)

    page = client.get(url(ticket)).text

    assert "Global thanks" in page
    assert "Support hello" in page
    assert "Billing hello" not in page
    assert "Retired" not in page


def test_an_agent_without_the_reply_permission_sees_no_reply_box(client, alice, agent_role, ticket):
    agent_role.can_reply = False
    agent_role.save()
    signed_in(client, alice.user)

    page = client.get(url(ticket)).text

    assert "data-reply-form" not in page
    assert "You may read this ticket but not reply to it." in page


def test_the_page_includes_the_actions_panel_and_the_activity_tab(client, alice, ticket):
    signed_in(client, alice.user)

    page = client.get(url(ticket)).text

    assert 'id="activity-pane"' in page
    assert "ticket-actions" in page


def test_the_page_has_no_inline_script_or_style(client, alice, ticket):
    signed_in(client, alice.user)

    page = client.get(url(ticket)).text

    assert "<script>" not in page
    assert " style=" not in page
    assert "<style" not in page


def test_the_first_entry_is_the_customers_message(client, alice, ticket):
    signed_in(client, alice.user)
    first = ThreadEntry.objects.filter(ticket=ticket).first()
    assert first is not None

    page = client.get(url(ticket)).text

    assert f'id="entry-{first.pk}"' in page
    assert "thread-message" in page


def test_the_cc_field_asks_the_people_search_for_suggestions(client, alice, ticket):
    signed_in(client, alice.user)

    page = client.get(url(ticket)).text

    assert 'data-people-search="/scp/people/search"' in page
    assert "data-people-multiple" in page


def test_an_admin_without_an_agent_profile_gets_a_public_reply_box(client, admin_user, ticket):
    signed_in(client, admin_user)

    page = client.get(url(ticket)).text

    assert 'value="public" autocomplete="off" checked' in page
    ticket.refresh_from_db()
    assert ticket.unread_count == 0  # superusers read tickets too


def test_a_merged_ticket_opens_read_only_pointing_at_its_target(client, alice, admin_user, carol, support, ticket):
    target = services.open_ticket(requester=carol, subject="The main one", body="x", department=support)
    services.merge(ticket=ticket, into=target, actor=admin_user)
    Ticket.objects.filter(pk=ticket.pk).update(unread_count=1)  # even with a stale unread count
    signed_in(client, alice.user)

    response = client.get(url(ticket))

    assert response.status_code == 200
    assert f"merged into #{target.number}" in response.text
    assert "data-reply-form" not in response.text
