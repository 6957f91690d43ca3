"""Who may read and manage the knowledge base in the staff panel.

Every agent reads every FAQ and category (public and internal). FAQs and categories are managed by
superusers and by department managers (``Department.manager``). Canned responses: an agent sees the
global ones and those of the departments they have a role in; a department's manager manages that
department's responses, and only superusers manage the global ones.
"""

from __future__ import annotations

from django.db.models import Q, QuerySet
from django.http import Http404

from faq.models import CannedResponse, Category, Faq
from helpdesk.accounts.models import Department, User
from tickets.access import agent_of, department_ids


def _is_admin(user: User) -> bool:
    return user.is_active and user.is_superuser


def managed_department_ids(user: User) -> set[int] | None:
    """Departments the user manages; ``None`` means every one (superusers)."""
    if _is_admin(user):
        return None
    agent = agent_of(user)
    if agent is None:
        return set()
    return set(Department.objects.filter(manager=agent).values_list("pk", flat=True))


def may_manage_kb(user: User) -> bool:
    """Whether the user may create, edit and delete FAQs and categories."""
    managed = managed_department_ids(user)
    return managed is None or bool(managed)


def may_manage_canned(user: User, department_id: int | None) -> bool:
    """Whether the user may manage canned responses of a department (``None``: the global ones)."""
    managed = managed_department_ids(user)
    if managed is None:
        return True
    return department_id is not None and department_id in managed


def visible_canned(user: User) -> QuerySet[CannedResponse]:
    """Canned responses the user may see in the staff panel (active or not)."""
    departments = department_ids(user)
    if departments is None:
        return CannedResponse.objects.all()
    if agent_of(user) is None:
        return CannedResponse.objects.none()
    managed = managed_department_ids(user) or set()
    return CannedResponse.objects.filter(
        Q(department__isnull=True) | Q(department_id__in=departments) | Q(department_id__in=managed)
    )


def canned_for_agent(user: User, pk: int) -> CannedResponse:
    """The canned response if the user may see it, else 404."""
    canned = visible_canned(user).filter(pk=pk).first()
    if canned is None:
        raise Http404("No such canned response.")
    return canned


def faq_for_agent(user: User, pk: int) -> Faq:
    """The FAQ (public or internal) for any agent, else 404."""
    faq = Faq.objects.select_related("category").filter(pk=pk).first() if user.is_staff else None
    if faq is None:
        raise Http404("No such FAQ.")
    return faq


def category_for_agent(user: User, pk: int) -> Category:
    """The category for any agent, else 404."""
    category = Category.objects.filter(pk=pk).first() if user.is_staff else None
    if category is None:
        raise Http404("No such category.")
    return category
