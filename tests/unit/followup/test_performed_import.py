"""Performed minutes: the import of the provider's monthly export.

The data are made by hand and the expected figures worked out beforehand (see each test).
"""

import datetime
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import Workbook

from followup import performed_import
from followup.models import PerformedMinutes
from rehab.models import AccessLogEntry
from tests.factories import CitizenFactory, TeamFactory

pytestmark = pytest.mark.django_db

HEADER = "Personnummer;Insats;Månad;Utförda minuter"
PAGE = "followup:performed_import"


@pytest.fixture
def manager(demo_users):
    return demo_users["enhetschef"]


@pytest.fixture
def citizens(officer):
    """Two citizens of the demo team."""
    return [CitizenFactory(team=officer.team), CitizenFactory(team=officer.team)]


def dashed(citizen) -> str:
    """The number as a provider's export may write it: with an en dash."""
    number = citizen.personal_number
    return f"{number[:8]}\u2013{number[8:]}"


def csv_file(*lines: str, name: str = "utford-tid.csv") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, "\n".join([HEADER, *lines]).encode())


def xlsx_file(*rows, name: str = "utford-tid.xlsx") -> SimpleUploadedFile:
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(["PERSONNUMMER", "insats", "månad", "utförda minuter"])
    for row in rows:
        sheet.append(list(row))
    content = io.BytesIO()
    workbook.save(content)
    return SimpleUploadedFile(name, content.getvalue())


def check(client, upload):
    return client.post(reverse(PAGE), {"action": "check", "file": upload})


def save(client):
    token = client.session[performed_import_session_key()]["token"]
    return client.post(reverse(PAGE), {"action": "save", "upload": token}, follow=True)


def performed_import_session_key():
    from followup.views.performed import SESSION_KEY

    return SESSION_KEY


def stored():
    return sorted(
        PerformedMinutes.objects.values_list(
            "citizen__personal_number", "service__code", "month", "minutes"
        )
    )


# --- the import --------------------------------------------------------------------------------


def test_the_dry_run_reports_what_would_be_saved_and_saves_nothing(client, manager, citizens):
    anna, bo = citizens
    client.force_login(manager)
    page = check(
        client,
        csv_file(
            f"{dashed(anna)};Dusch;2026-03;280",
            f"{anna.personal_number};stad;2026-03;120",
            f"{bo.personal_number};Städ;2026-4;0",
        ),
    )
    report = page.context["report"]
    assert (report.new, report.changed, report.unchanged, report.errors) == (3, 0, 0, [])
    assert PerformedMinutes.objects.count() == 0
    assert 'data-testid="new-rows">3<' in page.content.decode()
    # Matching the rows to the team's citizens read them.
    logged = AccessLogEntry.objects.filter(action=AccessLogEntry.Action.CHECK)
    assert set(logged.values_list("citizen_ref", flat=True)) == {anna.public_id, bo.public_id}
    assert anna.personal_number not in page.content.decode()

    save(client)
    assert stored() == sorted(
        [
            (anna.personal_number, "dusch", datetime.date(2026, 3, 1), 280),
            (anna.personal_number, "stad", datetime.date(2026, 3, 1), 120),
            (bo.personal_number, "stad", datetime.date(2026, 4, 1), 0),
        ]
    )
    row = PerformedMinutes.objects.get(citizen=anna, service__code="dusch")
    assert (row.imported_by, row.source_file) == (manager, "utford-tid.csv")


def test_a_bad_row_lists_its_errors_by_row_and_column_and_nothing_is_saved(
    client, manager, citizens
):
    anna, _bo = citizens
    client.force_login(manager)
    page = check(
        client,
        csv_file(
            f"{anna.personal_number};Dusch;2026-03;280",
            f"{anna.personal_number};Fotvård;2026-13;-5",
            f"{anna.personal_number};Trygghetslarm;2026-03;30",
            f"{anna.personal_number};dusch;2026-03;300",
            ";Dusch;2026-03;1,5",
        ),
    )
    report = page.context["report"]
    assert [(row, column) for row, column, _message in report.errors] == [
        (3, "insats"),
        (3, "månad"),
        (3, "utförda minuter"),
        (4, "insats"),
        (5, ""),
        (6, "personnummer"),
        (6, "utförda minuter"),
    ]
    assert not report.can_be_saved
    assert page.context["pending"] is None
    assert performed_import_session_key() not in client.session
    # A save without a checked file saves nothing either.
    client.post(reverse(PAGE), {"action": "save", "upload": "x"})
    assert PerformedMinutes.objects.count() == 0


def test_the_errors_are_in_swedish(client, manager, citizens):
    anna, _bo = citizens
    client.force_login(manager)
    page = client.post(
        reverse(PAGE),
        {"action": "check", "file": csv_file(f"{anna.personal_number};Dusch;mars;280")},
        HTTP_ACCEPT_LANGUAGE="sv",
    )
    text = page.content.decode()
    assert "Skriv månaden som ÅÅÅÅ-MM, t.ex. 2026-03." in text
    assert "Importera utförd tid" in text


def test_importing_again_replaces_and_never_doubles(client, manager, citizens):
    anna, bo = citizens
    client.force_login(manager)
    first = csv_file(
        f"{anna.personal_number};Dusch;2026-03;280",
        f"{bo.personal_number};Dusch;2026-03;140",
    )
    check(client, first)
    save(client)

    def again():
        return csv_file(
            f"{anna.personal_number};Dusch;2026-03;280",
            f"{bo.personal_number};Dusch;2026-03;150",
            f"{bo.personal_number};Dusch;2026-04;160",
            name="rattad.csv",
        )

    report = check(client, again()).context["report"]
    assert (report.new, report.changed, report.unchanged) == (1, 1, 1)
    page = save(client)
    assert "1 new rows, 1 changed and 1 unchanged" in page.content.decode() or (
        "1 nya rader, 1 ändrade och 1 oförändrade" in page.content.decode()
    )
    assert stored() == sorted(
        [
            (anna.personal_number, "dusch", datetime.date(2026, 3, 1), 280),
            (bo.personal_number, "dusch", datetime.date(2026, 3, 1), 150),
            (bo.personal_number, "dusch", datetime.date(2026, 4, 1), 160),
        ]
    )
    assert PerformedMinutes.objects.get(citizen=bo, month="2026-03-01").source_file == "rattad.csv"
    # The citizens whose rows were saved are logged as changed; the unchanged one as read.
    updates = AccessLogEntry.objects.filter(action=AccessLogEntry.Action.UPDATE)
    assert sorted(updates.values_list("citizen_ref", flat=True)) == sorted(
        [anna.public_id, bo.public_id, bo.public_id]
    )

    report = check(client, again()).context["report"]
    assert (report.new, report.changed, report.unchanged) == (0, 0, 3)
    save(client)
    assert PerformedMinutes.objects.count() == 3


def test_the_same_citizen_service_and_month_twice_in_a_file_is_an_error(client, manager, citizens):
    anna, _bo = citizens
    client.force_login(manager)
    report = check(
        client,
        csv_file(
            f"{anna.personal_number};Dusch;2026-03;280",
            f"{dashed(anna)};dusch;2026-03;300",
        ),
    ).context["report"]
    assert [(row, column) for row, column, _m in report.errors] == [(3, "")]


def test_another_teams_citizen_is_an_error_that_does_not_tell_whether_the_number_exists(
    client, manager, citizens
):
    anna, _bo = citizens
    elsewhere = CitizenFactory(team=TeamFactory(name="Team Norr 9"))
    unknown = CitizenFactory.build().personal_number
    client.force_login(manager)
    report = check(
        client,
        csv_file(
            f"{anna.personal_number};Dusch;2026-03;280",
            f"{elsewhere.personal_number};Dusch;2026-03;280",
            f"{unknown};Dusch;2026-03;280",
        ),
    ).context["report"]
    messages = {row: message for row, _column, message in report.errors}
    assert set(messages) == {3, 4}
    assert messages[3] == messages[4]
    assert not report.can_be_saved
    assert not AccessLogEntry.objects.filter(citizen_ref=elsewhere.public_id).exists()


def test_an_xlsx_export_with_date_cells_imports_like_a_csv(client, manager, citizens):
    anna, bo = citizens
    client.force_login(manager)
    report = check(
        client,
        xlsx_file(
            (dashed(anna), "Dusch", datetime.date(2026, 3, 1), 280),
            (bo.personal_number, "Städ", "2026-04", 95.0),
        ),
    ).context["report"]
    assert (report.new, report.errors) == (2, [])
    save(client)
    assert stored() == sorted(
        [
            (anna.personal_number, "dusch", datetime.date(2026, 3, 1), 280),
            (bo.personal_number, "stad", datetime.date(2026, 4, 1), 95),
        ]
    )


def test_a_report_with_errors_is_refused_by_the_service(manager, citizens):
    anna, _bo = citizens
    content = "\n".join([HEADER, f"{anna.personal_number};Dusch;2026-03;x"]).encode()
    report = performed_import.check_file(name="a.csv", content=content, team_id=manager.team_id)
    with pytest.raises(performed_import.ValidationError):
        performed_import.import_performed(report=report, actor=manager, source_file="a.csv")
    assert PerformedMinutes.objects.count() == 0


def test_only_the_manager_imports(client, demo_users):
    for username, status in [("enhetschef", 200), ("handlaggare", 403), ("admin", 403)]:
        client.force_login(demo_users[username])
        assert client.get(reverse(PAGE)).status_code == status


def test_the_overview_links_to_the_import(client, manager):
    client.force_login(manager)
    assert reverse(PAGE) in client.get(reverse("followup:overview")).content.decode()
