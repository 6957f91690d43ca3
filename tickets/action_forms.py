"""The small forms behind the ticket page's action panel. They only parse input: the services judge it.

Choice fields accept any existing row (an inactive team, a department the ticket is already in) so that
the service's own refusal, worded for the agent, is what they see rather than "Select a valid choice".
"""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from helpdesk.accounts.models import Agent, Department, Team, User
from tickets.models import Priority, Status, TicketType

TICKET_NUMBER = r"^#?\d{1,20}$"


class AssignForm(forms.Form):
    agent = forms.ModelChoiceField(
        label=_("Agent"), queryset=Agent.objects.select_related("user").filter(user__is_active=True), required=False
    )
    team = forms.ModelChoiceField(label=_("Team"), queryset=Team.objects.all(), required=False)


class TransferForm(forms.Form):
    department = forms.ModelChoiceField(label=_("Department"), queryset=Department.objects.all())


class StatusForm(forms.Form):
    status = forms.ModelChoiceField(label=_("Status"), queryset=Status.objects.all())


class PriorityForm(forms.Form):
    priority = forms.TypedChoiceField(label=_("Priority"), choices=Priority.choices, coerce=int)


class TypeForm(forms.Form):
    type = forms.ChoiceField(label=_("Type"), choices=TicketType.choices)


class SubjectForm(forms.Form):
    subject = forms.CharField(label=_("Subject"), max_length=255)


class PersonForm(forms.Form):
    """Someone named by e-mail address: a known user, or a new customer created on the spot."""

    email = forms.EmailField(label=_("E-mail address"), max_length=254)
    name = forms.CharField(label=_("Name"), max_length=150, required=False)

    def clean_email(self) -> str:
        # Addresses are stored lower-case (UserManager), so messages show them as they will be kept.
        return str(self.cleaned_data["email"]).lower()

    def person(self) -> User:
        """The user with this address, created as a customer (no password) when there is none.

        Call it inside the transaction of the change it is for, so a refused change leaves no new user.
        """
        return User.objects.customer(self.cleaned_data["email"], name=self.cleaned_data["name"])


class CollaboratorForm(forms.Form):
    user = forms.IntegerField(label=_("Person"), min_value=1)


class TicketNumberForm(forms.Form):
    number = forms.RegexField(
        label=_("Ticket number"),
        regex=TICKET_NUMBER,
        strip=True,
        error_messages={"invalid": _("Enter a ticket number (digits only).")},
    )

    def clean_number(self) -> str:
        return str(self.cleaned_data["number"]).lstrip("#")


class MergeForm(TicketNumberForm):
    confirm = forms.BooleanField(
        label=_("I understand the merge cannot be undone"),
        error_messages={"required": _("Tick the box to confirm the merge.")},
    )


def first_error(form: forms.Form) -> str:
    """The first validation message of a form, prefixed with its field's label."""
    for name, errors in form.errors.items():
        label = form.fields[name].label if name in form.fields else None
        return f"{label}: {errors[0]}" if label else str(errors[0])
    return str(_("The form is not valid."))
