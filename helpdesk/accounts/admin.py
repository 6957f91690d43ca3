"""Admin for people and structure: users (e-mail login), organizations, departments, roles, agents, teams."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.contrib.auth.forms import AdminUserCreationForm, UserChangeForm
from django.db.models import Count, ManyToManyField, QuerySet
from django.forms import ModelMultipleChoiceField
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from helpdesk.accounts.models import Agent, Department, DepartmentAccess, Organization, Role, Team, User, same_email
from helpdesk.accounts.profile_forms import NOTIFICATION_FIELDS


class EmailUniqueMixin:
    """A readable error for the case-insensitive e-mail constraint, which the model reports only by its name."""

    instance: User
    cleaned_data: dict[str, Any]

    def clean_email(self) -> str:
        email = User.objects.normalize_email(self.cleaned_data["email"]).lower()
        taken = User.objects.filter(same_email(email)).exclude(pk=self.instance.pk)
        if taken.exists():
            raise forms.ValidationError(_("A user with this e-mail address already exists."), code="unique")
        return email


class UserAddForm(EmailUniqueMixin, AdminUserCreationForm):
    class Meta:
        model = User
        fields = ("email", "name")


class UserEditForm(EmailUniqueMixin, UserChangeForm):
    class Meta:
        model = User
        fields = "__all__"


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    form = UserEditForm
    add_form = UserAddForm
    fieldsets = (
        (None, {"fields": ("email", "password")}),
        (_("Personal info"), {"fields": ("name", "phone", "language", "organization", "is_org_manager")}),
        (
            _("Permissions"),
            {"fields": ("is_active", "email_confirmed", "is_staff", "is_superuser", "groups", "user_permissions")},
        ),
        (_("Important dates"), {"fields": ("last_login", "date_joined")}),
    )
    add_fieldsets = (
        (
            None,
            {"classes": ("wide",), "fields": ("email", "name", "usable_password", "password1", "password2")},
        ),
    )
    readonly_fields = ("last_login",)
    list_display = ("email", "name", "organization", "is_staff", "is_superuser", "is_active", "last_login")
    list_filter = ("is_staff", "is_superuser", "is_active", "email_confirmed", "organization")
    list_select_related = ("organization",)
    search_fields = ("email", "name", "phone")
    ordering = ("email",)
    autocomplete_fields = ("organization",)


@admin.register(Organization)
class OrganizationAdmin(admin.ModelAdmin):
    list_display = ("name", "member_count", "created_at")
    search_fields = ("name", "domains")
    readonly_fields = ("created_at",)

    def get_queryset(self, request: HttpRequest) -> QuerySet[Organization]:
        return super().get_queryset(request).annotate(member_count=Count("members"))

    @admin.display(description=_("members"), ordering="member_count")
    def member_count(self, obj: Organization) -> int:
        return int(getattr(obj, "member_count", 0))


@admin.register(Department)
class DepartmentAdmin(admin.ModelAdmin):
    list_display = ("name", "email", "sla", "manager", "is_public", "is_active")
    list_filter = ("is_public", "is_active")
    list_select_related = ("sla", "manager__user")
    search_fields = ("name", "email")
    autocomplete_fields = ("manager",)


@admin.register(Role)
class RoleAdmin(admin.ModelAdmin):
    list_display = (
        "name",
        "can_reply",
        "can_assign",
        "can_transfer",
        "can_edit",
        "can_close",
        "can_merge",
        "can_manage_tasks",
    )
    search_fields = ("name",)


class DepartmentAccessInline(admin.TabularInline):
    model = DepartmentAccess
    extra = 0
    fields = ("department", "role")


class AgentForm(forms.ModelForm):
    class Meta:
        model = Agent
        fields = ("user", "signature", "default_reply_type", "page_size", "require_2fa")

    def clean_user(self) -> User:
        user: User = self.cleaned_data["user"]
        if not user.is_staff:
            raise forms.ValidationError(_("Mark this user as a staff member first: only staff can work tickets."))
        return user


@admin.register(Agent)
class AgentAdmin(admin.ModelAdmin):
    form = AgentForm
    inlines = (DepartmentAccessInline,)
    fields = (
        "user",
        "signature",
        "default_reply_type",
        "page_size",
        "require_2fa",
        "team_list",
        *NOTIFICATION_FIELDS,
    )
    readonly_fields = ("team_list",)
    list_display = ("__str__", "user_email", "team_list", "default_reply_type", "require_2fa")
    list_filter = ("require_2fa", "departments", "teams")
    search_fields = ("user__email", "user__name")
    autocomplete_fields = ("user",)

    def get_queryset(self, request: HttpRequest) -> QuerySet[Agent]:
        # The user is in every label (autocomplete too); teams are a list column.
        return super().get_queryset(request).select_related("user").prefetch_related("teams")

    @admin.display(description=_("e-mail address"), ordering="user__email")
    def user_email(self, obj: Agent) -> str:
        return obj.user.email

    @admin.display(description=_("teams"))
    def team_list(self, obj: Agent) -> str | None:
        # Membership is edited on the team; here it is only shown. Reads the prefetched teams.
        return ", ".join(sorted(team.name for team in obj.teams.all())) or None


@admin.register(DepartmentAccess)
class DepartmentAccessAdmin(admin.ModelAdmin):
    list_display = ("agent", "department", "role")
    list_filter = ("department", "role")
    list_select_related = ("agent__user", "department", "role")
    search_fields = ("agent__user__email", "agent__user__name", "department__name")
    autocomplete_fields = ("agent",)


@admin.register(Team)
class TeamAdmin(admin.ModelAdmin):
    list_display = ("name", "lead", "member_count", "is_active")
    list_filter = ("is_active",)
    list_select_related = ("lead__user",)
    search_fields = ("name",)
    filter_horizontal = ("members",)
    autocomplete_fields = ("lead",)

    def get_queryset(self, request: HttpRequest) -> QuerySet[Team]:
        return super().get_queryset(request).annotate(member_count=Count("members"))

    def formfield_for_manytomany(
        self, db_field: ManyToManyField[Any, Any], request: HttpRequest, **kwargs: Any
    ) -> ModelMultipleChoiceField[Any] | None:
        if db_field.name == "members":
            # An agent's label is its user's name: one join instead of a query per choice.
            kwargs["queryset"] = Agent.objects.select_related("user")
        return super().formfield_for_manytomany(db_field, request, **kwargs)

    @admin.display(description=_("members"), ordering="member_count")
    def member_count(self, obj: Team) -> int:
        return int(getattr(obj, "member_count", 0))
