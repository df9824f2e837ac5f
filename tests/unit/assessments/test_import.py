import datetime
import io
from pathlib import Path

import openpyxl
import pytest
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import translation

from assessments import imports, services
from assessments.integrity import untruthful_cases
from assessments.models import Application, AppliedService, Citizen
from assessments.views.imports import SESSION_KEY
from followup.models import CaseFigures
from rehab.models import AccessLogEntry, Team

pytestmark = pytest.mark.django_db

EXAMPLE = Path(settings.BASE_DIR) / "docs" / "import-example.csv"

# Fictional people with valid check digits.
MARTA = "19380412-2384"
GORAN = "19411130-1919"
INGRID = "19450923-4722"
ELSA = "19361205-3847"

HEADER = [
    "personnummer",
    "fornamn",
    "efternamn",
    "ensamboende",
    "inkom",
    "arendetyp",
    "kanal",
    "efter_slutenvard",
    "trygghetslarm",
    "dusch",
    "stad",
]


def row(number=MARTA, first="Märta", last="Åberg", received="2026-03-01", **overrides):
    values = {
        "personnummer": number,
        "fornamn": first,
        "efternamn": last,
        "ensamboende": "ja",
        "inkom": received,
        "arendetyp": "ansokan",
        "kanal": "telefon",
        "efter_slutenvard": "nej",
        "trygghetslarm": "ja",
        "dusch": "60",
        "stad": "",
    }
    values.update(overrides)
    return [values[column] for column in HEADER]


def csv_bytes(rows, *, separator=";", encoding="utf-8", header=HEADER) -> bytes:
    lines = [separator.join(header)] + [separator.join(values) for values in rows]
    return ("\r\n".join(lines) + "\r\n").encode(encoding)


def three_rows() -> bytes:
    return csv_bytes(
        [
            row(MARTA, "Märta", "Åberg"),
            row(GORAN, "Göran", "Öhman", received="9/2 2026", kanal="sjukhus", dusch="", stad="90"),
            row(INGRID, "Ingrid", "Lindqvist", arendetyp="aktualisering", trygghetslarm="nej"),
        ]
    )


@pytest.fixture
def memory_storage(settings):
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {"BACKEND": "django.core.files.storage.InMemoryStorage"},
    }
    return default_storage


def check(content: bytes, name: str = "cases.csv", team_id=None) -> imports.ImportReport:
    return imports.parse_file(name=name, content=content, team_id=team_id)


def errors_of(report) -> list[tuple[int, str]]:
    return [(number, column) for number, column, _message in report.errors]


# --- Reading files ----------------------------------------------------------------------


def test_the_documented_example_file_imports(officer):
    report = check(EXAMPLE.read_bytes())
    assert report.file_errors == []
    assert report.errors == []
    result = imports.import_rows(report=report, actor=officer, only_valid=False)

    assert (result.saved, result.created_citizens, result.created_applications) == (True, 3, 3)
    marta = Citizen.objects.get(personal_number="193804122384")
    assert (marta.first_name, marta.last_name, marta.city) == ("Märta", "Åberg", "Timrå")
    assert marta.lives_alone is True
    assert marta.postal_code == "86131"
    assert marta.team == officer.team
    goran = Citizen.objects.get(personal_number="194111301919").applications.get()
    assert goran.received_on == datetime.date(2026, 2, 9)
    assert goran.channel == Application.Channel.HOSPITAL
    assert goran.after_inpatient_stay is True
    assert goran.existing_services == "Matdistribution"
    assert goran.case_officer == officer
    assert goran.team == officer.team
    assert goran.import_key
    minutes = {s.service.code: s.minutes_per_week for s in goran.applied_services.all()}
    assert minutes == {"stad": 90, "hushall_baddning": 30}
    ingrid = Citizen.objects.get(personal_number="194509234722").applications.get()
    assert ingrid.kind == Application.Kind.REVIEW
    assert ingrid.channel == Application.Channel.NEXT_OF_KIN


def test_an_imported_case_is_the_record_the_services_would_save(officer):
    """The import saves a batch with one statement per table (on PostgreSQL from one JSON
    value); what it writes reads back as the same citizen, case, services and history."""
    report = check(EXAMPLE.read_bytes())
    imports.import_rows(report=report, actor=officer, only_valid=False)

    marta = Citizen.objects.get(personal_number="193804122384")
    assert (marta.street_address, marta.phone, marta.sex) == ("Storgatan 12", "060-12 34 56", "K")
    assert (marta.birth_date, marta.version, marta.protected_identity) == (
        datetime.date(1938, 4, 12),
        1,
        False,
    )
    assert marta.home_care_area is None
    assert marta.created_at and marta.updated_at
    case = marta.applications.get()
    assert (case.kind, case.status, case.version) == ("ansokan", "received", 1)
    assert case.received_on == datetime.date(2026, 2, 2)
    minutes = {s.service.code: s.minutes_per_week for s in case.applied_services.all()}
    assert minutes == {"trygghetslarm": None, "dusch": 60}
    # The work queue's columns and the case's figures, as the services keep them.
    assert (case.applied_minutes, case.visit_at, case.visit_done) == (60, None, False)
    assert untruthful_cases(Application.objects.filter(pk=case.pk)) == []
    assert CaseFigures.objects.filter(application=case).exists()
    (history,) = marta.history.all()
    assert (history.history_type, history.history_user, history.first_name) == (
        "+",
        officer,
        "Märta",
    )
    assert history.personal_number == "193804122384"
    (case_history,) = case.history.all()
    assert (case_history.history_type, case_history.import_key) == ("+", case.import_key)
    assert case_history.citizen_id == marta.pk
    # The ids came from the tables' own sequences: the next record gets the next one.
    later = services.citizen_create(
        personal_number="19361205-3847", team=officer.team, first_name="Elsa", last_name="Berg"
    )
    assert later.pk > max(Citizen.objects.exclude(pk=later.pk).values_list("pk", flat=True))


@pytest.mark.parametrize(
    "encode",
    [
        pytest.param(lambda text: text.encode("utf-8-sig"), id="utf-8 with BOM"),
        pytest.param(lambda text: text.encode("utf-8"), id="utf-8"),
        pytest.param(lambda text: text.encode("latin-1"), id="latin-1"),
        pytest.param(lambda text: text.encode("cp1252"), id="windows-1252"),
    ],
)
def test_swedish_letters_survive_each_encoding(officer, encode):
    text = three_rows().decode("utf-8")
    report = check(encode(text))
    assert report.errors == []
    imports.import_rows(report=report, actor=officer, only_valid=False)
    names = set(Citizen.objects.values_list("first_name", "last_name"))
    assert names == {("Märta", "Åberg"), ("Göran", "Öhman"), ("Ingrid", "Lindqvist")}


@pytest.mark.parametrize("separator", [";", ",", "\t"])
def test_semicolon_comma_and_tab_separators_are_detected(separator):
    report = check(three_rows().decode().replace(";", separator).encode())
    assert report.file_errors == []
    assert len(report.importable_rows) == 3
    assert report.rows[1].data.citizen_fields["first_name"] == "Göran"


def test_quoted_values_may_hold_the_separator(officer):
    content = csv_bytes([row(efter_slutenvard="nej")], separator=",").decode()
    content = content.replace("Märta", '"Märta, Lisa"')
    report = check(content.encode())
    imports.import_rows(report=report, actor=officer, only_valid=False)
    assert Citizen.objects.get().first_name == "Märta, Lisa"


def test_headers_are_matched_without_case_diacritics_or_in_english():
    header = [
        "Personnummer",
        "Förnamn",
        "LAST_NAME",
        "Lives alone",
        "Inkom",
        "Ärendetyp",
        "Channel",
        "Efter slutenvård",
        "Safety alarm",
        "Dusch",
        "Städ",
    ]
    report = check(csv_bytes([row()], header=header))
    assert report.file_errors == []
    assert report.errors == []


def test_an_xlsx_file_with_a_real_excel_date_cell_imports(officer):
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.append(HEADER + ["Anteckning"])
    sheet.append([MARTA, "Märta", "Åberg", "ja", datetime.date(2026, 3, 1), "ansokan", "telefon",
                  0, 1, 60, None, "ignoreras"])  # fmt: skip
    sheet.append([194111301919, "Göran", "Öhman", "nej", datetime.datetime(2026, 2, 9),  # noqa: DTZ001
                  "anmälan", "E-tjänst", "ja", "nej", None, 90.0, None])  # fmt: skip
    sheet.append([None] * 12)
    assert sheet["E2"].is_date
    buffer = io.BytesIO()
    workbook.save(buffer)

    report = check(buffer.getvalue(), name="Ärenden.XLSX")
    assert report.file_errors == []
    assert report.errors == []
    assert report.unknown_columns == ["Anteckning"]
    result = imports.import_rows(report=report, actor=officer, only_valid=False)

    assert result.created_applications == 2
    marta = Application.objects.get(citizen__personal_number="193804122384")
    assert marta.received_on == datetime.date(2026, 3, 1)
    assert {s.service.code for s in marta.applied_services.all()} == {"trygghetslarm", "dusch"}
    goran = Application.objects.get(citizen__personal_number="194111301919")
    assert goran.received_on == datetime.date(2026, 2, 9)
    assert goran.kind == Application.Kind.NOTIFICATION
    assert goran.channel == Application.Channel.E_SERVICE
    assert goran.applied_services.get().minutes_per_week == 90


def test_a_file_that_is_not_a_workbook_is_refused_clearly():
    report = check(b"not a zip file", name="cases.xlsx")
    assert len(report.file_errors) == 1
    assert report.rows == []


def test_other_file_types_are_refused():
    report = check(b"whatever", name="cases.xls")
    assert len(report.file_errors) == 1


# --- Validation -------------------------------------------------------------------------


def test_each_invalid_row_is_reported_with_its_row_number_and_column():
    content = csv_bytes(
        [
            row(MARTA),
            row("19380412-2385"),  # wrong check digit
            row(GORAN, received="31/2 2026"),
            row(INGRID, dusch="en timme"),
            row(ELSA, kanal="brevduva"),
            row(ELSA, received="2026-03-02", fornamn="", stad="-5"),
        ]
    )
    with translation.override("en"):
        report = check(content)
        messages = {(number, column): str(text) for number, column, text in report.errors}

    assert errors_of(report) == [
        (3, "personnummer"),
        (4, "inkom"),
        (5, "dusch"),
        (6, "kanal"),
        (7, "fornamn"),
        (7, "stad"),
    ]
    assert "check digit" in messages[3, "personnummer"]
    assert "2026-03-01" in messages[4, "inkom"]
    assert "whole number" in messages[5, "dusch"]
    assert "brevduva" in messages[6, "kanal"]
    assert "negative" in messages[7, "stad"]
    assert [r.row_number for r in report.importable_rows] == [2]


def test_personnummer_messages_are_the_registration_forms_translated_ones():
    with translation.override("sv"):
        report = check(csv_bytes([row("19380412-2385")]))
    ((_number, column, message),) = report.errors
    assert column == "personnummer"
    assert "Kontrollsiffran är fel" in str(message)


@pytest.mark.parametrize(
    ("overrides", "column"),
    [
        ({"received": "2099-01-01"}, "inkom"),
        ({"ensamboende": "kanske"}, "ensamboende"),
        ({"arendetyp": "klagomal"}, "arendetyp"),
        ({"trygghetslarm": "15"}, "trygghetslarm"),
        ({"dusch": "30,5"}, "dusch"),
        ({"dusch": "20000"}, "dusch"),
        ({"first": "x" * 101}, "fornamn"),
        ({"trygghetslarm": "", "dusch": "0"}, ""),
    ],
)
def test_other_invalid_values_are_reported(overrides, column):
    report = check(csv_bytes([row(**overrides)]))
    assert errors_of(report) == [(2, column)]


def test_values_are_normalised():
    content = csv_bytes([row("380412 2384", kanal="E-TJÄNST", ensamboende="1", dusch="45.0")])
    (result,) = check(content).rows
    assert result.errors == []
    assert result.data.personal_number == "193804122384"
    assert result.data.application_fields["channel"] == Application.Channel.E_SERVICE
    assert result.data.citizen_fields["lives_alone"] is True
    assert [r.minutes_per_week for r in result.data.services] == [None, 45]


def test_empty_rows_are_skipped_silently_and_row_numbers_stay_those_of_the_file():
    lines = three_rows().decode().split("\r\n")
    content = "\r\n".join([lines[0], lines[1], "", ";;;;;;;;;;", "  ", lines[2], lines[3]])
    report = check(content.encode())
    assert report.errors == []
    assert [r.row_number for r in report.rows] == [2, 6, 7]


def test_a_missing_required_column_is_one_file_level_error():
    header = [column for column in HEADER if column != "inkom"]
    content = csv_bytes([row()[:4] + row()[5:]], header=header)
    with translation.override("en"):
        report = check(content)
    assert len(report.file_errors) == 1
    assert "inkom" in str(report.file_errors[0])
    assert report.rows == []


def test_a_file_without_service_columns_is_refused():
    header = HEADER[:8]
    report = check(csv_bytes([row()[:8]], header=header))
    assert len(report.file_errors) == 1


def test_a_header_only_file_has_nothing_to_import(officer):
    report = check(csv_bytes([]))
    assert report.file_errors == []
    assert report.rows == []
    result = imports.import_rows(report=report, actor=officer, only_valid=False)
    assert result.created_applications == 0


def test_an_empty_file_is_refused():
    assert len(check(b"").file_errors) == 1


def test_files_over_twenty_megabytes_are_refused():
    content = three_rows() + b" " * imports.MAX_FILE_BYTES
    with translation.override("en"):
        report = check(content)
    assert report.file_errors and "20 MB" in str(report.file_errors[0])


def test_files_over_a_hundred_thousand_rows_are_refused():
    line = ";".join(row()).encode()
    content = csv_bytes([]) + (line + b"\r\n") * (imports.MAX_ROWS + 1)
    with translation.override("en"):
        report = check(content)
    assert len(report.file_errors) == 1
    assert "100 000" in str(report.file_errors[0])


# --- Saving -----------------------------------------------------------------------------


def with_one_invalid_row() -> bytes:
    return csv_bytes(
        [row(MARTA), row(GORAN, "Göran", "Öhman", dusch="mycket"), row(INGRID, "Ingrid", "Lind")]
    )


def test_with_an_invalid_row_nothing_is_saved(officer):
    report = check(with_one_invalid_row())
    result = imports.import_rows(report=report, actor=officer, only_valid=False)
    assert result.saved is False
    assert result.invalid_rows == 1
    assert Citizen.objects.count() == 0
    assert Application.objects.count() == 0


def test_only_valid_saves_the_valid_rows(officer):
    report = check(with_one_invalid_row())
    result = imports.import_rows(report=report, actor=officer, only_valid=True)
    assert result.saved is True
    assert (result.created_citizens, result.created_applications, result.invalid_rows) == (2, 2, 1)
    assert set(Citizen.objects.values_list("first_name", flat=True)) == {"Märta", "Ingrid"}


def test_importing_the_same_file_twice_creates_no_duplicates(officer):
    first = imports.import_rows(report=check(three_rows()), actor=officer, only_valid=False)
    second_report = check(three_rows())
    assert len(second_report.duplicate_rows) == 3
    assert second_report.importable_rows == []
    second = imports.import_rows(report=second_report, actor=officer, only_valid=False)

    assert (first.created_citizens, first.created_applications) == (3, 3)
    assert (second.created_citizens, second.created_applications) == (0, 0)
    assert second.skipped_duplicates == 3
    assert Citizen.objects.count() == 3
    assert Application.objects.count() == 3


def test_a_report_checked_before_another_import_still_creates_no_duplicates(officer):
    stale = check(three_rows())
    imports.import_rows(report=check(three_rows()), actor=officer, only_valid=False)
    result = imports.import_rows(report=stale, actor=officer, only_valid=False)
    assert (result.created_applications, result.skipped_duplicates) == (0, 3)
    assert Application.objects.count() == 3


def test_the_same_case_twice_in_one_file_is_imported_once(officer):
    report = check(csv_bytes([row(MARTA), row(MARTA, first="Marta"), row(GORAN)]))
    assert [r.duplicate_of_row for r in report.duplicate_rows] == [2]
    result = imports.import_rows(report=report, actor=officer, only_valid=False)
    assert (result.created_applications, result.skipped_duplicates) == (2, 1)


def test_an_existing_citizen_is_reused_when_the_row_names_them(officer):
    existing = services.citizen_create(
        personal_number=MARTA, team=officer.team, first_name="Märta", last_name="Åberg"
    )
    report = check(
        csv_bytes(
            [row(MARTA, "Märta", "Åberg"), row(MARTA, "MÄRTA", "åberg", received="2026-03-05")]
        )
    )
    result = imports.import_rows(report=report, actor=officer, only_valid=False)

    assert (result.created_citizens, result.created_applications) == (0, 2)
    assert result.updated_citizen_ids == [existing.public_id]
    assert Citizen.objects.count() == 1
    assert existing.applications.count() == 2


def test_a_registered_number_under_another_name_is_a_row_error(officer):
    services.citizen_create(
        personal_number=MARTA, team=officer.team, first_name="Märta", last_name="Berg"
    )
    report = check(csv_bytes([row(MARTA, "Märtha", "Åberg")]))
    assert report.errors == [(2, "personnummer", str(report.invalid_rows[0].errors[0][1]))]
    assert "annat namn" in str(report.invalid_rows[0].errors[0][1])
    assert not imports.import_rows(report=report, actor=officer, only_valid=False).saved


def test_a_citizen_of_another_team_is_not_imported_into_this_team(officer):
    other = Team.objects.create(name="Team Söder")
    services.citizen_create(
        personal_number=MARTA, team=other, first_name="Märta", last_name="Åberg"
    )
    report = check(csv_bytes([row(MARTA, "Märta", "Åberg")]), team_id=officer.team_id)
    assert len(report.invalid_rows) == 1
    assert "annat team" in str(report.invalid_rows[0].errors[0][1])
    assert not Application.objects.exists()


def test_a_new_citizen_with_two_cases_in_the_file_is_created_once(officer):
    report = check(csv_bytes([row(MARTA), row(MARTA, received="2026-03-05", dusch="30")]))
    result = imports.import_rows(report=report, actor=officer, only_valid=False)
    assert (result.created_citizens, result.created_applications) == (1, 2)
    assert result.updated_citizen_ids == []


def test_a_service_failing_mid_import_rolls_back_everything(officer, monkeypatch):
    # The import builds and validates every row through ``application_build`` before it
    # saves any; a refusal of the second row must leave nothing saved.
    real_build = services.application_build
    calls = []

    def failing_on_second_row(**kwargs):
        calls.append(kwargs)
        if len(calls) == 2:
            raise ValidationError({"channel": "refused"})
        return real_build(**kwargs)

    monkeypatch.setattr(services, "application_build", failing_on_second_row)
    report = check(three_rows())
    with pytest.raises(imports.ImportRowError) as raised:
        imports.import_rows(report=report, actor=officer, only_valid=False)

    assert raised.value.row_number == 3
    assert len(calls) == 2
    assert Citizen.objects.count() == 0
    assert Application.objects.count() == 0
    assert AppliedService.objects.count() == 0


def numbered_rows(count: int, *, registered: int = 0) -> list[list[str]]:
    """``count`` rows of different people (valid numbers born in 1940); the first
    ``registered`` of them are registered already, in the officer's team, under their name."""
    from assessments import demo_data

    return [
        row(
            demo_data.personal_number(datetime.date(1940, 1, 1 + index), serial=20 + 2 * index),
            "Test",
            f"Rad{index}",
        )
        for index in range(count)
    ]


@pytest.mark.parametrize("count", [3, 12])
def test_saving_takes_the_same_queries_for_few_rows_and_for_many(
    officer, django_assert_num_queries, count
):
    rows = numbered_rows(count)
    # One of them registered already (its case is added to it): the first half of the file.
    existing = services.citizen_create(
        personal_number=rows[0][0], team=officer.team, first_name="Test", last_name="Rad0"
    )
    report = check(csv_bytes(rows), team_id=officer.team_id)
    assert len(report.importable_rows) == count
    officer.team  # noqa: B018 -- read once, as the view's request.user has it
    # The import's savepoint (2), its import keys (1), citizens (1); the save's savepoint
    # (2), citizens, their history, applications, their history, applied services (5);
    # the new cases' figures in one statement within its savepoint (3).
    # On PostgreSQL three more: the numbers' advisory locks, one statement (SQLite has
    # none), and the new citizens' and cases' ids taken from their sequences.
    from django.db import connection

    with django_assert_num_queries(14 + 3 * (connection.vendor == "postgresql")):
        result = imports.import_rows(report=report, actor=officer, only_valid=False)
    assert (result.created_citizens, result.created_applications) == (count - 1, count)
    assert result.updated_citizen_ids == [existing.public_id]
    assert AppliedService.objects.count() == 2 * count
    assert Citizen.history.filter(history_user=officer).count() == count - 1
    assert Application.history.filter(history_user=officer).count() == count


def test_a_user_without_a_team_cannot_import(officer):
    officer.team = None
    with pytest.raises(ValidationError):
        imports.import_rows(report=check(three_rows()), actor=officer, only_valid=False)
    assert Citizen.objects.count() == 0


def test_import_keys_do_not_contain_the_personnummer():
    (first, *_rest) = check(three_rows()).rows
    assert "193804122384" not in first.import_key
    assert "3804122384" not in first.import_key
    assert len(first.import_key) <= 100


def test_stale_uploads_are_deleted(memory_storage):
    old = imports.store_upload(memory_storage, name="a.csv", content=b"x")
    assert imports.is_stored_upload_name(old)
    assert imports.delete_stale_uploads(memory_storage, older_than=datetime.timedelta(0)) == 1
    assert not memory_storage.exists(old)
    kept = imports.store_upload(memory_storage, name="b.xlsx", content=b"x")
    assert imports.delete_stale_uploads(memory_storage, older_than=datetime.timedelta(hours=1)) == 0
    assert memory_storage.exists(kept)


# --- The view ---------------------------------------------------------------------------


def upload(client, content: bytes, name: str = "cases.csv"):
    return client.post(
        reverse("assessments:import_applications"),
        {"file": SimpleUploadedFile(name, content, content_type="text/csv"), "action": "check"},
    )


def confirm(client, action: str, **kwargs):
    token = client.session[SESSION_KEY]["token"]
    return client.post(
        reverse("assessments:import_applications"), {"action": action, "upload": token}, **kwargs
    )


def test_the_upload_page_shows_the_form_and_the_column_format(client, officer):
    client.force_login(officer)
    response = client.get(reverse("assessments:import_applications"))
    html = response.content.decode()
    assert response.status_code == 200
    assert "<h1>" in html
    assert 'type="file"' in html
    assert 'enctype="multipart/form-data"' in html
    for column in [
        "personnummer",
        "inkom",
        "kanal",
        "befintliga_insatser",
        "dusch",
        "trygghetslarm",
    ]:
        assert f"<code>{column}</code>" in html


def test_a_therapist_may_not_import(client, demo_users):
    client.force_login(demo_users["arbetsterapeut"])
    url = reverse("assessments:import_applications")
    assert client.get(url).status_code == 403
    response = client.post(url, {"file": SimpleUploadedFile("c.csv", three_rows())})
    assert response.status_code == 403
    assert Citizen.objects.count() == 0


def test_anonymous_users_are_sent_to_the_login_page(client):
    response = client.get(reverse("assessments:import_applications"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


def test_the_dry_run_shows_the_report_without_saving_then_save_all_saves(
    client, officer, memory_storage
):
    client.force_login(officer)
    url = reverse("assessments:import_applications")

    response = upload(client, three_rows())
    html = response.content.decode()
    assert response.status_code == 200
    assert 'data-testid="valid-rows">3<' in html
    assert 'value="save_all"' in html
    assert Citizen.objects.count() == 0
    assert Application.objects.count() == 0
    pending = client.session[SESSION_KEY]
    assert set(pending) == {"path", "name", "token"}
    assert f'name="upload" value="{pending["token"]}"' in html
    assert imports.is_stored_upload_name(pending["path"])
    assert memory_storage.exists(pending["path"])

    response = confirm(client, "save_all", follow=True)
    assert response.redirect_chain == [(url, 302)]
    assert Citizen.objects.count() == 3
    assert Application.objects.count() == 3
    assert {m.level_tag for m in response.context["messages"]} == {"success"}
    assert not memory_storage.exists(pending["path"])
    assert SESSION_KEY not in client.session
    created = set(Citizen.objects.values_list("public_id", flat=True))
    logged = AccessLogEntry.objects.filter(user=officer, action="create")
    assert set(logged.values_list("citizen_ref", flat=True)) == created
    assert set(logged.values_list("view", flat=True)) == {"assessments:import_applications"}


def test_the_dry_run_lists_each_invalid_row_and_offers_to_import_only_the_valid_ones(
    client, officer, memory_storage
):
    client.force_login(officer)
    response = upload(client, with_one_invalid_row())
    html = response.content.decode()
    assert 'data-testid="valid-rows">2<' in html
    assert 'data-testid="invalid-rows">1<' in html
    assert "<td>3</td>" in html
    assert "<code>dusch</code>" in html
    assert 'value="save_valid"' in html
    assert 'value="save_all"' not in html

    response = confirm(client, "save_all")
    assert response.status_code == 200
    assert Citizen.objects.count() == 0

    confirm(client, "save_valid")
    assert Citizen.objects.count() == 2
    assert AccessLogEntry.objects.filter(action="create").count() == 2


def test_a_file_level_error_is_shown_and_nothing_is_kept(client, officer, memory_storage):
    client.force_login(officer)
    header = [column for column in HEADER if column != "kanal"]
    response = upload(client, csv_bytes([], header=header))
    assert response.status_code == 200
    assert 'role="alert"' in response.content.decode()
    assert SESSION_KEY not in client.session
    assert stored_uploads(memory_storage) == []


def test_cancel_deletes_the_stored_file(client, officer, memory_storage):
    client.force_login(officer)
    upload(client, three_rows())
    path = client.session[SESSION_KEY]["path"]
    response = client.post(reverse("assessments:import_applications"), {"action": "cancel"})
    assert response.status_code == 302
    assert not memory_storage.exists(path)
    assert Citizen.objects.count() == 0


def test_saving_without_a_checked_file_asks_for_the_file_again(client, officer, memory_storage):
    client.force_login(officer)
    response = client.post(reverse("assessments:import_applications"), {"action": "save_all"})
    assert response.status_code == 302
    assert Citizen.objects.count() == 0


def test_a_mid_import_failure_in_the_view_saves_nothing(
    client, officer, memory_storage, monkeypatch
):
    client.force_login(officer)
    upload(client, three_rows())
    path = client.session[SESSION_KEY]["path"]
    real_build = services.application_build
    calls = []

    def failing_on_second_row(**kwargs):
        calls.append(1)
        if len(calls) == 2:
            raise ValidationError("refused")
        return real_build(**kwargs)

    monkeypatch.setattr(services, "application_build", failing_on_second_row)
    response = confirm(client, "save_all", follow=True)
    assert [m.level_tag for m in response.context["messages"]] == ["error"]
    assert Citizen.objects.count() == 0
    assert Application.objects.count() == 0
    assert not memory_storage.exists(path)


def test_the_personnummer_is_never_in_a_url_the_session_or_the_report(
    client, officer, memory_storage
):
    client.force_login(officer)
    url = reverse("assessments:import_applications")
    numbers = [MARTA, MARTA.replace("-", ""), MARTA[2:], MARTA[2:].replace("-", "")]

    checked = upload(client, three_rows())
    session_text = repr(dict(client.session.items()))
    saved = confirm(client, "save_all")
    upload(client, three_rows())
    cancelled = client.post(url, {"action": "cancel"})

    assert checked.status_code == 200
    assert (saved.status_code, cancelled.status_code) == (302, 302)
    assert saved["Location"] == cancelled["Location"] == url
    for number in numbers:
        assert number not in checked.content.decode()
        assert number not in session_text
    assert Citizen.objects.count() == 3


def stored_uploads(storage) -> list[str]:
    try:
        return storage.listdir(imports.UPLOAD_FOLDER)[1]
    except FileNotFoundError:
        return []


def test_confirming_an_older_check_is_refused(client, officer, memory_storage):
    client.force_login(officer)
    upload(client, three_rows())
    first_token = client.session[SESSION_KEY]["token"]
    first_path = client.session[SESSION_KEY]["path"]
    upload(client, csv_bytes([row(ELSA, "Elsa", "Ås")]))
    assert not memory_storage.exists(first_path)

    url = reverse("assessments:import_applications")
    response = client.post(url, {"action": "save_all", "upload": first_token}, follow=True)
    assert [m.level_tag for m in response.context["messages"]] == ["error"]
    assert Citizen.objects.count() == 0
    response = client.post(url, {"action": "save_all"})
    assert Citizen.objects.count() == 0

    confirm(client, "save_all")
    assert list(Citizen.objects.values_list("first_name", flat=True)) == ["Elsa"]


def test_the_beat_schedule_removes_unconfirmed_uploads(settings, tmp_path):
    from assessments.tasks import delete_stale_import_uploads

    settings.MEDIA_ROOT = str(tmp_path)
    name = imports.store_upload(default_storage, name="fil.csv", content=b"personnummer\n")
    assert default_storage.exists(name)
    assert delete_stale_import_uploads(hours=0) == 1
    assert not default_storage.exists(name)
    assert "delete-stale-import-uploads" in settings.CELERY_BEAT_SCHEDULE
