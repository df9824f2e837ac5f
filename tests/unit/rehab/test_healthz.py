import pytest
from celery import Celery
from django.urls import reverse

from rehab import health

pytestmark = pytest.mark.django_db


def test_healthz_reports_database_and_broker(client):
    response = client.get(reverse("healthz"))
    assert response.status_code == 200
    assert response.json() == {"database": "ok", "broker": "ok"}


def test_healthz_fails_when_the_broker_is_unreachable(client, monkeypatch):
    unreachable = Celery("unreachable", broker="redis://127.0.0.1:9/0", set_as_current=False)
    monkeypatch.setattr(health, "celery_app", unreachable)
    response = client.get(reverse("healthz"))
    assert response.status_code == 503
    assert response.json() == {"database": "ok", "broker": "error"}
