"""People and the structure they work in: users, organizations, departments, teams, agents and roles."""

from __future__ import annotations

from typing import Any, ClassVar

from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser, BaseUserManager, PermissionsMixin
from django.db import IntegrityError, models, transaction
from django.db.models.functions import Lower
from django.db.models.lookups import Exact
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


def same_email(address: str) -> Exact:
    """A filter for users with this address in any case.

    ``lower(email) = ...`` rather than ``email__iexact`` (``UPPER(email)``): the unique index is on
    ``lower(email)``, so this finds a user among a million without reading the table.
    """
    return Exact(Lower("email"), (address or "").lower())


class UserManager(BaseUserManager["User"]):
    use_in_migrations = True

    def _create_user(self, email: str, password: str | None, **fields: Any) -> User:
        if not email:
            raise ValueError("An e-mail address is required.")
        user = self.model(email=self.normalize_email(email).lower(), **fields)
        if password:
            user.set_password(password)
        else:
            user.set_unusable_password()
        user.save(using=self._db)
        return user

    def create_user(self, email: str, password: str | None = None, **fields: Any) -> User:
        fields.setdefault("is_staff", False)
        fields.setdefault("is_superuser", False)
        return self._create_user(email, password, **fields)

    def create_superuser(self, email: str, password: str | None = None, **fields: Any) -> User:
        fields["is_staff"] = True
        fields["is_superuser"] = True
        return self._create_user(email, password, **fields)

    def get_by_natural_key(self, username: str | None) -> User:
        return self.get(same_email(username or ""))

    def customer(self, email: str, *, name: str = "", **fields: Any) -> User:
        """The user with this address (any case), or a new customer who cannot sign in until they set a password.

        A new customer joins the organization whose domains include theirs, unless ``organization`` is given;
        joining that way grants no access to the organization's tickets. Two channels creating the same person
        at the same moment get the same user.
        """
        existing = self.filter(same_email(email)).first()
        if existing is not None:
            return existing
        if fields.get("organization") is None:
            fields["organization"] = Organization.for_address(email)
        try:
            with transaction.atomic():
                return self.create_user(email, None, name=name.strip()[:150], **fields)
        except IntegrityError:
            return self.get(same_email(email))


class User(AbstractBaseUser, PermissionsMixin):
    """Anyone who writes to or works in the helpdesk. The e-mail address is the login.

    A customer who never signed in has an unusable password. ``is_staff`` marks agents.
    """

    email = models.EmailField(_("e-mail address"), max_length=254)
    name = models.CharField(_("name"), max_length=150, blank=True)
    phone = models.CharField(_("phone"), max_length=40, blank=True)
    organization = models.ForeignKey(
        "Organization",
        verbose_name=_("organization"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="members",
    )
    is_org_manager = models.BooleanField(
        _("sees the organization's tickets"),
        default=False,
        help_text=_("Only staff can grant this; joining by e-mail domain never does."),
    )
    language = models.CharField(_("language"), max_length=10, choices=settings.LANGUAGES, blank=True)
    is_staff = models.BooleanField(_("staff member"), default=False)
    is_active = models.BooleanField(_("active"), default=True)
    email_confirmed = models.BooleanField(_("e-mail confirmed"), default=False)
    date_joined = models.DateTimeField(_("joined"), default=timezone.now)

    objects = UserManager()

    EMAIL_FIELD = "email"
    USERNAME_FIELD = "email"
    REQUIRED_FIELDS: ClassVar[list[str]] = []

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")
        ordering = ["email"]
        constraints = [models.UniqueConstraint(Lower("email"), name="user_email_unique_ci")]

    def __str__(self) -> str:
        return f"{self.name} <{self.email}>" if self.name else self.email

    def clean(self) -> None:
        super().clean()
        self.email = self.__class__.objects.normalize_email(self.email).lower()

    def get_full_name(self) -> str:
        return self.name or self.email

    def get_short_name(self) -> str:
        return self.name.split(" ")[0] if self.name else self.email

    @property
    def display_name(self) -> str:
        return self.name or self.email


class Organization(models.Model):
    """A customer company or office. Mail from one of its domains joins it (but grants no access)."""

    name = models.CharField(_("name"), max_length=200, unique=True)
    domains = models.TextField(
        _("e-mail domains"), blank=True, help_text=_("One per line, e.g. example.com. New users from them join.")
    )
    notes = models.TextField(_("notes"), blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        verbose_name = _("organization")
        verbose_name_plural = _("organizations")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    def domain_list(self) -> list[str]:
        return [line.strip().lower().lstrip("@") for line in self.domains.splitlines() if line.strip()]

    @classmethod
    def for_address(cls, address: str) -> Organization | None:
        """The organization whose domains include this address's domain, if any."""
        domain = address.rpartition("@")[2].lower()
        candidates = cls.objects.filter(domains__icontains=domain).order_by("pk")
        return next((org for org in candidates if domain in org.domain_list()), None)


class Department(models.Model):
    """A unit that owns tickets, with its own address, signature and default SLA."""

    name = models.CharField(_("name"), max_length=120, unique=True)
    email = models.EmailField(_("e-mail address"), blank=True, help_text=_("Replies to notifications go here."))
    signature = models.TextField(_("signature"), blank=True)
    sla = models.ForeignKey(
        "tickets.SLAPlan", verbose_name=_("SLA plan"), on_delete=models.SET_NULL, null=True, blank=True
    )
    manager = models.ForeignKey(
        "Agent",
        verbose_name=_("manager"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="managed_departments",
    )
    is_public = models.BooleanField(_("public"), default=True, help_text=_("Customers may pick it."))
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("department")
        verbose_name_plural = _("departments")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Role(models.Model):
    """What an agent may do in a department they have access to."""

    name = models.CharField(_("name"), max_length=80, unique=True)
    can_reply = models.BooleanField(_("reply and write notes"), default=True)
    can_assign = models.BooleanField(_("assign"), default=True)
    can_transfer = models.BooleanField(_("transfer"), default=True)
    can_edit = models.BooleanField(_("edit status, priority, type, CC"), default=True)
    can_close = models.BooleanField(_("close and reopen"), default=True)
    can_merge = models.BooleanField(_("merge"), default=False)
    can_manage_tasks = models.BooleanField(_("manage tasks"), default=True)

    class Meta:
        verbose_name = _("role")
        verbose_name_plural = _("roles")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Agent(models.Model):
    """The staff profile of a user who works tickets."""

    class ReplyType(models.TextChoices):
        PUBLIC = "public", _("Public reply")
        INTERNAL = "internal", _("Internal note")

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="agent")
    signature = models.TextField(_("signature"), blank=True)
    default_reply_type = models.CharField(
        _("default reply type"), max_length=10, choices=ReplyType.choices, default=ReplyType.PUBLIC
    )
    page_size = models.PositiveSmallIntegerField(_("tickets per page"), default=25)
    require_2fa = models.BooleanField(_("require two-factor login"), default=False)
    notify_on_assignment = models.BooleanField(_("tell me when a ticket is assigned to me"), default=True)
    notify_on_message = models.BooleanField(_("tell me when a customer writes in my tickets"), default=True)
    notify_on_mention = models.BooleanField(_("tell me when someone mentions me in a note"), default=True)
    notify_on_new_ticket = models.BooleanField(_("e-mail me when a ticket arrives in my departments"), default=True)
    notify_on_overdue = models.BooleanField(_("e-mail me when my ticket, or my department's, is overdue"), default=True)
    notify_by_email = models.BooleanField(_("also send these by e-mail"), default=True)
    departments: models.ManyToManyField[Department, DepartmentAccess] = models.ManyToManyField(
        Department, through="DepartmentAccess", related_name="agents", verbose_name=_("departments")
    )

    class Meta:
        verbose_name = _("agent")
        verbose_name_plural = _("agents")
        ordering = ["user__name"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(page_size__gte=5, page_size__lte=500), name="agent_page_size_range"
            )
        ]

    def __str__(self) -> str:
        return self.user.display_name

    @property
    def name(self) -> str:
        return self.user.display_name


class DepartmentAccess(models.Model):
    """Gives an agent a role in a department. Without one, the agent cannot act on its tickets."""

    agent = models.ForeignKey(Agent, on_delete=models.CASCADE, related_name="access", verbose_name=_("agent"))
    department = models.ForeignKey(
        Department, on_delete=models.CASCADE, related_name="access", verbose_name=_("department")
    )
    role = models.ForeignKey(Role, on_delete=models.PROTECT, verbose_name=_("role"))

    class Meta:
        verbose_name = _("department access")
        verbose_name_plural = _("department access")
        constraints = [models.UniqueConstraint(fields=["agent", "department"], name="access_agent_department_unique")]

    def __str__(self) -> str:
        return f"{self.agent} · {self.department} ({self.role})"


class Team(models.Model):
    """Agents across departments who share assigned work."""

    name = models.CharField(_("name"), max_length=120, unique=True)
    lead = models.ForeignKey(
        Agent, verbose_name=_("lead"), on_delete=models.SET_NULL, null=True, blank=True, related_name="led_teams"
    )
    members = models.ManyToManyField(Agent, related_name="teams", blank=True, verbose_name=_("members"))
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("team")
        verbose_name_plural = _("teams")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Notification(models.Model):
    """Something an agent should look at: shown in the staff panel's top bar until read."""

    class Kind(models.TextChoices):
        ASSIGNED = "assigned", _("Assigned to you")
        MESSAGE = "message", _("New customer message")
        MENTION = "mention", _("Mentioned in a note")
        OVERDUE = "overdue", _("Overdue ticket")
        TASK = "task", _("Task")

    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("recipient"), on_delete=models.CASCADE, related_name="notifications"
    )
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)
    ticket = models.ForeignKey(
        "tickets.Ticket", verbose_name=_("ticket"), on_delete=models.CASCADE, null=True, blank=True
    )
    text = models.CharField(_("text"), max_length=255)
    created_at = models.DateTimeField(_("created"), default=timezone.now)
    read_at = models.DateTimeField(_("read"), null=True, blank=True)

    class Meta:
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")
        ordering = ["-created_at"]
        indexes = [
            models.Index(
                fields=["recipient", "-created_at"],
                condition=models.Q(read_at__isnull=True),
                name="notification_unread",
            )
        ]

    def __str__(self) -> str:
        return self.text
