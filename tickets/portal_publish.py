"""The staff panel's "Publish in the public reports" action: a public title and summary, edited by an agent.

It lives with the portal because the published text is only ever shown there (tickets.portal_reports).
"""

from __future__ import annotations

from django import forms
from django.http import HttpResponse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from helpdesk.accounts.views import StaffRequest, staff_required
from tickets import services
from tickets.access import ticket_for_agent
from tickets.action_forms import first_error
from tickets.action_views import _apply, _refuse


class PublishForm(forms.Form):
    published = forms.BooleanField(label=gettext_lazy("Listed in the public reports"), required=False)
    public_title = forms.CharField(label=gettext_lazy("Public title"), max_length=255, required=False)
    public_summary = forms.CharField(label=gettext_lazy("Public summary"), max_length=5000, required=False)


@require_POST
@staff_required
def ticket_publish(request: StaffRequest, number: str) -> HttpResponse:
    """Publish the ticket under the edited title and summary, or withdraw it; agents who may edit it only."""
    ticket = ticket_for_agent(request.user, number)
    form = PublishForm(request.POST)
    if not form.is_valid():
        return _refuse(request, ticket, first_error(form))
    data = form.cleaned_data
    done = _("Published in the public reports.") if data["published"] else _("Not in the public reports.")
    return _apply(
        request,
        ticket,
        lambda: services.set_publication(
            ticket=ticket,
            actor=request.user,
            published=data["published"],
            title=data["public_title"],
            summary=data["public_summary"],
        ),
        done,
    )
