"""The knowledge base in the staff panel: FAQs and their categories, canned responses, and the FAQ links
offered in the ticket reply box.

Every agent reads the whole knowledge base; the changes go through ``faq.services``, which say who may make
them (see ``faq.access``). Forms post and redirect; the live preview and the FAQ search answer htmx requests
with a fragment.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.core.paginator import Paginator
from django.db.models import Count, Q, QuerySet
from django.forms import BaseForm
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from faq import access, services
from faq.forms import CannedForm, CategoryForm, FaqForm, PreviewForm
from faq.links import portal_faq_url
from faq.models import Category, Faq
from helpdesk.accounts.views import StaffRequest, staff_required
from tasks import files
from tickets.canned import VARIABLES, render_body, sample_variables
from tickets.queue_views import page_size_for
from tickets.services import TicketError

FAQ_LINKS_SHOWN = 8


def _search(faqs: QuerySet[Faq], words: str) -> QuerySet[Faq]:
    for word in words.split()[:8]:
        faqs = faqs.filter(Q(question__icontains=word) | Q(keywords__icontains=word) | Q(answer__icontains=word))
    return faqs


# --- FAQs and categories -------------------------------------------------------------------------


@require_GET
@staff_required
def kb(request: StaffRequest) -> HttpResponse:
    """Categories with their FAQ counts, and the FAQs found by the search (or of the chosen category)."""
    words = request.GET.get("q", "").strip()[:200]
    category = request.GET.get("category", "")
    faqs = _search(Faq.objects.select_related("category"), words)
    if category.isdigit():
        faqs = faqs.filter(category_id=int(category))
    context: dict[str, Any] = {
        "categories": Category.objects.annotate(faq_count=Count("faqs")),
        "page": Paginator(faqs.order_by("question", "pk"), page_size_for(request.user)).get_page(
            request.GET.get("page")
        ),
        "q": words,
        "category": int(category) if category.isdigit() else None,
        "may_manage": access.may_manage_kb(request.user),
    }
    return render(request, "scp/kb/index.html", context)


def _save_or_show(
    request: StaffRequest,
    form: BaseForm,
    template: str,
    save: Callable[[dict[str, Any]], str],
    context: dict[str, Any],
) -> HttpResponse:
    """Validate the form and run ``save(cleaned_data)``; on success go where it returns, else show the form again."""
    if request.method == "POST" and form.is_valid():
        try:
            target = save(form.cleaned_data)
        except TicketError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, _("Saved."))
            return redirect(target)
    status = 400 if request.method == "POST" else 200
    return render(request, template, {**context, "form": form}, status=status)


def _managers_only(request: StaffRequest) -> None:
    if not access.may_manage_kb(request.user):
        raise Http404("Nothing to manage here.")


@require_http_methods(["GET", "POST"])
@staff_required
def kb_category_edit(request: StaffRequest, pk: int | None = None) -> HttpResponse:
    _managers_only(request)
    category = access.category_for_agent(request.user, pk) if pk else None
    form = CategoryForm(request.POST or None, instance=category)

    def save(data: dict[str, Any]) -> str:
        saved = services.save_category(actor=request.user, category=category, **data)
        return f"{reverse('scp:kb')}?category={saved.pk}"

    return _save_or_show(request, form, "scp/kb/category_form.html", save, {"category": category})


@require_POST
@staff_required
def kb_category_delete(request: StaffRequest, pk: int) -> HttpResponse:
    category = access.category_for_agent(request.user, pk)
    try:
        services.delete_category(actor=request.user, category=category)
    except TicketError as error:
        messages.error(request, str(error))
    else:
        messages.success(request, _("Deleted the category “%(name)s”.") % {"name": category.name})
    return redirect("scp:kb")


@require_GET
@staff_required
def kb_faq(request: StaffRequest, pk: int) -> HttpResponse:
    """The FAQ as the portal shows it (a preview), with its state and the actions for managers."""
    faq = access.faq_for_agent(request.user, pk)
    context = {
        "faq": faq,
        "files": list(faq.attachments.order_by("pk")),
        "topics": list(faq.help_topics.select_related("parent")),
        "portal_url": portal_faq_url(faq) if faq.is_published else None,
        "may_manage": access.may_manage_kb(request.user),
    }
    return render(request, "scp/kb/faq.html", context)


@require_http_methods(["GET", "POST"])
@staff_required
def kb_faq_edit(request: StaffRequest, pk: int | None = None) -> HttpResponse:
    _managers_only(request)
    faq = access.faq_for_agent(request.user, pk) if pk else None
    form = FaqForm(request.POST or None, request.FILES or None, instance=faq)

    def save(data: dict[str, Any]) -> str:
        saved = services.save_faq(
            actor=request.user,
            faq=faq,
            category=data["category"],
            question=data["question"],
            answer=data["answer"],
            keywords=data["keywords"],
            is_public=data["is_public"],
            help_topics=data["help_topics"],
            add_files=form.new_files(),
            remove_files=data.get("remove_files") or [],
        )
        return reverse("scp:kb_faq", args=[saved.pk])

    return _save_or_show(request, form, "scp/kb/faq_form.html", save, {"faq": faq})


@require_POST
@staff_required
def kb_faq_delete(request: StaffRequest, pk: int) -> HttpResponse:
    faq = access.faq_for_agent(request.user, pk)
    try:
        services.delete_faq(actor=request.user, faq=faq)
    except TicketError as error:
        messages.error(request, str(error))
        return redirect("scp:kb_faq", pk=faq.pk)
    messages.success(request, _("Deleted the FAQ “%(question)s”.") % {"question": faq.question})
    return redirect("scp:kb")


@require_GET
@staff_required
def kb_faq_attachment(request: StaffRequest, pk: int, attachment: int) -> FileResponse:
    faq = access.faq_for_agent(request.user, pk)
    item = faq.attachments.filter(pk=attachment).first()
    if item is None:
        raise Http404("No such attachment.")
    return files.serve(item)


@require_GET
@staff_required
def kb_faq_links(request: StaffRequest) -> HttpResponse:
    """For the reply box (htmx): public FAQs matching the words, each with the text that links to it."""
    words = request.GET.get("faq_q", request.GET.get("q", "")).strip()[:200]
    faqs = _search(Faq.objects.public(), words).order_by("question")[:FAQ_LINKS_SHOWN] if words else []
    links = [(faq, portal_faq_url(faq)) for faq in faqs]
    return render(request, "scp/kb/_faq_links.html", {"links": links, "q": words})


# --- canned responses -----------------------------------------------------------------------------


@require_GET
@staff_required
def kb_canned_list(request: StaffRequest) -> HttpResponse:
    """The canned responses this agent may use, the disabled ones too, with who may change each."""
    canned = access.visible_canned(request.user).select_related("department").annotate(files=Count("attachments"))
    rows = [(item, access.may_manage_canned(request.user, item.department_id)) for item in canned.order_by("title")]
    context = {
        "rows": rows,
        "may_create": access.may_manage_canned(request.user, None) or bool(access.managed_department_ids(request.user)),
    }
    return render(request, "scp/kb/canned_list.html", context)


@require_http_methods(["GET", "POST"])
@staff_required
def kb_canned_edit(request: StaffRequest, pk: int | None = None) -> HttpResponse:
    canned = access.canned_for_agent(request.user, pk) if pk else None
    if canned is not None and not access.may_manage_canned(request.user, canned.department_id):
        raise Http404("Not yours to change.")
    if canned is None and access.managed_department_ids(request.user) == set():
        raise Http404("Nothing to manage here.")
    form = CannedForm(request.POST or None, request.FILES or None, instance=canned, user=request.user)

    def save(data: dict[str, Any]) -> str:
        services.save_canned(
            actor=request.user,
            canned=canned,
            title=data["title"],
            body=data["body"],
            department=data["department"],
            is_active=data["is_active"],
            add_files=form.new_files(),
            remove_files=data.get("remove_files") or [],
        )
        return reverse("scp:kb_canned")

    context = {"canned": canned, "variables": VARIABLES, "preview": _preview(request, canned.body if canned else "")}
    return _save_or_show(request, form, "scp/kb/canned_form.html", save, context)


@require_POST
@staff_required
def kb_canned_toggle(request: StaffRequest, pk: int) -> HttpResponse:
    """Disable an active canned response, or enable a disabled one."""
    canned = access.canned_for_agent(request.user, pk)
    try:
        services.set_canned_active(actor=request.user, canned=canned, active=not canned.is_active)
    except TicketError as error:
        messages.error(request, str(error))
    else:
        done = _("Enabled “%(title)s”.") if canned.is_active else _("Disabled “%(title)s”.")
        messages.success(request, done % {"title": canned.title})
    return redirect("scp:kb_canned")


@require_POST
@staff_required
def kb_canned_preview(request: StaffRequest) -> HttpResponse:
    """The live preview (htmx): the body being written, filled with example values, as escaped text."""
    form = PreviewForm(request.POST)
    body = form.cleaned_data["body"] if form.is_valid() else ""
    return render(request, "scp/kb/_canned_preview.html", {"preview": _preview(request, body)})


def _preview(request: StaffRequest, body: str) -> str:
    return render_body(body, sample_variables(request.user))


@require_GET
@staff_required
def kb_canned_attachment(request: StaffRequest, pk: int, attachment: int) -> FileResponse:
    canned = access.canned_for_agent(request.user, pk)
    item = canned.attachments.filter(pk=attachment).first()
    if item is None:
        raise Http404("No such attachment.")
    return files.serve(item)
