"""Test-run defaults, set before Django reads its settings. Real deployments set these themselves."""

import os

os.environ.setdefault("SECRET_KEY", "test-only-secret-key-not-for-any-real-deployment-0123456789")
os.environ.setdefault("SECURE_SSL_REDIRECT", "false")
# Playwright's sync API runs an event loop in the test thread; the ORM calls the tests make there are sync.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
