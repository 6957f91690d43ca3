"""The top bar's notification counter: what it counts, its dropdown, and marking read by POST."""

from __future__ import annotations

from django.db import connection
from django.test.utils import CaptureQueriesContext

from helpdesk.accounts.models import Notification
from tests.conftest import signed_in

URL = "/scp/notifications/"
READ = "/scp/notifications/read"


def _notify(user, ticket=None, text="Assigned to you") -> Notification:
    return Notification.objects.create(recipient=user, kind=Notification.Kind.ASSIGNED, ticket=ticket, text=text)


def test_the_counter_shows_my_unread_notifications(client, alice, ticket):
    _notify(alice.user, ticket, "Printer on fire is yours")
    response = signed_in(client, alice).get(URL)
    assert (response.context["count"], 'data-count="1"' in response.content.decode()) == (1, True)
    assert "Printer on fire is yours" in response.content.decode()


def test_someone_else_s_notifications_are_not_counted(client, alice, bob):
    _notify(bob.user)
    assert signed_in(client, alice).get(URL).context["count"] == 0


def test_read_notifications_are_not_counted(client, alice):
    from django.utils import timezone

    _notify(alice.user)
    Notification.objects.update(read_at=timezone.now())
    assert signed_in(client, alice).get(URL).context["count"] == 0


def test_a_new_assignment_raises_the_counter(client, ticket, alice, admin_user):
    from tickets import services

    services.assign(ticket=ticket, actor=admin_user, agent=alice)
    assert signed_in(client, alice).get(URL).context["count"] == 1


def test_marking_one_read_leaves_the_others(client, alice):
    first, second = _notify(alice.user), _notify(alice.user)
    response = signed_in(client, alice).post(READ, {"id": first.pk}, HTTP_HX_REQUEST="true")
    assert response.context["count"] == 1
    assert Notification.objects.filter(read_at__isnull=True).get() == second


def test_marking_all_read_empties_the_counter(client, alice):
    _notify(alice.user), _notify(alice.user)
    response = signed_in(client, alice).post(READ)
    assert response.status_code == 302
    assert not Notification.objects.filter(read_at__isnull=True).exists()


def test_nobody_marks_another_person_s_notifications(client, alice, bob):
    theirs = _notify(bob.user)
    signed_in(client, alice).post(READ, {"id": theirs.pk})
    theirs.refresh_from_db()
    assert theirs.read_at is None


def test_marking_read_needs_a_post(client, alice):
    assert signed_in(client, alice).get(READ).status_code == 405


def test_customers_get_no_counter(client, carol):
    assert signed_in(client, carol).get(URL).status_code == 403


def test_the_counter_answers_in_a_fixed_number_of_queries(client, alice, ticket, django_assert_num_queries):
    signed_in(client, alice)
    _notify(alice.user, ticket)
    with CaptureQueriesContext(connection) as one:
        client.get(URL)
    for _n in range(5):
        _notify(alice.user, ticket)
    with django_assert_num_queries(len(one)):
        client.get(URL)
