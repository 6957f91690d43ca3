"""Request middleware for session lifetime and per-user language."""

import time
from collections.abc import Callable

from django.conf import settings
from django.contrib.auth import logout
from django.http import HttpRequest, HttpResponse
from django.utils import translation

SESSION_STARTED_KEY = "sportello_session_started"
SESSION_REFRESHED_KEY = "sportello_session_refreshed"


def stamp_new_session(sender: object, request: HttpRequest, **kwargs: object) -> None:
    """On sign-in, note when the session started and was last refreshed, so its first page saves nothing.

    Connected to ``user_logged_in``; the middlewares below still stamp sessions made before it existed.
    """
    now = time.time()
    request.session[SESSION_STARTED_KEY] = now
    request.session[SESSION_REFRESHED_KEY] = now


class AbsoluteSessionExpiryMiddleware:
    """Log a user out once their session is older than SESSION_ABSOLUTE_SECONDS, however active they are.

    Idle expiry is ``SlidingSessionMiddleware``'s.
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


class SlidingSessionMiddleware:
    """Idle expiry: a used session's expiry moves SESSION_COOKIE_AGE ahead, saved at most once a minute.

    Saving on every request (SESSION_SAVE_EVERY_REQUEST) cost every page a write; this saves, and sends
    the cookie again, only when the expiry would move by more than SESSION_REFRESH_SECONDS, so a session
    idle for SESSION_COOKIE_AGE is gone and one idle for a minute less may be too. Sits below
    SessionMiddleware, which saves a modified session on the way out.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        session = request.session
        if session.is_empty():
            return response  # no cookie, or signed out: nothing to keep alive
        now = time.time()
        stale = now - session.get(SESSION_REFRESHED_KEY, 0) > settings.SESSION_REFRESH_SECONDS
        if (stale or session.modified) and not session.is_empty():  # reading it may have found it expired
            session[SESSION_REFRESHED_KEY] = now
        return response


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
