"""An agent picks the mail alerts they want on their profile page, and the admin can set them too."""

from django.urls import reverse

from tests.conftest import signed_in

URL = "/scp/profile/"
PROFILE = {"name": "Alice Agent", "language": "en", "default_reply_type": "public", "page_size": "25"}


def test_an_agent_turns_on_only_the_overdue_alert(client, alice):
    form = {**PROFILE, "notify_by_email": "on", "notify_on_overdue": "on"}

    response = signed_in(client, alice.user).post(URL, form)

    assert response.status_code == 302
    alice.refresh_from_db()
    assert (alice.notify_on_overdue, alice.notify_on_new_ticket) == (True, False)


def test_the_profile_page_offers_the_new_ticket_and_overdue_alerts(client, alice):
    page = signed_in(client, alice.user).get(URL).content.decode()

    assert 'name="notify_on_new_ticket"' in page
    assert 'name="notify_on_overdue"' in page


def test_the_admin_edits_an_agents_alerts(client, admin_user, alice):
    page = signed_in(client, admin_user).get(reverse("admin:accounts_agent_change", args=[alice.pk]))

    assert 'name="notify_on_new_ticket"' in page.content.decode()
