"""The docs page renders in Chromium under the strict CSP, with nothing fetched from elsewhere."""

import pytest

pytestmark = pytest.mark.browser


def test_the_docs_page_renders_the_operations_without_csp_errors(page, live_server):
    outside: list[str] = []
    page.on("request", lambda r: None if r.url.startswith(live_server.url) else outside.append(r.url))
    page.goto("/api/docs")

    page.get_by_text("/api/v1/tickets/{number}/reply").first.wait_for()
    assert not [error for error in page.console_errors if "Content Security Policy" in error]
    assert outside == []
