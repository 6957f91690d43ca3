"""Changes to the knowledge base: FAQs, their categories and canned responses.

Each function checks who may make the change (see ``faq.access``), runs in one transaction, stores answers
as sanitised HTML, and keeps uploaded files as attachments of the FAQ or canned response.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

from django.db import transaction
from django.db.models import Model
from django.utils.translation import gettext as _

from faq import access
from faq.models import CannedResponse, Category, Faq
from helpdesk.accounts.models import Department, User
from tickets.html import sanitize_html
from tickets.models import Attachment, HelpTopic
from tickets.services import NewAttachment, NotAllowed, TicketError, save_attachment


class KnowledgeBaseError(TicketError):
    """A knowledge-base change the rules do not allow."""


def _require_kb(actor: User) -> None:
    if not access.may_manage_kb(actor):
        raise NotAllowed(_("Only administrators and department managers may change the knowledge base."))


def _require_canned(actor: User, department_id: int | None) -> None:
    if not access.may_manage_canned(actor, department_id):
        raise NotAllowed(_("You may not manage the canned responses of this department."))


def _set_fields(instance: Model, fields: dict[str, Any]) -> None:
    for name, value in fields.items():
        setattr(instance, name, value)


def _files(owner: Faq | CannedResponse, add: Sequence[NewAttachment], remove: Iterable[Attachment]) -> None:
    """Attach new files to the owner and drop the removed ones (they belong to no thread, so they go)."""
    removed = [item.pk for item in remove]
    if removed:
        owner.attachments.filter(pk__in=removed).delete()
    if add:
        owner.attachments.add(*(save_attachment(item) for item in add))


@transaction.atomic
def save_category(
    *, actor: User, category: Category | None = None, name: str, description: str, is_public: bool
) -> Category:
    """Create or change a FAQ category."""
    _require_kb(actor)
    category = category or Category()
    _set_fields(category, {"name": name.strip(), "description": description, "is_public": is_public})
    category.save()
    return category


@transaction.atomic
def delete_category(*, actor: User, category: Category) -> None:
    """Delete an empty category; one that still holds FAQs is refused."""
    _require_kb(actor)
    if category.faqs.exists():
        raise KnowledgeBaseError(_("Move or delete the FAQs of %(name)s first.") % {"name": category.name})
    category.delete()


@transaction.atomic
def save_faq(
    *,
    actor: User,
    faq: Faq | None = None,
    category: Category,
    question: str,
    answer: str,
    keywords: str = "",
    is_public: bool = True,
    help_topics: Iterable[HelpTopic] = (),
    add_files: Sequence[NewAttachment] = (),
    remove_files: Iterable[Attachment] = (),
) -> Faq:
    """Create or change a FAQ; the answer is kept as sanitised HTML."""
    _require_kb(actor)
    safe = sanitize_html(answer).strip()
    if not question.strip() or not safe:
        raise KnowledgeBaseError(_("A FAQ needs a question and an answer."))
    faq = faq or Faq()
    fields = {"category": category, "question": question.strip(), "answer": safe, "keywords": keywords.strip()}
    _set_fields(faq, {**fields, "is_public": is_public})
    faq.save()
    faq.help_topics.set(list(help_topics))
    _files(faq, add_files, remove_files)
    return faq


@transaction.atomic
def delete_faq(*, actor: User, faq: Faq) -> None:
    """Delete a FAQ with its files."""
    _require_kb(actor)
    faq.attachments.all().delete()
    faq.delete()


@transaction.atomic
def save_canned(
    *,
    actor: User,
    canned: CannedResponse | None = None,
    title: str,
    body: str,
    department: Department | None,
    is_active: bool = True,
    add_files: Sequence[NewAttachment] = (),
    remove_files: Iterable[Attachment] = (),
) -> CannedResponse:
    """Create or change a canned response, of one department or global."""
    if canned is not None:
        # Read the stored row: a bound form may already have changed the instance's department.
        canned = CannedResponse.objects.select_for_update().get(pk=canned.pk)
        _require_canned(actor, canned.department_id)
    _require_canned(actor, department.pk if department else None)
    title = title.strip()
    if not title or not body.strip():
        raise KnowledgeBaseError(_("A canned response needs a title and a body."))
    clash = CannedResponse.objects.filter(title=title, department=department)
    if canned is not None:
        clash = clash.exclude(pk=canned.pk)
    if clash.exists():
        raise KnowledgeBaseError(_("There is already a canned response called %(title)s there.") % {"title": title})
    canned = canned or CannedResponse()
    _set_fields(canned, {"title": title, "body": body, "department": department, "is_active": is_active})
    canned.save()
    _files(canned, add_files, remove_files)
    return canned


@transaction.atomic
def set_canned_active(*, actor: User, canned: CannedResponse, active: bool) -> CannedResponse:
    """Disable a canned response (it is no longer offered in the reply box) or enable it again."""
    _require_canned(actor, canned.department_id)
    canned.is_active = active
    canned.save(update_fields=["is_active", "updated_at"])
    return canned
