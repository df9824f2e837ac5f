"""Turn a lost database into a friendly "try again shortly" page instead of a traceback.

When PostgreSQL restarts (or the network to it drops), a view fails with
``OperationalError`` or ``InterfaceError``. This middleware answers 503 with
``templates/503.html`` and ``Retry-After: 5``, and closes every database connection so the
next request connects afresh (``CONN_HEALTH_CHECKS`` would also find the broken connection,
but a connection left in a failed transaction is better dropped at once).
"""

import logging
import sys

from django.contrib.sessions.exceptions import SessionInterrupted
from django.contrib.sessions.middleware import SessionMiddleware as DjangoSessionMiddleware
from django.db import InterfaceError, OperationalError, connections
from django.http import HttpResponse, HttpResponseServerError
from django.template.loader import render_to_string
from django.utils.cache import patch_cache_control

logger = logging.getLogger(__name__)

RETRY_AFTER_SECONDS = 5


def close_broken_connections() -> None:
    for conn in connections.all(initialized_only=True):
        try:
            conn.close()
        except Exception:  # noqa: BLE001 - the connection is gone either way
            conn.connection = None


def database_unavailable(request) -> HttpResponse:
    """The 503 page; the broken connections are closed so the next request reconnects."""
    close_broken_connections()
    # A session that could not be read must not be read again on the way out (the
    # session middleware looks at it even for a 503, though it saves nothing then): an
    # empty cache keeps the cookie as it is and the user logged in for the retry.
    session = getattr(request, "session", None)
    if session is not None and not hasattr(session, "_session_cache"):
        session._session_cache = {}
    response = HttpResponse(render_to_string("503.html"), status=503)
    response["Retry-After"] = str(RETRY_AFTER_SECONDS)
    return response


class DatabaseUnavailableMiddleware:
    """A view that loses the database answers 503 (see the module's docstring)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        if not isinstance(exception, (OperationalError, InterfaceError)):
            return None
        # The class name only: a database error's text can quote the query's parameters.
        logger.warning("database unavailable (%s); answered 503", type(exception).__name__)
        return database_unavailable(request)


def server_error(request):
    """``handler500``: the same 503 page when a middleware (not a view) lost the database,
    otherwise ``templates/500.html``."""
    error = sys.exc_info()[1]
    if isinstance(error, (OperationalError, InterfaceError)):
        return database_unavailable(request)
    return HttpResponseServerError(render_to_string("500.html"))


class NoStoreForSignedInMiddleware:
    """Pages for a signed-in user hold personal data: no browser or proxy may keep a copy
    (``Cache-Control: no-store``), so Back after logging out or a shared computer shows
    nothing. Static files (served by WhiteNoise before this) keep their own caching."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            patch_cache_control(response, no_store=True, private=True)
        return response


class SessionMiddleware(DjangoSessionMiddleware):
    """Django's session middleware, but a database that went away while the session was
    being saved gives the friendly 503 page, not Django's 400 "session interrupted" (which
    is kept for its own case: a session deleted during the request, e.g. by a logout in
    another tab)."""

    def process_response(self, request, response):
        try:
            return super().process_response(request, response)
        except SessionInterrupted as interrupted:
            cause = interrupted.__context__
            if isinstance(getattr(cause, "__context__", None), (OperationalError, InterfaceError)):
                logger.warning("database unavailable while saving the session")
                return database_unavailable(request)
            raise
