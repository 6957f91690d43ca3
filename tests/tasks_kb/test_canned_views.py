"""Canned responses in /scp: who sees and manages which, the variables list and the live preview."""

from __future__ import annotations

import pytest

from faq.models import CannedResponse
from faq.services import save_canned
from tests.conftest import signed_in
from tickets.services import NewAttachment


@pytest.fixture
def global_reply(db) -> CannedResponse:
    return CannedResponse.objects.create(title="Thanks", body="Thank you, {{ requester.name }}.")


@pytest.fixture
def support_reply(support) -> CannedResponse:
    return CannedResponse.objects.create(title="Reboot", body="Please reboot.", department=support)


@pytest.fixture
def billing_reply(billing) -> CannedResponse:
    return CannedResponse.objects.create(title="Refund", body="Refunded.", department=billing)


def listed(client) -> set[str]:
    return {canned.title for canned, _manageable in client.get("/scp/kb/canned/").context["rows"]}


def test_an_agent_sees_global_responses_and_those_of_their_departments(
    client, alice, global_reply, support_reply, billing_reply
):
    signed_in(client, alice.user)

    assert listed(client) == {"Thanks", "Reboot"}


def test_an_admin_sees_every_response(client, admin_user, global_reply, support_reply, billing_reply):
    signed_in(client, admin_user)

    assert listed(client) == {"Thanks", "Reboot", "Refund"}


def test_a_response_of_another_department_is_404(client, alice, billing_reply):
    signed_in(client, alice.user)

    assert client.get(f"/scp/kb/canned/{billing_reply.pk}/edit").status_code == 404


# --- the permission matrix for changes -------------------------------------------------------


@pytest.mark.parametrize(
    ("who", "which", "allowed"),
    [
        ("alice", "support_reply", False),  # a plain agent of the department
        ("alice", "global_reply", False),
        ("manager", "support_reply", True),  # the department's manager
        ("manager", "global_reply", False),  # only admins change global ones
        ("admin_user", "support_reply", True),
        ("admin_user", "global_reply", True),
    ],
)
def test_who_may_disable_a_response(client, request, who, which, allowed):
    person = request.getfixturevalue(who)
    canned = request.getfixturevalue(which)
    signed_in(client, person)

    client.post(f"/scp/kb/canned/{canned.pk}/toggle")

    canned.refresh_from_db()
    assert canned.is_active is not allowed


@pytest.mark.parametrize(("who", "status"), [("alice", 404), ("manager", 200), ("admin_user", 200)])
def test_who_may_open_the_new_response_form(client, request, who, status):
    signed_in(client, request.getfixturevalue(who))

    assert client.get("/scp/kb/canned/new").status_code == status


def test_customers_get_403(client, carol, support_reply):
    signed_in(client, carol)

    assert client.get("/scp/kb/canned/").status_code == 403


def test_a_manager_cannot_move_a_response_into_their_department(client, manager, support, billing, agent_role):
    from helpdesk.accounts.models import DepartmentAccess

    DepartmentAccess.objects.create(agent=manager, department=billing, role=agent_role)
    refund = CannedResponse.objects.create(title="Refund", body="Refunded.", department=billing)
    signed_in(client, manager.user)

    response = client.post(
        f"/scp/kb/canned/{refund.pk}/edit", {"title": "Refund", "body": "Mine now", "department": support.pk}
    )

    assert response.status_code == 404
    refund.refresh_from_db()
    assert (refund.department, refund.body) == (billing, "Refunded.")


def test_a_manager_writes_a_response_for_their_department_with_a_file(client, manager, support, tmp_path):
    upload = tmp_path / "form.pdf"
    upload.write_bytes(b"%PDF")
    signed_in(client, manager.user)

    with upload.open("rb") as handle:
        client.post(
            "/scp/kb/canned/new",
            {
                "title": "Form",
                "body": "Fill in the form.",
                "department": support.pk,
                "is_active": "on",
                "add_files": handle,
            },
        )

    canned = CannedResponse.objects.get()
    assert (canned.department, canned.attachments.get().name) == (support, "form.pdf")


def test_a_manager_may_not_write_a_global_response(client, manager):
    signed_in(client, manager.user)

    response = client.post("/scp/kb/canned/new", {"title": "All", "body": "x", "department": "", "is_active": "on"})

    assert response.status_code == 400
    assert not CannedResponse.objects.exists()


def test_an_admin_writes_a_global_response(client, admin_user):
    signed_in(client, admin_user)

    client.post("/scp/kb/canned/new", {"title": "All", "body": "x", "department": "", "is_active": "on"})

    assert CannedResponse.objects.get().department is None


def test_a_duplicate_title_in_the_same_place_is_refused(admin_user, global_reply):
    from faq.services import KnowledgeBaseError

    with pytest.raises(KnowledgeBaseError):
        save_canned(actor=admin_user, title="Thanks", body="again", department=None)


# --- variables and preview -------------------------------------------------------------------


def test_the_form_lists_the_variables(client, admin_user):
    signed_in(client, admin_user)

    page = client.get("/scp/kb/canned/new").content.decode()

    for name in ("ticket.number", "ticket.subject", "requester.name", "agent.name", "agent.signature"):
        assert "{{ " + name + " }}" in page


def test_the_live_preview_fills_example_values(client, alice):
    alice.signature = "Alice from Support"
    alice.save()
    signed_in(client, alice.user)

    response = client.post(
        "/scp/kb/canned/preview", {"body": "Dear {{ requester.name }}, #{{ ticket.number }}\n{{ agent.signature }}"}
    )

    assert (
        response.content.decode().strip()
        == '<div class="canned-preview">Dear Maria Rossi, #123456<br>Alice from Support</div>'
    )


def test_the_live_preview_escapes_what_it_shows(client, alice):
    alice.user.name = "<b>Al</b>"
    alice.user.save()
    signed_in(client, alice.user)

    page = client.post("/scp/kb/canned/preview", {"body": "<script>x</script> {{ agent.name }}"}).content.decode()

    assert "<script>" not in page and "<b>" not in page
    assert "&lt;script&gt;x&lt;/script&gt; &lt;b&gt;Al&lt;/b&gt;" in page


def test_the_preview_only_answers_post(client, alice):
    signed_in(client, alice.user)

    assert client.get("/scp/kb/canned/preview").status_code == 405


def test_a_file_of_a_response_downloads_for_who_sees_it(client, alice, bob, admin_user, support):
    canned = save_canned(
        actor=admin_user, title="F", body="b", department=support, add_files=[NewAttachment(name="f.txt", content=b"f")]
    )
    url = f"/scp/kb/canned/{canned.pk}/files/{canned.attachments.get().pk}"

    signed_in(client, alice.user)
    assert client.get(url).status_code == 200
    signed_in(client, bob.user)
    assert client.get(url).status_code == 404
