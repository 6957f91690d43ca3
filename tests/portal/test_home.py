"""The portal's home page, its branding and its language switcher."""

from __future__ import annotations

from django.urls import reverse

from tests.conftest import signed_in


def test_anyone_can_open_the_home_page(client, db):
    response = client.get("/")

    assert response.status_code == 200
    for url in ("portal:ticket_new", "portal:status", "portal:kb", "portal:login", "portal:register"):
        assert reverse(url).encode() in response.content


def test_a_signed_in_customer_sees_their_tickets_link_instead_of_sign_in(client, carol):
    response = signed_in(client, carol).get("/")

    assert reverse("portal:my_tickets").encode() in response.content
    assert b"Sign out" in response.content


def test_the_home_page_carries_the_configured_branding(client, db, settings):
    settings.PORTAL_NAME = "Comune di Prova"
    settings.PORTAL_LOGO_URL = "/static/logo.png"
    settings.PORTAL_FOOTER = "Piazza Grande 1, open Monday to Friday"

    content = client.get("/").content.decode()

    assert "Comune di Prova" in content
    assert 'src="/static/logo.png"' in content
    assert "Piazza Grande 1, open Monday to Friday" in content


def test_the_brand_stylesheet_carries_the_configured_colour(client, db, settings):
    settings.PORTAL_PRIMARY_COLOR = "#aa0033"

    response = client.get(reverse("portal:brand_css"))

    assert response["Content-Type"].startswith("text/css")
    assert b"--portal-primary: #aa0033" in response.content


def test_the_portal_uses_no_inline_styles_or_scripts(client, db):
    content = client.get("/").content.decode()

    assert " style=" not in content
    assert "<style" not in content
    assert "<script>" not in content


def test_the_home_page_offers_both_languages(client, db):
    content = client.get("/").content.decode()

    assert reverse("set_language") in content
    assert 'value="it"' in content


def test_the_home_page_speaks_italian_when_asked(client, db):
    response = client.get("/", HTTP_ACCEPT_LANGUAGE="it")

    assert response.headers["Content-Language"] == "it"


def test_the_home_page_has_a_constant_number_of_queries(client, kb, django_assert_max_num_queries):
    with django_assert_max_num_queries(2):
        client.get("/")
