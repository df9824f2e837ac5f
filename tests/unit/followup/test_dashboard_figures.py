"""The dashboard's figures are kept in the shared cache and refreshed by the beat job."""

import importlib

import pytest
from django.core.cache import cache
from django.urls import reverse
from django.utils import timezone

from followup import dashboard_figures, tasks
from tests.factories import decided_case

pytestmark = pytest.mark.django_db


def test_the_hourly_job_keeps_each_teams_default_view_and_the_page_uses_it(
    client, demo_users, officer, therapist, django_assert_max_num_queries
):
    decided_case(officer=officer, therapist=therapist)
    assert tasks.refresh_dashboards() == 1  # the demo team, the only one with cases
    today = timezone.localdate()
    kept = cache.get(dashboard_figures.default_scope([officer.team_id], today).cache_key(today))
    assert isinstance(kept, dashboard_figures.Figures)

    client.force_login(demo_users["enhetschef"])
    response = client.get(reverse("followup:dashboard"))
    assert response.context["computed_at"] == kept.computed_at
    assert f"Siffror per {kept.computed_at.astimezone():%Y-%m-%d}" in response.content.decode()


def test_a_refresh_replaces_what_was_kept(officer, therapist):
    decided_case(officer=officer, therapist=therapist)
    today = timezone.localdate()
    scope = dashboard_figures.default_scope([officer.team_id], today)
    first = dashboard_figures.figures_for(scope, today)
    assert dashboard_figures.figures_for(scope, today) == first  # kept
    dashboard_figures.refresh(today)
    assert dashboard_figures.figures_for(scope, today).computed_at > first.computed_at


@pytest.mark.parametrize(
    ("redis_url", "backend"),
    [
        ("redis://127.0.0.1:6379/0", "django.core.cache.backends.redis.RedisCache"),
        ("", "django.core.cache.backends.filebased.FileBasedCache"),
    ],
)
def test_outside_the_tests_the_cache_is_shared_by_every_process(monkeypatch, redis_url, backend):
    from rehab.settings import base

    monkeypatch.setenv("REDIS_URL", redis_url)
    try:
        settings = importlib.reload(base)
        assert settings.CACHES["default"]["BACKEND"] == backend
    finally:
        monkeypatch.undo()
        importlib.reload(base)


def test_kept_figures_are_read_by_another_process_from_the_file_cache(
    tmp_path, monkeypatch, officer, therapist
):
    from django.core.cache.backends.filebased import FileBasedCache

    monkeypatch.setattr(dashboard_figures, "cache", FileBasedCache(str(tmp_path), {}))
    decided_case(officer=officer, therapist=therapist)
    today = timezone.localdate()
    scope = dashboard_figures.default_scope([officer.team_id], today)
    computed = dashboard_figures.compute(scope, today)
    # Another process: its own cache object over the same folder.
    other = FileBasedCache(str(tmp_path), {})
    assert other.get(scope.cache_key(today)).computed_at == computed.computed_at
