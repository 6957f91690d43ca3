"""An agent makes an API token in her profile, uses it with the JSON API, then revokes it."""

from __future__ import annotations

import pytest

from tests.e2e.staff import sign_in

pytestmark = pytest.mark.browser


def test_an_agent_makes_a_token_that_opens_the_api_and_revokes_it(page, results_dir, alice, live_server):
    sign_in(page, "alice@example.com")
    page.goto("/scp/profile/")

    page.get_by_label("What is it for?").fill("CRM sync")
    page.get_by_role("button", name="Make a token").click()
    token = page.locator("[data-new-token]").input_value()
    page.screenshot(path=str(results_dir / "api-token-created.png"), full_page=True)
    api = page.context.request  # the browser's own client, sending the token rather than the session
    assert api.get("/api/v1/tickets", headers={"Authorization": f"Bearer {token}"}).status == 200

    page.get_by_role("link", name="Back to my profile").click()
    tokens = page.locator("[data-tokens]")
    assert tokens.get_by_text("CRM sync").is_visible() and tokens.get_by_text("used").first.is_visible()
    tokens.get_by_role("button", name="Revoke").click()
    page.get_by_text("The token CRM sync was revoked.").wait_for()
    page.screenshot(path=str(results_dir / "api-token-revoked.png"), full_page=True)
    assert api.get("/api/v1/tickets", headers={"Authorization": f"Bearer {token}"}).status == 401
    assert page.console_errors == []
