"""Where the customer portal shows a public FAQ, as an absolute address to put in a reply."""

from __future__ import annotations

from django.conf import settings
from django.urls import reverse

from faq.models import Faq


def portal_faq_url(faq: Faq) -> str:
    """The FAQ's absolute address in the portal (tickets/portal_urls.py names the page ``portal:faq``)."""
    return f"{settings.SITE_URL.rstrip('/')}{reverse('portal:faq', kwargs={'pk': faq.pk})}"
