"""Request middleware for session lifetime and per-user language."""

import time
from collections.abc import Callable

from django.conf import settings
from django.contrib.auth import logout
from django.http import HttpRequest, HttpResponse
from django.utils import translation

SESSION_STARTED_KEY = "sportello_session_started"


class AbsoluteSessionExpiryMiddleware:
    """Log a user out once their session is older than SESSION_ABSOLUTE_SECONDS, however active they are.

    Idle expiry is Django's own sliding cookie (SESSION_COOKIE_AGE with SESSION_SAVE_EVERY_REQUEST).
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.user.is_authenticated:
            started = request.session.get(SESSION_STARTED_KEY)
            now = time.time()
            if started is None:
                request.session[SESSION_STARTED_KEY] = now
            elif now - started > settings.SESSION_ABSOLUTE_SECONDS:
                logout(request)
        return self.get_response(request)


class UserLanguageMiddleware:
    """Use the signed-in user's saved language unless they just picked one with the switcher (its cookie).

    Without either, LocaleMiddleware's pick stands: the browser's Accept-Language, then LANGUAGE_CODE.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        language = getattr(request.user, "language", "") if request.user.is_authenticated else ""
        if language and settings.LANGUAGE_COOKIE_NAME not in request.COOKIES:
            # Like LocaleMiddleware, activate for this thread; every request sets its own language again.
            translation.activate(language)
            request.LANGUAGE_CODE = language
        return self.get_response(request)
