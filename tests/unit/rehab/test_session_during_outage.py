"""A database that goes away while the session is saved gives the friendly 503 page; a
session deleted during the request keeps Django's own answer."""

import pytest
from django.contrib.sessions.backends.base import UpdateError
from django.contrib.sessions.exceptions import SessionInterrupted
from django.db import DatabaseError, OperationalError
from django.http import HttpResponse

from rehab.middleware import SessionMiddleware

pytestmark = pytest.mark.django_db


def session_save_failing_with(error):
    """As Django's database session store fails: an UpdateError raised while handling the
    database's error (so the error is its context)."""

    def save(*args, **kwargs):
        try:
            raise error
        except DatabaseError:
            raise UpdateError()  # noqa: B904 - the context is what the middleware reads

    return save


def run(rf, monkeypatch, error):
    request = rf.get("/")
    middleware = SessionMiddleware(lambda r: HttpResponse("ok"))
    middleware.process_request(request)
    request.session["seen"] = True
    monkeypatch.setattr(request.session, "save", session_save_failing_with(error))
    return middleware.process_response(request, HttpResponse("ok"))


def test_the_database_gone_while_saving_the_session_gives_the_friendly_page(rf, monkeypatch):
    response = run(rf, monkeypatch, OperationalError("server closed the connection"))
    assert response.status_code == 503
    assert response["Retry-After"] == "5"


def test_a_session_deleted_meanwhile_is_still_interrupted(rf, monkeypatch):
    with pytest.raises(SessionInterrupted):
        run(rf, monkeypatch, DatabaseError("Forced update did not affect any rows."))
