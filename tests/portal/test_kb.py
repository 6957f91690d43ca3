"""The public knowledge base: only public FAQs in public categories, search, votes, files."""

from __future__ import annotations

import pytest
from django.urls import reverse

from faq.models import Faq
from tickets.services import NewAttachment, save_attachment


def test_the_index_lists_public_categories_only(client, kb):
    content = client.get(reverse("portal:kb")).content

    assert b"Printing" in content
    assert b"Staff only" not in content


def test_a_public_faq_opens(client, kb):
    response = client.get(reverse("portal:faq", args=[kb["public"].pk]))

    assert response.status_code == 200
    assert b"Open the lid." in response.content


@pytest.mark.parametrize("which", ["internal", "hidden_category"])
def test_an_internal_faq_gets_404(client, kb, which):
    assert client.get(reverse("portal:faq", args=[kb[which].pk])).status_code == 404


def test_an_internal_category_gets_404(client, kb):
    category = kb["hidden_category"].category

    assert client.get(reverse("portal:kb_category", args=[category.pk])).status_code == 404


def test_a_category_page_lists_its_public_faqs_only(client, kb):
    content = client.get(reverse("portal:kb_category", args=[kb["public"].category_id])).content

    assert b"How to refill toner" in content
    assert b"supplier" not in content


def test_search_finds_public_faqs_only(client, kb):
    content = client.get(reverse("portal:kb"), {"q": "toner"}).content

    assert b"How to refill toner" in content
    assert b"supplier" not in content
    assert b"discount" not in content


def test_search_also_reads_the_answer(client, kb):
    assert b"How to refill toner" in client.get(reverse("portal:kb"), {"q": "lid"}).content


def test_a_helpful_vote_counts_once_per_session(client, kb):
    faq = kb["public"]
    vote = reverse("portal:faq_vote", args=[faq.pk])

    client.post(vote, {"helpful": "yes"})
    client.post(vote, {"helpful": "yes"})
    client.post(vote, {"helpful": "no"})

    faq.refresh_from_db()
    assert (faq.helpful_yes, faq.helpful_no) == (1, 0)


def test_another_session_votes_again(client, kb):
    from django.test import Client

    faq = kb["public"]
    client.post(reverse("portal:faq_vote", args=[faq.pk]), {"helpful": "no"})
    Client().post(reverse("portal:faq_vote", args=[faq.pk]), {"helpful": "no"})

    faq.refresh_from_db()
    assert faq.helpful_no == 2


def test_voting_needs_post(client, kb):
    assert client.get(reverse("portal:faq_vote", args=[kb["public"].pk])).status_code == 405


def test_an_internal_faq_takes_no_votes(client, kb):
    faq = kb["internal"]

    assert client.post(reverse("portal:faq_vote", args=[faq.pk]), {"helpful": "yes"}).status_code == 404
    assert Faq.objects.get(pk=faq.pk).helpful_yes == 0


def faq_file(faq, name="guide.pdf", content_type="application/pdf"):
    attachment = save_attachment(NewAttachment(name=name, content=b"%PDF guide", content_type=content_type))
    faq.attachments.add(attachment)
    return attachment


def test_a_public_faqs_file_downloads(client, kb):
    attachment = faq_file(kb["public"])

    response = client.get(reverse("portal:faq_attachment", args=[kb["public"].pk, attachment.pk]))

    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment;")


def test_an_internal_faqs_file_gets_404(client, kb):
    attachment = faq_file(kb["internal"])

    assert client.get(reverse("portal:faq_attachment", args=[kb["internal"].pk, attachment.pk])).status_code == 404


def test_another_faqs_file_through_a_public_faq_gets_404(client, kb):
    attachment = faq_file(kb["internal"])

    assert client.get(reverse("portal:faq_attachment", args=[kb["public"].pk, attachment.pk])).status_code == 404


def test_an_svg_file_of_a_faq_is_only_downloaded(client, kb):
    attachment = faq_file(kb["public"], name="chart.svg", content_type="image/svg+xml")

    response = client.get(reverse("portal:faq_attachment", args=[kb["public"].pk, attachment.pk]))

    assert response["Content-Disposition"].startswith("attachment;")
    assert response["Content-Type"] == "application/octet-stream"


def test_the_index_has_a_constant_number_of_queries(client, kb, django_assert_max_num_queries):
    with django_assert_max_num_queries(2):
        client.get(reverse("portal:kb"))


@pytest.mark.parametrize("files", [0, 3])
def test_a_faq_page_has_a_constant_number_of_queries(client, kb, files, django_assert_max_num_queries):
    for n in range(files):
        faq_file(kb["public"], name=f"guide{n}.pdf")

    with django_assert_max_num_queries(3):
        client.get(reverse("portal:faq", args=[kb["public"].pk]))
