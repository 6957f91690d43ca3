"""The public knowledge base: categories, search, FAQ pages with "was this helpful?", FAQ attachments.

Only Faq.objects.public() is ever read here: a FAQ shows when it and its category are both public.
"""

from __future__ import annotations

from django.contrib import messages
from django.db.models import Count, F, Q
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from faq.models import Category, Faq
from tickets.portal_ticket_views import serve_file
from tickets.portal_views import search_faqs

VOTES_KEY = "portal_faq_votes"


@require_GET
def kb_index(request: HttpRequest) -> HttpResponse:
    """Public categories with their number of public FAQs, or search results when ``q`` is given."""
    text = request.GET.get("q", "").strip()[:100]
    if text:
        faqs = list(search_faqs(text)[:50])
        return render(request, "portal/kb_search.html", {"q": text, "faqs": faqs})
    public = Q(faqs__is_public=True)
    categories = (
        Category.objects.filter(is_public=True)
        .annotate(public_count=Count("faqs", filter=public))
        .filter(public_count__gt=0)
        .order_by("name")
    )
    return render(request, "portal/kb.html", {"categories": categories})


@require_GET
def kb_category(request: HttpRequest, pk: int) -> HttpResponse:
    category = get_object_or_404(Category, pk=pk, is_public=True)
    faqs = Faq.objects.public().filter(category=category).order_by("question")
    return render(request, "portal/kb_category.html", {"category": category, "faqs": faqs})


def _public_faq(pk: int) -> Faq:
    return get_object_or_404(Faq.objects.public().select_related("category"), pk=pk)


@require_GET
def faq_page(request: HttpRequest, pk: int) -> HttpResponse:
    """One public FAQ, its files, and the helpful/not helpful buttons (once per session)."""
    faq = _public_faq(pk)
    context = {
        "faq": faq,
        "files": list(faq.attachments.order_by("id")),
        "voted": pk in request.session.get(VOTES_KEY, []),
    }
    return render(request, "portal/faq.html", context)


@require_POST
def faq_vote(request: HttpRequest, pk: int) -> HttpResponse:
    """Count one "helpful" or "not helpful" per session and FAQ."""
    faq = _public_faq(pk)
    answer = request.POST.get("helpful")
    votes: list[int] = request.session.get(VOTES_KEY, [])
    if answer not in ("yes", "no"):
        raise Http404("No such answer.")
    if faq.pk not in votes:
        field = "helpful_yes" if answer == "yes" else "helpful_no"
        Faq.objects.filter(pk=faq.pk).update(**{field: F(field) + 1})
        request.session[VOTES_KEY] = [*votes[-199:], faq.pk]
        messages.success(request, _("Thank you for your feedback."))
    return redirect("portal:faq", pk=faq.pk)


@require_GET
def faq_attachment(request: HttpRequest, pk: int, file_pk: int) -> FileResponse:
    faq = _public_faq(pk)
    item = faq.attachments.filter(pk=file_pk).first()
    if item is None:
        raise Http404("No such attachment.")
    return serve_file(item)
