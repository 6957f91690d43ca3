"""The OpenAPI document and the docs page, which must work under the strict CSP with no CDN."""

import re

from django.contrib.staticfiles import finders


def test_the_openapi_document_is_served_at_api_schema(client, db):
    response = client.get("/api/schema")

    assert response.status_code == 200
    document = response.json()
    assert document["openapi"].startswith("3.")
    assert "/api/v1/tickets" in document["paths"]
    assert "/api/v1/tickets/{number}/reply" in document["paths"]
    assert document["components"]["securitySchemes"]["AgentBearer"]["scheme"] == "bearer"


def test_the_docs_page_loads_its_scripts_and_styles_from_our_static_files(client, db):
    response = client.get("/api/docs")

    assert response.status_code == 200
    html = response.content.decode()
    sources = re.findall(r'(?:src|href)="([^"]+)"', html)
    assert sources
    assert all(source.startswith("/static/ninja/") for source in sources)
    assert all(finders.find(source.removeprefix("/static/")) for source in sources)


def test_the_docs_page_has_no_inline_script_and_keeps_the_csp(client, db):
    response = client.get("/api/docs")

    html = response.content.decode()
    inline = re.findall(r"<script(?![^>]*\bsrc=)([^>]*)>", html)
    assert all('type="application/json"' in attributes for attributes in inline)
    assert "script-src 'self'" in response["Content-Security-Policy"]
