"""Savings engine (followup.calc) and the ``savings`` management command."""

import csv
import json
import subprocess
import sys
from decimal import Decimal
from io import StringIO
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import call_command
from django.core.management.base import CommandError

from followup.calc import (
    GRANTED_ABOVE_APPLIED,
    CaseMinutes,
    HourlyAssumptions,
    LevelAssumptions,
    LevelCase,
    ServiceMinutes,
    Tariff,
    TariffLevelMissing,
    cases_from_services,
    format_hours_minutes,
    format_kr,
    hourly_model,
    hourly_summary,
    level_model,
    level_summary,
    round_half_away,
    round_kr,
    round_share,
)
from followup.pilot import PILOT_CSV

REPO = Path(settings.BASE_DIR)
DATA = Path(__file__).resolve().parents[2] / "data"
# The pilot cohort lives in the repository twice: the app's copy (load_pilot_cohort reads it)
# and the tests' copy; both must give the published figures. Nothing outside the repository.
APP_PILOT = PILOT_CSV
COPIED_PILOT = DATA / "pilot_track2_14_citizens.csv"
TARIFF = DATA / "tariff_example.csv"
NBSP = "\u00a0"

PILOT_FILES = pytest.mark.parametrize(
    "pilot", [APP_PILOT, COPIED_PILOT], ids=["followup-data", "tests-data-copy"]
)


def read_services(path: Path) -> list[ServiceMinutes]:
    assert path.is_file(), f"golden pilot file is missing: {path}"
    with path.open(encoding="utf-8-sig", newline="") as handle:
        return [
            ServiceMinutes(
                case_id=row["case_id"],
                applied_minutes_per_week=Decimal(row["applied_minutes_per_week"]),
                granted_minutes_per_week=Decimal(row["granted_minutes_per_week"]),
                service=row["service"],
            )
            for row in csv.DictReader(handle)
        ]


def run_savings(*args: str) -> tuple[str, str]:
    out, err = StringIO(), StringIO()
    call_command("savings", *[str(a) for a in args], stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def run_savings_process(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "manage.py", "savings", *[str(a) for a in args]],
        cwd=REPO,
        capture_output=True,
        text=True,
        encoding="utf-8",
        timeout=120,
        check=False,
    )


def write(tmp_path: Path, name: str, text: str) -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


# --- hourly model: the published pilot ----------------------------------------------------


@PILOT_FILES
def test_pilot_cohort_gives_the_published_hourly_figures(pilot):
    result = hourly_model(cases_from_services(read_services(pilot)), HourlyAssumptions())

    assert result.citizens == 14
    assert result.saved_minutes_per_week == 790
    assert result.saved_hours_per_week_text == "13 h 10 min"
    assert format_hours_minutes(result.saved_minutes_per_week) == "13 h 10 min"
    assert result.saved_hours_per_week == Decimal(790) / 60
    assert round_kr(result.saved_kr_per_week) == 2633
    assert round_kr(result.saved_kr_per_month) == 11850
    assert round_kr(result.saved_kr_per_year) == 142200
    assert format_kr(result.saved_kr_per_week) == f"2{NBSP}633{NBSP}kr"
    assert format_kr(result.saved_kr_per_month) == f"11{NBSP}850{NBSP}kr"
    assert format_kr(result.saved_kr_per_year) == f"142{NBSP}200{NBSP}kr"
    assert round_share(result.share_needed_by_minutes) == Decimal("0.68")
    assert result.share_needed_by_minutes == Decimal(1679) / Decimal(2469)
    assert (result.applied_services, result.granted_services) == (45, 36)
    assert round_share(result.share_needed_by_count) == Decimal("0.80")
    assert result.assumptions == {"hourly_cost": "200", "weeks_per_month": "4.5"}
    assert result.flagged_cases == ()


@PILOT_FILES
def test_pilot_cohort_through_the_command_gives_the_published_figures(pilot):
    assert pilot.is_file(), f"golden pilot file is missing: {pilot}"
    out, err = run_savings("hourly", "--cases", pilot, "--format", "json")

    document = json.loads(out)
    assert err == ""
    totals = document["totals"]
    assert totals["citizens"] == 14
    assert totals["saved_minutes_per_week"] == 790
    assert totals["saved_hours_per_week_text"] == "13 h 10 min"
    assert totals["saved_kr_per_week"] == 2633
    assert totals["saved_kr_per_month"] == 11850
    assert totals["saved_kr_per_year"] == 142200
    assert totals["share_needed_by_minutes"] == 0.68


def test_cases_from_services_sums_rows_per_case_and_counts_services_with_minutes():
    cases = cases_from_services(
        [
            ServiceMinutes("1", Decimal(40), Decimal(25)),
            ServiceMinutes("2", Decimal(30), Decimal(0)),
            ServiceMinutes("1", Decimal(65), Decimal(0)),
            ServiceMinutes("1", Decimal(0), Decimal(0), service="trygghetslarm"),
        ]
    )

    assert [c.case_id for c in cases] == ["1", "2"]
    assert cases[0].applied_minutes_per_week == 105
    assert cases[0].granted_minutes_per_week == 25
    assert (cases[0].applied_services, cases[0].granted_services) == (2, 1)
    assert (cases[1].applied_services, cases[1].granted_services) == (1, 0)


def test_share_by_count_is_absent_when_counts_are_not_given():
    result = hourly_model([CaseMinutes("1", Decimal(60), Decimal(30))])

    assert result.share_needed_by_count is None
    assert result.share_needed_by_minutes == Decimal("0.5")


def test_shares_are_absent_when_nothing_was_applied():
    result = hourly_model([])

    assert result.citizens == 0
    assert result.share_needed_by_minutes is None
    assert result.saved_kr_per_year == 0


def test_granted_above_applied_is_flagged_and_counts_as_negative_saving():
    result = hourly_model(
        [CaseMinutes("1", Decimal(30), Decimal(45)), CaseMinutes("2", Decimal(60), Decimal(0))]
    )

    assert result.cases[0].flags == (GRANTED_ABOVE_APPLIED,)
    assert result.cases[0].saved_minutes_per_week == -15
    assert result.cases[1].flags == ()
    assert result.saved_minutes_per_week == 45
    assert hourly_summary(result)["cases"][0]["flags"] == ["granted_above_applied"]


def test_negative_minutes_are_refused():
    with pytest.raises(ValueError, match="applied_minutes_per_week"):
        CaseMinutes("1", Decimal(-1), Decimal(0))


def test_assumptions_change_the_kronor():
    result = hourly_model(
        [CaseMinutes("1", Decimal(90), Decimal(30))],
        HourlyAssumptions(hourly_cost=Decimal("250"), weeks_per_month=Decimal("4.33")),
    )

    assert result.saved_kr_per_week == 250
    assert result.saved_kr_per_month == Decimal("1082.5")
    assert result.saved_kr_per_year == Decimal("12990")
    assert result.assumptions == {"hourly_cost": "250", "weeks_per_month": "4.33"}


# --- rounding and formatting --------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("2.5", 3),
        ("-2.5", -3),
        ("3.5", 4),
        ("2.4999", 2),
        ("-2.4999", -2),
        ("0.5", 1),
        ("-0.5", -1),
        ("2633.3333333", 2633),
    ],
)
def test_kronor_round_half_away_from_zero(value, expected):
    assert round_kr(Decimal(value)) == expected


def test_shares_round_half_away_from_zero():
    assert round_half_away(Decimal("0.675"), 2) == Decimal("0.68")
    assert round_half_away(Decimal("-0.675"), 2) == Decimal("-0.68")
    assert round_share(None) is None


def test_kronor_format_groups_thousands_with_non_breaking_spaces():
    assert format_kr(Decimal("2633.33")) == f"2{NBSP}633{NBSP}kr"
    assert format_kr(Decimal("999.5")) == f"1{NBSP}000{NBSP}kr"
    assert format_kr(Decimal("-1065")) == f"-1{NBSP}065{NBSP}kr"
    assert format_kr(Decimal("1234567")) == f"1{NBSP}234{NBSP}567{NBSP}kr"
    assert format_kr(Decimal(0)) == f"0{NBSP}kr"


def test_hours_and_minutes_text():
    assert format_hours_minutes(790) == "13 h 10 min"
    assert format_hours_minutes(Decimal(45)) == "0 h 45 min"
    assert format_hours_minutes(Decimal("59.5")) == "1 h 0 min"
    assert format_hours_minutes(-75) == "-1 h 15 min"


def test_totals_are_rounded_once_not_summed_from_rounded_cases():
    # Each case saves 1 minute a week: 3.33 kr rounds to 3 kr, but three of them make 10 kr.
    cases = [CaseMinutes(str(i), Decimal(1), Decimal(0)) for i in range(3)]
    result = hourly_model(cases)
    one_case = hourly_model(cases[:1])

    sum_of_rounded = 3 * round_kr(one_case.saved_kr_per_week)
    assert sum_of_rounded == 9
    assert round_kr(result.saved_kr_per_week) == 10
    assert hourly_summary(result)["totals"]["saved_kr_per_week"] == 10


def test_level_totals_are_rounded_once_not_summed_from_rounded_cases():
    tariff = Tariff({1: Decimal("1000"), 2: Decimal("1000.40")})
    cases = [LevelCase(str(i), 2, 1, Decimal(0)) for i in range(3)]
    summary = level_summary(level_model(cases, tariff, LevelAssumptions(months=(1,))))

    assert [case["net_kr"]["1"] for case in summary["cases"]] == [0, 0, 0]
    assert summary["totals"]["net_kr"] == {"1": 1}
    assert summary["totals"]["gross_kr_per_month"] == 1


# --- level (tariff) model -----------------------------------------------------------------

EXAMPLE_TARIFF = Tariff({1: Decimal("5400"), 2: Decimal("9690"), 3: Decimal("12000")})


def test_level_model_worked_example_with_therapist_cost_charged_once():
    result = level_model(
        [LevelCase("A-1", level_before=3, level_after=2, therapist_hours=Decimal(10))],
        EXAMPLE_TARIFF,
        LevelAssumptions(),
    )

    case = result.cases[0]
    assert case.compensation_before == 12000
    assert case.compensation_after == 9690
    assert case.gross_kr_per_month == 2310
    assert case.therapist_cost_kr == Decimal("3375.00")
    assert case.net_kr == {1: -1065, 6: 10485}
    assert result.net_kr == {1: -1065, 6: 10485}
    assert result.citizens == 1
    assert result.assumptions == {
        "therapist_hourly_cost": "337.50",
        "therapist_cost": "once",
        "months": [1, 6],
        "tariff": {"1": "5400", "2": "9690", "3": "12000"},
    }


def test_level_model_worked_example_with_therapist_cost_charged_monthly():
    result = level_model(
        [LevelCase("A-1", 3, 2, Decimal(10))],
        EXAMPLE_TARIFF,
        LevelAssumptions(therapist_cost="monthly"),
    )

    assert result.cases[0].net_kr == {1: -1065, 6: -6390}
    assert result.net_kr == {1: -1065, 6: -6390}
    assert result.assumptions["therapist_cost"] == "monthly"


def test_level_model_sums_cases_at_full_precision():
    result = level_model(
        [LevelCase("A-1", 3, 2, Decimal(10)), LevelCase("A-2", 2, 1, Decimal("4.5"))],
        EXAMPLE_TARIFF,
        LevelAssumptions(months=(1, 6, 12)),
    )

    assert result.cases[1].therapist_cost_kr == Decimal("1518.75")
    assert result.therapist_cost_kr == Decimal("4893.75")
    assert result.gross_kr_per_month == 6600
    # 1 month: (2310 − 3375) + (4290 − 1518.75)
    assert result.net_kr[1] == Decimal("1706.25")
    assert result.net_kr[12] == 12 * 6600 - Decimal("4893.75")
    assert round_kr(result.net_kr[1]) == 1706


def test_level_missing_from_the_tariff_raises_an_error_naming_the_level():
    with pytest.raises(TariffLevelMissing, match=r"level 4 is not in the tariff") as raised:
        level_model([LevelCase("B-7", 4, 2, Decimal(1))], EXAMPLE_TARIFF)

    assert raised.value.level == 4
    assert raised.value.case_id == "B-7"
    assert "B-7" in str(raised.value)


def test_level_assumptions_refuse_an_unknown_convention_and_bad_months():
    with pytest.raises(ValueError, match="once"):
        LevelAssumptions(therapist_cost="yearly")
    with pytest.raises(ValueError, match="months"):
        LevelAssumptions(months=(0,))


# --- the command: JSON and table ----------------------------------------------------------


def test_hourly_json_has_the_documented_shape():
    out, _ = run_savings("hourly", "--cases", COPIED_PILOT, "--format", "json")

    document = json.loads(out)
    assert list(document) == ["model", "assumptions", "cases", "totals"]
    assert document["model"] == "hourly"
    assert document["assumptions"] == {"hourly_cost": "200", "weeks_per_month": "4.5"}
    assert len(document["cases"]) == 14
    first = document["cases"][0]
    assert first["case_id"] == "1"
    assert first["applied_minutes_per_week"] == 170
    assert first["granted_minutes_per_week"] == 155
    assert first["saved_minutes_per_week"] == 15
    assert first["flags"] == []
    totals = document["totals"]
    assert totals["applied_minutes_per_week"] == 2469
    assert totals["granted_minutes_per_week"] == 1679
    assert isinstance(totals["saved_kr_per_week"], int)
    assert totals["share_needed_by_count"] == 0.8


def test_hourly_options_are_printed_as_assumptions():
    out, _ = run_savings(
        "hourly",
        "--cases",
        COPIED_PILOT,
        "--hourly-cost",
        "300",
        "--weeks-per-month",
        "4.33",
        "--format",
        "json",
    )

    document = json.loads(out)
    assert document["assumptions"] == {"hourly_cost": "300", "weeks_per_month": "4.33"}
    assert document["totals"]["saved_kr_per_week"] == 3950


def test_hourly_table_shows_hours_kronor_and_assumptions():
    out, _ = run_savings("hourly", "--cases", COPIED_PILOT, "--format", "table")

    assert "13 h 10 min" in out
    assert f"2{NBSP}633{NBSP}kr" in out
    assert f"142{NBSP}200{NBSP}kr" in out
    assert "68 %" in out
    assert "200 kr/h" in out
    assert "4.5 weeks per month" in out


def test_level_json_has_the_documented_shape():
    out, err = run_savings(
        "level",
        "--cases",
        DATA / "level_one_case.csv",
        "--tariff",
        TARIFF,
        "--format",
        "json",
    )

    document = json.loads(out)
    assert err == ""
    assert list(document) == ["model", "assumptions", "cases", "totals"]
    assert document["model"] == "level"
    assert document["assumptions"]["therapist_hourly_cost"] == "337.50"
    assert document["assumptions"]["months"] == [1, 6]
    assert document["cases"] == [
        {
            "case_id": "A-1",
            "level_before": 3,
            "level_after": 2,
            "therapist_hours": 10,
            "gross_kr_per_month": 2310,
            "therapist_cost_kr": 3375,
            "net_kr": {"1": -1065, "6": 10485},
        }
    ]
    assert document["totals"]["net_kr"] == {"1": -1065, "6": 10485}
    assert document["totals"]["citizens"] == 1


def test_level_command_options_select_the_monthly_convention_and_months():
    out, _ = run_savings(
        "level",
        "--cases",
        DATA / "level_one_case.csv",
        "--tariff",
        TARIFF,
        "--therapist-hourly-cost",
        "337.5",
        "--therapist-cost",
        "monthly",
        "--months",
        "1",
        "6",
        "12",
        "--format",
        "json",
    )

    document = json.loads(out)
    assert document["totals"]["net_kr"] == {"1": -1065, "6": -6390, "12": -12780}
    assert document["assumptions"]["therapist_cost"] == "monthly"
    assert document["assumptions"]["therapist_hourly_cost"] == "337.5"


def test_level_table_shows_net_per_month_count_and_tariff():
    out, _ = run_savings("level", "--cases", DATA / "level_three_cases.csv", "--tariff", TARIFF)

    assert "Net over 1 month" in out
    assert "Net over 6 months" in out
    assert f"level 3 = 12{NBSP}000{NBSP}kr/month" in out
    assert "A-2" in out
    assert "charged once" in out


def test_semicolon_file_with_bom_and_decimal_comma_is_read():
    out, err = run_savings(
        "hourly", "--cases", DATA / "hourly_semicolon_bom.csv", "--format", "json"
    )

    document = json.loads(out)
    case_seven = document["cases"][0]
    assert case_seven["case_id"] == "7"
    assert case_seven["applied_minutes_per_week"] == 90.5
    assert case_seven["granted_minutes_per_week"] == 75
    assert "case 8" in err


def test_granted_above_applied_is_flagged_in_json_and_warned_on_stderr(tmp_path):
    cases = write(
        tmp_path,
        "cases.csv",
        "case_id,applied_minutes_per_week,granted_minutes_per_week\n1,30,45\n1,10,0\n2,60,30\n",
    )

    out, err = run_savings("hourly", "--cases", cases, "--format", "json")

    document = json.loads(out)
    assert document["cases"][0]["flags"] == ["granted_above_applied"]
    assert document["cases"][1]["flags"] == []
    warnings = err.strip().splitlines()
    assert len(warnings) == 1
    assert "case 1" in warnings[0]
    assert "rows 2, 3" in warnings[0]
    assert "granted 45" in warnings[0]


# --- the command: bad input ---------------------------------------------------------------

HOURLY_HEADER = "case_id,applied_minutes_per_week,granted_minutes_per_week\n"
LEVEL_HEADER = "case_id,level_before,level_after,therapist_hours\n"

BAD_INPUTS = {
    "missing column": (
        "hourly",
        "case_id,applied_minutes_per_week\n1,30\n",
        None,
        "row 1, column granted_minutes_per_week: missing column",
    ),
    "non-numeric value": (
        "hourly",
        HOURLY_HEADER + "1,30,20\n2,thirty,20\n",
        None,
        "row 3, column applied_minutes_per_week: 'thirty' is not a number",
    ),
    "negative minutes": (
        "hourly",
        HOURLY_HEADER + "1,30,-20\n",
        None,
        "row 2, column granted_minutes_per_week: negative minutes",
    ),
    "empty value": (
        "hourly",
        HOURLY_HEADER + "1,30,\n",
        None,
        "row 2, column granted_minutes_per_week: value is missing",
    ),
    "level missing from the tariff": (
        "level",
        LEVEL_HEADER + "A-1,3,2,10\nA-2,5,2,4\n",
        "level,monthly_compensation_sek\n2,9690\n3,12000\n",
        "row 3, column level_before: level 5 is not in the tariff (levels: 2, 3)",
    ),
    "non-numeric tariff amount": (
        "level",
        LEVEL_HEADER + "A-1,3,2,10\n",
        "level,monthly_compensation_sek\n2,9690\n3,lots\n",
        "row 3, column monthly_compensation_sek: 'lots' is not a number",
    ),
    "non-numeric therapist hours": (
        "level",
        LEVEL_HEADER + "A-1,3,2,ten\n",
        "level,monthly_compensation_sek\n2,9690\n3,12000\n",
        "row 2, column therapist_hours: 'ten' is not a number",
    ),
    "duplicate level case": (
        "level",
        LEVEL_HEADER + "A-1,3,2,10\nA-1,3,2,10\n",
        "level,monthly_compensation_sek\n2,9690\n3,12000\n",
        "row 3, column case_id: case A-1 appears again (first at row 2)",
    ),
}


@pytest.mark.parametrize("kind", list(BAD_INPUTS))
def test_bad_input_exits_2_naming_row_and_column_with_empty_stdout(kind, tmp_path):
    model, cases_text, tariff_text, message = BAD_INPUTS[kind]
    cases = write(tmp_path, "cases.csv", cases_text)
    args = [model, "--cases", cases, "--format", "json"]
    if tariff_text is not None:
        args += ["--tariff", write(tmp_path, "tariff.csv", tariff_text)]

    completed = run_savings_process(*args)

    assert completed.returncode == 2, completed.stderr
    assert completed.stdout == ""
    assert message in completed.stderr
    assert str(tmp_path) in completed.stderr


@pytest.mark.parametrize("model", ["hourly", "level"])
def test_unknown_file_exits_2_with_empty_stdout(model, tmp_path):
    missing = tmp_path / "no-such-file.csv"
    args = [model, "--cases", missing]
    if model == "level":
        args += ["--tariff", TARIFF]

    completed = run_savings_process(*args)

    assert completed.returncode == 2
    assert completed.stdout == ""
    assert f"error: {missing}: no such file" in completed.stderr


def test_every_problem_is_listed_before_exiting(tmp_path):
    cases = write(
        tmp_path,
        "cases.csv",
        HOURLY_HEADER + "1,30,abc\n2,-5,0\n,10,5\n3,20,10\n",
    )
    out, err = StringIO(), StringIO()

    with pytest.raises(CommandError) as raised:
        call_command("savings", "hourly", "--cases", str(cases), stdout=out, stderr=err)

    assert raised.value.returncode == 2
    assert out.getvalue() == ""
    lines = err.getvalue().strip().splitlines()
    assert lines == [
        f"error: {cases}, row 2, column granted_minutes_per_week: 'abc' is not a number",
        f"error: {cases}, row 3, column applied_minutes_per_week: "
        "negative minutes (-5) are not allowed",
        f"error: {cases}, row 4, column case_id: value is missing",
    ]


def test_problems_in_both_level_files_are_all_listed(tmp_path):
    cases = write(tmp_path, "cases.csv", "case_id,level_before\nA-1,3\n")
    tariff = write(tmp_path, "tariff.csv", "level,kr\n1,100\n")
    err = StringIO()

    with pytest.raises(CommandError):
        call_command(
            "savings",
            "level",
            "--cases",
            str(cases),
            "--tariff",
            str(tariff),
            stdout=StringIO(),
            stderr=err,
        )

    text = err.getvalue()
    assert "row 1, column monthly_compensation_sek: missing column" in text
    assert "row 1, column level_after: missing column" in text
    assert "row 1, column therapist_hours: missing column" in text
