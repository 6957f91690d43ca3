"""The portal's public pages: home, opening a ticket (with topic fields and FAQ hints), the status check."""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth.models import AnonymousUser
from django.db import transaction
from django.db.models import Q, QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.cache import cache_control
from django.views.decorators.http import require_GET, require_http_methods

from faq.models import Category, Faq
from helpdesk.accounts.models import User
from tickets import services
from tickets.access import customer_tickets
from tickets.jobs import mail_ticket_link
from tickets.models import Source, Ticket
from tickets.portal_forms import OpenTicketForm, StatusCheckForm, public_topics
from tickets.portal_limits import allow_all, client_ip

OPENED_KEY = "portal_opened_ticket"
SUGGESTIONS = 5


def signed_in(request: HttpRequest) -> User | None:
    """The signed-in user, or None for anonymous visitors."""
    user = request.user
    return None if isinstance(user, AnonymousUser) or not user.is_authenticated else user


@require_GET
def home(request: HttpRequest) -> HttpResponse:
    """Search the knowledge base, open a ticket, check a status, sign in."""
    categories = Category.objects.filter(is_public=True).order_by("name")
    return render(request, "portal/home.html", {"categories": categories, "topics": public_topics()})


@require_GET
@cache_control(public=True, max_age=300)
def brand_css(request: HttpRequest) -> HttpResponse:
    """The configured colour as CSS custom properties (the CSP forbids inline styles)."""
    color = settings.PORTAL_PRIMARY_COLOR
    css = f":root {{ --portal-primary: {color}; --bs-primary: {color}; --bs-link-color: {color}; }}\n"
    return HttpResponse(css, content_type="text/css; charset=utf-8")


# --- opening a ticket -------------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
def ticket_new(request: HttpRequest) -> HttpResponse:
    """The new-ticket form; a valid one opens a ticket routed by its help topic."""
    user = signed_in(request)
    if request.method != "POST":
        form = OpenTicketForm(user=user, initial={"help_topic": request.GET.get("topic", "")})
        return render(request, "portal/ticket_new.html", {"form": form})
    form = OpenTicketForm(request.POST, request.FILES, user=user)
    if not form.is_valid():
        return render(request, "portal/ticket_new.html", {"form": form}, status=400)
    email = user.email if user else form.cleaned_data["email"]
    if not allow_all("ticket", [client_ip(request), email], limit=settings.PORTAL_TICKETS_PER_HOUR):
        form.add_error(None, _("Too many tickets were opened from here or for this address. Try again later."))
        return render(request, "portal/ticket_new.html", {"form": form}, status=429)
    try:
        ticket = _open(form, requester=user or User.objects.customer(email, name=form.cleaned_data["name"]))
    except services.Rejected:
        form.add_error(None, _("Sorry, we cannot accept this request here. Please contact us another way."))
        return render(request, "portal/ticket_new.html", {"form": form}, status=403)
    request.session[OPENED_KEY] = ticket.number
    return redirect("portal:ticket_done")


def _open(form: OpenTicketForm, *, requester: User) -> Ticket:
    with transaction.atomic():
        return services.open_ticket(
            requester=requester,
            subject=form.cleaned_data["subject"],
            body=form.cleaned_data["body"],
            help_topic=form.cleaned_data["help_topic"],
            source=Source.WEB,
            attachments=form.new_attachments(),
            custom_fields=form.extra_values(),
        )


@require_GET
def ticket_done(request: HttpRequest) -> HttpResponse:
    """The confirmation with the new number, shown once to the browser that opened the ticket."""
    number = request.session.get(OPENED_KEY)
    if not number:
        return redirect("portal:ticket_new")
    user = signed_in(request)
    readable = user is not None and customer_tickets(user).filter(number=number).exists()
    return render(request, "portal/ticket_done.html", {"number": number, "readable": readable})


@require_GET
def topic_fields_partial(request: HttpRequest) -> HttpResponse:
    """The chosen topic's own fields, swapped into the form by htmx."""
    form = OpenTicketForm(user=signed_in(request), initial={"help_topic": request.GET.get("help_topic", "")})
    bound = [form[name] for name in form.extra_names]
    return render(request, "portal/_topic_fields.html", {"fields": bound})


@require_GET
def faq_suggestions(request: HttpRequest) -> HttpResponse:
    """Public FAQs matching the subject being typed (htmx)."""
    subject = request.GET.get("subject", "").strip()
    faqs = search_faqs(subject)[:SUGGESTIONS] if len(subject) >= 3 else Faq.objects.none()
    return render(request, "portal/_faq_suggestions.html", {"faqs": faqs})


def search_faqs(text: str) -> QuerySet[Faq]:
    """Public FAQs whose question, keywords or answer contain every word (of three letters or more)."""
    faqs = Faq.objects.public().select_related("category")
    words = [word for word in text.split() if len(word) >= 3][:8]
    if not words:
        return faqs.none()
    for word in words:
        faqs = faqs.filter(Q(question__icontains=word) | Q(keywords__icontains=word) | Q(answer__icontains=word))
    return faqs.order_by("question")


# --- status check -----------------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
def status_check(request: HttpRequest) -> HttpResponse:
    """E-mail + number: mail a signed link when they belong together; say the same thing either way."""
    if request.method != "POST":
        return render(request, "portal/status.html", {"form": StatusCheckForm()})
    form = StatusCheckForm(request.POST)
    if not form.is_valid():
        return render(request, "portal/status.html", {"form": form}, status=400)
    email = form.cleaned_data["email"]
    if not allow_all("lookup", [client_ip(request), email], limit=settings.PORTAL_LOOKUPS_PER_HOUR):
        form.add_error(None, _("Too many requests from here or for this address. Try again later."))
        return render(request, "portal/status.html", {"form": form}, status=429)
    mail_ticket_link.delay(email, form.cleaned_data["number"])
    text = _("If a ticket with that number was opened from %(email)s, a link to it is on its way there.")
    return render(request, "portal/check_mail.html", {"message": text % {"email": email}})
