"""The sign-in backend: Django's model backend, loading with the user what every staff page asks next."""

from __future__ import annotations

from typing import Any

import django_otp
from django.contrib.auth.backends import ModelBackend
from django.db.models import Exists, OuterRef, Q
from django_otp import device_classes

from helpdesk.accounts.models import User

BACKEND = "helpdesk.accounts.backends.StaffBackend"
HAS_DEVICE = "has_otp_device"  # the annotation read by ``has_confirmed_device``


class StaffBackend(ModelBackend):
    """Loads the session's user with their agent profile and whether they have a confirmed two-factor device.

    One query instead of four on every page: ``staff_required`` needs both, and django-otp would look for
    a device in each device table.
    """

    def get_user(self, user_id: Any) -> User | None:
        devices = Q()
        for model in device_classes():
            devices |= Q(Exists(model.objects.filter(user=OuterRef("pk"), confirmed=True)))
        user = (
            User._default_manager.select_related("agent").annotate(**{HAS_DEVICE: devices}).filter(pk=user_id).first()
        )
        return user if user is not None and self.user_can_authenticate(user) else None


def has_confirmed_device(user: User) -> bool:
    """Whether the user has a confirmed two-factor device, from the sign-in load when it is there."""
    loaded = getattr(user, HAS_DEVICE, None)
    if loaded is not None:
        return bool(loaded)
    return django_otp.user_has_device(user)
