"""Template helpers of the customer portal: its branding, read from settings at render time."""

from __future__ import annotations

from django import template
from django.conf import settings

register = template.Library()


@register.simple_tag
def portal_brand() -> dict[str, str]:
    """Name, logo URL and footer text of the portal as configured."""
    return {
        "name": settings.PORTAL_NAME,
        "logo_url": settings.PORTAL_LOGO_URL,
        "footer": settings.PORTAL_FOOTER,
    }
