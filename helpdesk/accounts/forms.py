"""Forms of the staff sign-in: password, one-time code, and two-factor setup."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib.auth.forms import AuthenticationForm
from django.utils.translation import gettext_lazy as _

from helpdesk.accounts.models import User


class StaffAuthenticationForm(AuthenticationForm):
    """Django's sign-in form, for staff only: a customer with a right password is still turned away."""

    error_messages = {
        **AuthenticationForm.error_messages,
        "invalid_login": _("Wrong e-mail address or password."),
        "not_staff": _("This sign-in is for staff. Customers sign in on the portal."),
    }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["username"].label = _("E-mail")
        self.fields["username"].widget.attrs.update({"autocomplete": "email", "inputmode": "email"})
        self.fields["password"].widget.attrs["autocomplete"] = "current-password"

    def clean_username(self) -> str:
        # Addresses are stored lower-case; django-axes then counts "Alice@..." and "alice@..." as one user.
        return str(self.cleaned_data["username"]).strip().lower()

    def confirm_login_allowed(self, user: User) -> None:
        super().confirm_login_allowed(user)
        if not user.is_staff:
            raise forms.ValidationError(self.error_messages["not_staff"], code="not_staff")


def _normalise_code(value: str) -> str:
    # Apps show "123 456" and backup codes are easier to read in groups: spaces mean nothing.
    return "".join(value.split()).lower()


class OneTimeCodeForm(forms.Form):
    """The second step of a sign-in: a code from the authenticator app, or a backup code."""

    code = forms.CharField(
        label=_("Code"),
        max_length=20,
        help_text=_("The 6-digit code from your authenticator app, or one of your backup codes."),
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "autofocus": True, "spellcheck": "false"}),
    )

    def clean_code(self) -> str:
        return _normalise_code(self.cleaned_data["code"])


class ConfirmDeviceForm(forms.Form):
    """Proves the new authenticator app works before two-factor sign-in is switched on."""

    code = forms.CharField(
        label=_("Code from the app"),
        max_length=7,
        widget=forms.TextInput(
            attrs={"autocomplete": "one-time-code", "inputmode": "numeric", "autofocus": True, "spellcheck": "false"}
        ),
    )

    def clean_code(self) -> str:
        code = _normalise_code(self.cleaned_data["code"])
        if not (len(code) == 6 and code.isascii() and code.isdigit()):
            raise forms.ValidationError(_("Enter the 6 digits the app shows."), code="invalid")
        return code
