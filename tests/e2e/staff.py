"""Signing an agent in through the real sign-in form, shared by the browser tests."""

from __future__ import annotations

from tests.conftest import PASSWORD


def sign_in(page, email: str) -> None:
    """Sign in at /scp/login, land on the home widgets, then open the ticket list most tests start from."""
    page.goto("/scp/login")
    page.get_by_label("E-mail").fill(email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url("**/scp/home/")
    page.goto("/scp/")
