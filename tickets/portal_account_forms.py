"""Forms of the customer accounts: sign-in, sign-up, setting the first password, profile, my-tickets search."""

from __future__ import annotations

from typing import Any, cast

from django import forms
from django.conf import settings
from django.contrib.auth import password_validation
from django.utils.translation import gettext_lazy as _

from helpdesk.accounts.forms import StaffAuthenticationForm
from helpdesk.accounts.models import User


class CustomerAuthenticationForm(StaffAuthenticationForm):
    """The staff sign-in form's fields, for everyone, with one message for every failure (no enumeration)."""

    def confirm_login_allowed(self, user: User) -> None:
        if not user.is_active:
            raise forms.ValidationError(self.error_messages["invalid_login"], code="invalid_login")


class SignUpForm(forms.Form):
    name = forms.CharField(label=_("Your name"), max_length=150)
    email = forms.EmailField(label=_("E-mail"), max_length=254)

    def clean_email(self) -> str:
        return User.objects.normalize_email(self.cleaned_data["email"]).strip().lower()


class ChoosePasswordForm(forms.Form):
    """The first password, chosen after confirming the address; Django's validators apply."""

    password1 = forms.CharField(
        label=_("Password"), strip=False, widget=forms.PasswordInput(attrs={"autocomplete": "new-password"})
    )
    password2 = forms.CharField(
        label=_("Password again"), strip=False, widget=forms.PasswordInput(attrs={"autocomplete": "new-password"})
    )

    def __init__(self, *args: Any, user: User, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.user = user
        self.fields["password1"].help_text = password_validation.password_validators_help_text_html()

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        one, two = cleaned.get("password1"), cleaned.get("password2")
        if one and two and one != two:
            self.add_error("password2", _("The two passwords differ."))
        elif one:
            try:
                password_validation.validate_password(one, self.user)
            except forms.ValidationError as error:
                self.add_error("password1", error)
        return cleaned


class ProfileForm(forms.ModelForm):
    class Meta:
        model = User
        fields = ("name", "phone", "language")
        labels = {"language": _("Language")}

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.ChoiceField, self.fields["language"]).choices = [("", _("As my browser says")), *settings.LANGUAGES]


class MyTicketsForm(forms.Form):
    STATES = (("open", _("Open")), ("closed", _("Closed")), ("all", _("All")))

    state = forms.ChoiceField(label=_("Show"), choices=STATES, required=False)
    q = forms.CharField(label=_("Search"), max_length=100, required=False)
