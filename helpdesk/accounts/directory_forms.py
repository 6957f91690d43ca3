"""Forms of the staff directory: a customer's contact data and an organization's details."""

from __future__ import annotations

import re
from typing import Any, cast

from django import forms
from django.utils.translation import gettext_lazy as _

from helpdesk.accounts.models import Organization, User, same_email

# A host name as people type it in a domain list: labels of letters, digits and hyphens, with a dot.
DOMAIN = re.compile(r"^(?=.{1,253}$)([a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$")


class SearchForm(forms.Form):
    """The free-text search above a directory list."""

    q = forms.CharField(label=_("Search"), max_length=100, required=False)


class CustomerForm(forms.ModelForm):
    """An agent edits a customer's contact data.

    ``is_org_manager`` lets a customer read every ticket of their organization, so only superusers see
    and set it: joining an organization never grants access by itself. The e-mail address of a customer
    who can sign in is their login: only superusers change it, or an agent could take the account over
    through a password reset.
    """

    class Meta:
        model = User
        fields = ["name", "email", "phone", "organization", "is_org_manager"]

    def __init__(self, *args: Any, editor: User, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        organization = cast(forms.ModelChoiceField, self.fields["organization"])
        organization.queryset = Organization.objects.order_by("name")
        organization.empty_label = _("None")
        self.fields["email"].widget.attrs["autocomplete"] = "off"
        if not editor.is_superuser:
            del self.fields["is_org_manager"]
            if self.instance.has_usable_password():
                del self.fields["email"]

    def clean_email(self) -> str:
        email = User.objects.normalize_email(self.cleaned_data["email"]).strip().lower()
        if User.objects.filter(same_email(email)).exclude(pk=self.instance.pk).exists():
            raise forms.ValidationError(_("Another user already has this e-mail address."), code="duplicate")
        return email


class OrganizationForm(forms.ModelForm):
    """A superuser edits an organization's name, e-mail domains and notes."""

    class Meta:
        model = Organization
        fields = ["name", "domains", "notes"]
        widgets = {
            "domains": forms.Textarea(attrs={"rows": 3, "spellcheck": "false"}),
            "notes": forms.Textarea(attrs={"rows": 4}),
        }

    def clean_domains(self) -> str:
        domains = [line.strip().lower().lstrip("@") for line in self.cleaned_data["domains"].splitlines()]
        domains = [domain for domain in domains if domain]
        wrong = [domain for domain in domains if not DOMAIN.match(domain)]
        if wrong:
            raise forms.ValidationError(
                _("Not a domain name: %(domains)s. Write one domain per line, like example.com."),
                code="invalid_domain",
                params={"domains": ", ".join(wrong)},
            )
        return "\n".join(dict.fromkeys(domains))
