"""Large imports run as a background job whose progress the page polls."""

import pytest
from django.core.files.storage import default_storage
from django.urls import reverse
from django.utils import translation

from assessments import services
from assessments.imports import jobs
from assessments.models import Application, Citizen, ImportJob
from assessments.views.imports import JOB_SESSION_KEY, SESSION_KEY
from rehab.models import AccessLogEntry

from .test_import import (
    ELSA,
    GORAN,
    INGRID,
    MARTA,
    confirm,
    csv_bytes,
    row,
    stored_uploads,
    three_rows,
    upload,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def memory_storage(settings):
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {"BACKEND": "django.core.files.storage.InMemoryStorage"},
    }
    return default_storage


@pytest.fixture
def small_batches(monkeypatch):
    """Background from 2 rows, in batches of 2, and a broker that only records."""
    sent: list[int] = []
    monkeypatch.setattr(jobs, "BACKGROUND_FROM_ROWS", 2)
    monkeypatch.setattr(jobs, "BATCH_ROWS", 2)
    monkeypatch.setattr(jobs, "enqueue", sent.append)
    return sent


def check(client, content, django_capture_on_commit_callbacks):
    """Upload a large file and let its check job run, as a worker would."""
    with django_capture_on_commit_callbacks(execute=True):
        upload(client, content)
    jobs.run_import_job(ImportJob.objects.filter(kind="check").latest("pk").pk)


def start(client, content, django_capture_on_commit_callbacks, action="save_all"):
    check(client, content, django_capture_on_commit_callbacks)
    with django_capture_on_commit_callbacks(execute=True):
        response = confirm(client, action, follow=True)
    return response


def test_a_large_file_is_imported_by_a_job_not_in_the_request(
    client,
    officer,
    memory_storage,
    small_batches,
    django_capture_on_commit_callbacks,
):
    client.force_login(officer)
    response = start(client, three_rows(), django_capture_on_commit_callbacks)

    checked, job = ImportJob.objects.order_by("pk")
    assert small_batches == [checked.pk, job.pk]
    assert (checked.kind, checked.status, checked.total_rows) == ("check", "done", 3)
    assert (job.kind, job.status, job.created_by, job.only_valid) == (
        "import",
        "queued",
        officer,
        False,
    )
    assert Citizen.objects.count() == 0
    assert SESSION_KEY not in client.session
    assert client.session[JOB_SESSION_KEY] == str(job.public_id)
    html = response.content.decode()
    assert f'hx-get="{reverse("assessments:import_status")}"' in html
    assert 'hx-trigger="every 2s"' in html
    assert {m.level_tag for m in response.context["messages"]} == {"info"}

    jobs.run_import_job(job.pk)

    job.refresh_from_db()
    assert (job.status, job.total_rows, job.done_rows, job.progress) == ("done", 3, 3, 100)
    assert (job.created_citizens, job.created_applications) == (3, 3)
    assert Application.objects.count() == 3
    assert stored_uploads(memory_storage) == []
    logged = AccessLogEntry.objects.filter(user=officer, action="create")
    assert set(logged.values_list("citizen_ref", flat=True)) == set(
        Citizen.objects.values_list("public_id", flat=True)
    )
    assert set(logged.values_list("view", flat=True)) == {"assessments:import_applications"}

    status = client.get(reverse("assessments:import_status")).content.decode()
    assert "Importen är klar: 3 ärenden och 3 nya medborgare sparades." in status
    assert "hx-trigger" not in status


def test_the_status_shows_the_rows_saved_so_far_while_it_runs(client, officer):
    client.force_login(officer)
    job = ImportJob.objects.create(
        created_by=officer,
        upload_path="imports/x.csv",
        status="running",
        total_rows=8,
        done_rows=2,
    )
    session = client.session
    session[JOB_SESSION_KEY] = str(job.public_id)
    session.save()
    html = client.get(reverse("assessments:import_status")).content.decode()
    assert "Importerar: 2 av 8 rader sparade" in html
    assert 'value="25"' in html
    assert 'hx-trigger="every 2s"' in html


def test_another_users_job_is_not_shown(client, officer, demo_users):
    job = ImportJob.objects.create(created_by=demo_users["admin"], upload_path="imports/x.csv")
    client.force_login(officer)
    session = client.session
    session[JOB_SESSION_KEY] = str(job.public_id)
    session.save()
    html = client.get(reverse("assessments:import_status")).content.decode()
    assert "hx-get" not in html
    assert "<progress" not in html


def test_a_row_refused_mid_job_keeps_the_whole_batches_before_it_and_a_rerun_saves_the_rest(
    client,
    officer,
    memory_storage,
    small_batches,
    django_capture_on_commit_callbacks,
    monkeypatch,
):
    client.force_login(officer)
    content = csv_bytes(
        [
            row(MARTA),
            row(GORAN, "Göran", "Öhman"),
            row(INGRID, "Ingrid", "Lind"),
            row(ELSA, "Elsa", "Berg"),
        ]
    )
    real_build = services.application_build

    def refuse_ingrid(**kwargs):
        if kwargs["citizen"].personal_number == "194509234722":
            from django.core.exceptions import ValidationError

            raise ValidationError("refused")
        return real_build(**kwargs)

    monkeypatch.setattr(services, "application_build", refuse_ingrid)
    start(client, content, django_capture_on_commit_callbacks)
    job = ImportJob.objects.get(kind="import")
    with translation.override("en"):
        jobs.run_import_job(job.pk)

    job.refresh_from_db()
    assert job.status == "failed"
    assert job.failure == (
        "Rad 4 kunde inte sparas (refused). De 2 raderna före den sparades; ladda upp filen "
        "igen för att importera resten."
    )
    # Whole rows only: the first batch (rows 2 and 3), nothing of the second.
    assert sorted(Citizen.objects.values_list("first_name", flat=True)) == ["Göran", "Märta"]

    monkeypatch.setattr(services, "application_build", real_build)
    start(client, content, django_capture_on_commit_callbacks)
    again = ImportJob.objects.latest("pk")
    jobs.run_import_job(again.pk)
    again.refresh_from_db()
    assert (again.status, again.created_applications, again.skipped_duplicates) == ("done", 2, 2)
    assert Application.objects.count() == 4


def test_a_finished_job_delivered_again_does_nothing(officer, memory_storage):
    job = ImportJob.objects.create(created_by=officer, upload_path="imports/x.csv", status="done")
    jobs.run_import_job(job.pk)
    job.refresh_from_db()
    assert job.attempts == 0


def test_a_job_delivered_too_often_is_marked_failed(officer, memory_storage):
    job = ImportJob.objects.create(
        created_by=officer, upload_path="imports/x.csv", attempts=jobs.MAX_ATTEMPTS
    )
    jobs.run_import_job(job.pk)
    job.refresh_from_db()
    assert job.status == "failed"
    assert job.failure == "Importen avbröts flera gånger. Ladda upp filen igen."


def test_a_small_file_is_still_imported_in_the_request(client, officer, memory_storage):
    client.force_login(officer)
    upload(client, three_rows())
    confirm(client, "save_all")
    assert ImportJob.objects.count() == 0
    assert Citizen.objects.count() == 3


def test_worker_children_are_replaced_when_they_grow_or_have_run_many_tasks():
    from rehab.celery import app
    from rehab.settings.env import VARIABLES

    assert {"CELERY_WORKER_MAX_MEMORY_KB", "CELERY_WORKER_MAX_TASKS_PER_CHILD"} <= VARIABLES
    assert app.conf.worker_max_memory_per_child == 300_000
    assert app.conf.worker_max_tasks_per_child == 100


def test_the_check_says_when_the_import_will_run_in_the_background(
    client, officer, memory_storage, small_batches, django_capture_on_commit_callbacks
):
    client.force_login(officer)
    check(client, three_rows(), django_capture_on_commit_callbacks)
    html = client.get(reverse("assessments:import_applications")).content.decode()
    assert "Filer med fler än 2 rader importeras i bakgrunden" in html


def test_a_large_file_is_checked_by_a_job_and_the_page_shows_what_it_found(
    client, officer, memory_storage, small_batches, django_capture_on_commit_callbacks
):
    client.force_login(officer)
    content = csv_bytes(
        [
            row(MARTA),
            row(GORAN, "Göran", "Öhman"),
            row("19450923472X", "Ingrid", "Lind"),
        ]
    )
    with django_capture_on_commit_callbacks(execute=True):
        response = upload(client, content)
    assert response.status_code == 302  # nothing checked in the request
    job = ImportJob.objects.get()
    assert (job.kind, job.status, small_batches) == ("check", "queued", [job.pk])
    page = client.get(reverse("assessments:import_applications")).content.decode()
    assert "Filen kontrolleras" in page
    assert 'name="upload"' not in page  # nothing to confirm before the check is done
    assert 'hx-trigger="every 2s"' in page

    jobs.run_import_job(job.pk)

    job.refresh_from_db()
    assert (job.status, job.total_rows, job.invalid_rows) == ("done", 3, 1)
    assert Citizen.objects.count() == 0
    status = client.get(reverse("assessments:import_status"))
    assert status["HX-Refresh"] == "true"
    response = client.get(reverse("assessments:import_applications"))
    html = response.content.decode()
    report = response.context["report"]
    assert (report.row_count, report.importable_count, report.invalid_count) == (3, 2, 1)
    assert [row_number for row_number, _, _ in response.context["errors"]] == [4]
    assert 'data-testid="rows-read">3<' in html
    assert "Importera de 2 giltiga raderna" in html
    assert client.session[SESSION_KEY]["path"] == job.upload_path
    assert stored_uploads(memory_storage) == [job.upload_path.split("/")[-1]]


def test_a_check_job_writes_its_messages_in_the_users_language(
    officer, memory_storage, small_batches
):
    path = __import__("assessments").imports.store_upload(
        memory_storage, name="cases.csv", content=csv_bytes([row("19450923472X")])
    )
    job = ImportJob.objects.create(
        created_by=officer, upload_path=path, kind="check", language="sv"
    )
    with translation.override("en"):
        jobs.run_import_job(job.pk)
    job.refresh_from_db()
    [[row_number, _, message]] = job.check_report["errors"]
    assert row_number == 2
    assert message == "Skriv numret som ÅÅÅÅMMDD-NNNN (12 siffror) eller ÅÅMMDD-NNNN (10 siffror)."


def test_a_second_delivery_leaves_a_job_to_the_live_worker_running_it(officer, memory_storage):
    from datetime import timedelta

    from django.utils import timezone

    beat = timezone.now() - timedelta(seconds=40)
    job = ImportJob.objects.create(
        created_by=officer,
        upload_path="imports/x.csv",
        status="running",
        attempts=1,
        heartbeat_at=beat,
    )
    jobs.run_import_job(job.pk)
    job.refresh_from_db()
    assert (job.status, job.attempts, job.heartbeat_at) == ("running", 1, beat)


def test_the_beat_sends_again_once_the_jobs_whose_heartbeat_stopped(officer, small_batches):
    from datetime import timedelta

    from django.utils import timezone

    from assessments.tasks import resend_stalled_imports

    now = timezone.now()

    def running(seconds_ago):
        return ImportJob.objects.create(
            created_by=officer,
            upload_path="imports/x.csv",
            status="running",
            heartbeat_at=None if seconds_ago is None else now - timedelta(seconds=seconds_ago),
        )

    alive, lost, never = running(30), running(50), running(None)
    ImportJob.objects.create(created_by=officer, upload_path="imports/x.csv", status="done")
    assert resend_stalled_imports() == 2
    assert sorted(small_batches) == sorted([lost.pk, never.pk])
    assert resend_stalled_imports() == 0
    assert list(
        ImportJob.objects.filter(pk__in=[lost.pk, never.pk]).values_list("status", flat=True)
    ) == ["queued", "queued"]
    alive.refresh_from_db()
    assert alive.status == "running"
