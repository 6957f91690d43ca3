"""HTML typed in the admin (FAQ answers, task descriptions and notes) is sanitised like the staff panel's."""

from __future__ import annotations

from typing import Any

from django.test import Client

from faq.models import Category, Faq
from tasks.models import Task, TaskNote
from tests.test_admin import admin_url

HOSTILE = '<p onclick="steal()">Restart the <b>router</b><script>alert(1)</script></p><iframe src="//x.test"></iframe>'
CLEAN = "<p>Restart the <b>router</b></p>"


def _inline_management(client: Client, url: str) -> dict[str, Any]:
    """The empty inline formsets' management fields of an admin add page."""
    data: dict[str, Any] = {}
    for inline in client.get(url).context["inline_admin_formsets"]:
        prefix = inline.formset.prefix
        data |= {f"{prefix}-TOTAL_FORMS": 0, f"{prefix}-INITIAL_FORMS": 0}
    return data


def test_a_faq_answer_saved_in_the_admin_is_sanitised(admin_client):
    category = Category.objects.create(name="Network")

    response = admin_client.post(
        admin_url(Faq, "add"),
        {"category": category.pk, "question": "No internet?", "answer": HOSTILE, "is_public": "on"},
    )

    assert response.status_code == 302, response.context["adminform"].form.errors
    assert Faq.objects.get().answer == CLEAN


def test_a_task_description_saved_in_the_admin_is_sanitised(admin_client, support):
    url = admin_url(Task, "add")

    response = admin_client.post(
        url, {"title": "Call back", "body": HOSTILE, "department": support.pk} | _inline_management(admin_client, url)
    )

    assert response.status_code == 302, response.context["adminform"].form.errors
    assert Task.objects.get().body == CLEAN


def test_a_task_note_saved_in_the_admin_is_sanitised_and_its_text_follows_the_html(admin_client, support, alice):
    task = Task.objects.create(title="Call back", department=support)

    response = admin_client.post(
        admin_url(TaskNote, "add"),
        {
            "task": task.pk,
            "author": alice.user.pk,
            "body": HOSTILE,
            "created_at_0": "2026-11-24",
            "created_at_1": "10:00",
        },
    )

    assert response.status_code == 302, response.context["adminform"].form.errors
    note = TaskNote.objects.get()
    assert note.body == CLEAN
    assert note.body_text == "Restart the router"
