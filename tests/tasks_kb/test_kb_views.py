"""The knowledge base in /scp: who may read and manage FAQs and categories, search, preview and files."""

from __future__ import annotations

import pytest

from faq.models import Category, Faq
from faq.services import save_faq
from tests.conftest import signed_in
from tickets.models import HelpTopic
from tickets.services import NewAttachment


@pytest.fixture
def printers(db) -> Category:
    return Category.objects.create(name="Printers", is_public=True)


@pytest.fixture
def toner(printers) -> Faq:
    return Faq.objects.create(category=printers, question="How do I change the toner?", answer="<p>Open the lid.</p>")


FAQ_FORM = {"question": "Why is it slow?", "answer": "<p>Because.</p>", "keywords": "speed", "is_public": "on"}


# --- the permission matrix -------------------------------------------------------------------

READ_PAGES = ["/scp/kb/", "/scp/kb/faqs/{faq}/"]
MANAGE_PAGES = [
    "/scp/kb/faqs/new",
    "/scp/kb/faqs/{faq}/edit",
    "/scp/kb/categories/new",
    "/scp/kb/categories/{cat}/edit",
]


def fill(path: str, faq: Faq) -> str:
    return path.format(faq=faq.pk, cat=faq.category_id)


@pytest.mark.parametrize("path", READ_PAGES + MANAGE_PAGES)
def test_anonymous_visitors_are_sent_to_sign_in(client, toner, path):
    response = client.get(fill(path, toner))

    assert response.status_code == 302
    assert response.url.startswith("/scp/login")


@pytest.mark.parametrize("path", READ_PAGES + MANAGE_PAGES)
def test_customers_get_403(client, carol, toner, path):
    signed_in(client, carol)

    assert client.get(fill(path, toner)).status_code == 403


@pytest.mark.parametrize("path", READ_PAGES)
def test_every_agent_reads_the_knowledge_base(client, bob, toner, path):
    signed_in(client, bob.user)

    assert client.get(fill(path, toner)).status_code == 200


@pytest.mark.parametrize("path", MANAGE_PAGES)
def test_an_agent_who_manages_no_department_cannot_manage_it(client, bob, toner, path):
    signed_in(client, bob.user)

    assert client.get(fill(path, toner)).status_code == 404


@pytest.mark.parametrize("path", MANAGE_PAGES)
def test_a_department_manager_manages_it(client, manager, toner, path):
    signed_in(client, manager.user)

    assert client.get(fill(path, toner)).status_code == 200


@pytest.mark.parametrize("path", MANAGE_PAGES)
def test_an_admin_manages_it(client, admin_user, toner, path):
    signed_in(client, admin_user)

    assert client.get(fill(path, toner)).status_code == 200


def test_a_plain_agent_cannot_delete_a_faq(client, bob, toner):
    signed_in(client, bob.user)

    client.post(f"/scp/kb/faqs/{toner.pk}/delete")

    assert Faq.objects.filter(pk=toner.pk).exists()


def test_a_manager_deletes_a_faq(client, manager, toner):
    signed_in(client, manager.user)

    client.post(f"/scp/kb/faqs/{toner.pk}/delete")

    assert not Faq.objects.filter(pk=toner.pk).exists()


def test_a_plain_agent_cannot_post_a_new_faq(client, bob, printers):
    signed_in(client, bob.user)

    assert client.post("/scp/kb/faqs/new", {**FAQ_FORM, "category": printers.pk}).status_code == 404
    assert not Faq.objects.exists()


# --- writing FAQs and categories --------------------------------------------------------------


def test_the_answer_is_sanitised(client, manager, printers):
    signed_in(client, manager.user)

    client.post(
        "/scp/kb/faqs/new",
        {
            **FAQ_FORM,
            "category": printers.pk,
            "answer": '<p onclick="x()">Hi<script>alert(1)</script> <b>there</b></p>',
        },
    )

    assert Faq.objects.get().answer == "<p>Hi <b>there</b></p>"


def test_a_faq_keeps_topics_and_files(client, manager, printers, support, tmp_path):
    topic = HelpTopic.objects.create(name="Printing", department=support)
    upload = tmp_path / "guide.pdf"
    upload.write_bytes(b"%PDF")
    signed_in(client, manager.user)

    with upload.open("rb") as handle:
        client.post(
            "/scp/kb/faqs/new", {**FAQ_FORM, "category": printers.pk, "help_topics": [topic.pk], "add_files": handle}
        )

    faq = Faq.objects.get()
    assert list(faq.help_topics.all()) == [topic]
    assert faq.attachments.get().name == "guide.pdf"


def test_a_file_can_be_removed(client, manager, toner):
    save_faq(
        actor=manager.user,
        faq=toner,
        category=toner.category,
        question=toner.question,
        answer=toner.answer,
        add_files=[NewAttachment(name="old.txt", content=b"x")],
    )
    old = toner.attachments.get()
    signed_in(client, manager.user)

    client.post(
        f"/scp/kb/faqs/{toner.pk}/edit",
        {**FAQ_FORM, "category": toner.category_id, "remove_files": [old.pk]},
    )

    assert not toner.attachments.exists()


def test_an_empty_answer_is_refused(client, manager, printers):
    signed_in(client, manager.user)

    response = client.post("/scp/kb/faqs/new", {**FAQ_FORM, "category": printers.pk, "answer": "<script></script>"})

    assert response.status_code == 400
    assert not Faq.objects.exists()


def test_a_category_with_faqs_is_not_deleted(client, manager, toner):
    signed_in(client, manager.user)

    response = client.post(f"/scp/kb/categories/{toner.category_id}/delete", follow=True)

    assert Category.objects.filter(pk=toner.category_id).exists()
    assert "Move or delete the FAQs of Printers first." in response.content.decode()


def test_a_manager_creates_an_internal_category(client, manager):
    signed_in(client, manager.user)

    client.post("/scp/kb/categories/new", {"name": "Runbooks", "description": ""})

    assert Category.objects.get(name="Runbooks").is_public is False


# --- search, preview, files -------------------------------------------------------------------


def test_search_finds_by_keyword_and_question(client, bob, toner, printers):
    Faq.objects.create(category=printers, question="Paper jam", answer="<p>Pull.</p>", keywords="stuck sheet")
    signed_in(client, bob.user)

    found = client.get("/scp/kb/?q=stuck").context["page"].object_list

    assert [faq.question for faq in found] == ["Paper jam"]


def test_the_list_takes_a_fixed_number_of_queries(client, bob, printers, django_assert_max_num_queries):
    for number in range(15):
        Faq.objects.create(category=printers, question=f"Q{number}", answer="<p>A</p>")
    signed_in(client, bob.user)

    with django_assert_max_num_queries(12):
        client.get("/scp/kb/")


def test_the_preview_shows_the_answer_as_the_portal_would_and_says_it_is_public(client, bob, toner):
    signed_in(client, bob.user)

    page = client.get(f"/scp/kb/faqs/{toner.pk}/").content.decode()

    assert "<p>Open the lid.</p>" in page
    assert "Customers see this in the portal" in page


def test_a_faq_in_an_internal_category_is_marked_internal(client, bob, toner):
    toner.category.is_public = False
    toner.category.save()
    signed_in(client, bob.user)

    assert "its category is internal" in client.get(f"/scp/kb/faqs/{toner.pk}/").content.decode()


def test_a_faq_file_downloads_for_agents(client, bob, manager, toner):
    save_faq(
        actor=manager.user,
        faq=toner,
        category=toner.category,
        question=toner.question,
        answer=toner.answer,
        add_files=[NewAttachment(name="a.txt", content=b"hello")],
    )
    signed_in(client, bob.user)

    response = client.get(f"/scp/kb/faqs/{toner.pk}/files/{toner.attachments.get().pk}")

    assert b"".join(response.streaming_content) == b"hello"


def test_a_file_of_a_canned_response_is_404_through_a_faq(client, bob, admin_user, toner):
    from faq.services import save_canned

    canned = save_canned(
        actor=admin_user, title="T", body="B", department=None, add_files=[NewAttachment(name="c.txt", content=b"c")]
    )
    signed_in(client, bob.user)

    assert client.get(f"/scp/kb/faqs/{toner.pk}/files/{canned.attachments.get().pk}").status_code == 404
