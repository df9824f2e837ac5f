"""The projection (breddinförande): the engine in followup/calc.py and
``manage.py savings projection``. Every expected amount is worked out by hand in a comment."""

import io
import json
from decimal import Decimal
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from openpyxl import Workbook

from followup.calc import (
    Outcome,
    ProjectionInputError,
    ProjectionRow,
    ServiceForm,
    Tariff,
    TariffLevelMissing,
    TherapistAssumptions,
    format_mnkr_amount,
    format_mnkr_range,
    parse_outcome,
    parse_service_form,
    projection,
    projection_summary,
)

HEADER = "service_form,forlopp,citizens,monthly_cost_now_low,monthly_cost_now_high,outcome\n"
TARIFF = {1: Decimal(5400), 2: Decimal(9690), 3: Decimal(12000)}
THERAPIST = TherapistAssumptions(hours_per_citizen=Decimal(40), hourly_cost=Decimal(500))


def row(forlopp, citizens, low, high, outcome, service_form=ServiceForm.HOME_HELP):
    return ProjectionRow(
        service_form=service_form,
        forlopp=forlopp,
        citizens=citizens,
        monthly_cost_now_low=Decimal(low),
        monthly_cost_now_high=Decimal(high),
        outcome=parse_outcome(outcome),
    )


# --- the engine ---------------------------------------------------------------------------


def test_an_independent_row_saves_the_whole_cost_less_the_therapist():
    result = projection([row(1, 10, 20000, 24000, "independent")], None, THERAPIST)
    (only,) = result.rows
    # 10 × 12 × (20 000 − 0) − 10 × 40 × 500 = 2 400 000 − 200 000
    assert only.yearly_net_low == Decimal(2_200_000)
    # 10 × 12 × (24 000 − 0) − 200 000 = 2 880 000 − 200 000
    assert only.yearly_net_high == Decimal(2_680_000)


def test_a_level_row_saves_the_difference_to_the_tariff_of_the_level():
    result = projection([row(2, 20, 15000, 18000, "level:1")], Tariff(TARIFF), THERAPIST)
    (only,) = result.rows
    # 20 × 12 × (15 000 − 5 400) − 20 × 40 × 500 = 2 304 000 − 400 000
    assert only.yearly_net_low == Decimal(1_904_000)
    # 20 × 12 × (18 000 − 5 400) − 400 000 = 3 024 000 − 400 000
    assert only.yearly_net_high == Decimal(2_624_000)


def test_a_row_with_no_change_still_pays_the_therapist():
    result = projection([row(3, 5, 12000, 14000, "none")], None, THERAPIST)
    (only,) = result.rows
    # 5 × 12 × 0 − 5 × 40 × 500
    assert (only.yearly_net_low, only.yearly_net_high) == (Decimal(-100_000), Decimal(-100_000))


def test_totals_add_the_rows_and_existing_resources_leave_the_therapist_out():
    rows = [
        row(1, 10, 20000, 24000, "independent"),
        row(2, 20, 15000, 18000, "level:1"),
        row(3, 5, 12000, 12000, "none"),
    ]
    charged = projection(rows, Tariff(TARIFF), THERAPIST)
    # 2 200 000 + 1 904 000 − 100 000 ; 2 680 000 + 2 624 000 − 100 000
    assert (charged.yearly_net_low, charged.yearly_net_high) == (
        Decimal(4_004_000),
        Decimal(5_204_000),
    )
    assert charged.citizens == 35
    # 35 × 40 × 500
    assert charged.therapist_cost_kr == Decimal(700_000)

    free = projection(rows, Tariff(TARIFF), TherapistAssumptions(existing_resources=True))
    # 2 400 000 + 2 304 000 + 0 ; 2 880 000 + 3 024 000 + 0
    assert (free.yearly_net_low, free.yearly_net_high) == (Decimal(4_704_000), Decimal(5_904_000))
    assert free.assumptions["existing_resources"] is True


def test_amounts_keep_full_precision():
    hours = TherapistAssumptions(hours_per_citizen=Decimal("2.5"), hourly_cost=Decimal("337.50"))
    result = projection([row(1, 3, "1000.50", "1000.50", "independent")], None, hours)
    # 3 × 12 × 1 000.50 − 3 × 2.5 × 337.50 = 36 018 − 2 531.25
    assert result.yearly_net_low == Decimal("33486.75")


def test_the_summary_has_the_documented_shape():
    summary = projection_summary(
        projection([row(1, 10, 20000, 24000, "independent")], None, THERAPIST)
    )
    assert summary == {
        "rows": [
            {
                "service_form": "home_help",
                "forlopp": 1,
                "citizens": 10,
                "yearly_net_kr": {"low": 2_200_000, "high": 2_680_000},
            }
        ],
        "totals": {"yearly_net_kr": {"low": 2_200_000, "high": 2_680_000}},
        "assumptions": {
            "months_per_year": 12,
            "existing_resources": False,
            "therapist_hours_per_citizen": "40",
            "therapist_hourly_cost": "500",
            "therapist_cost_per_citizen": "20000",
            "tariff": None,
        },
    }


def test_million_kronor_with_one_decimal_in_swedish_style():
    assert format_mnkr_range(Decimal(8_049_000), Decimal(9_950_000)) == "8,0–10,0\u00a0mnkr"
    assert format_mnkr_range(Decimal(-100_000), Decimal(-100_000)) == "-0,1\u00a0mnkr"
    assert format_mnkr_amount(Decimal(1_250_000)) == "1,3"
    assert format_mnkr_amount(Decimal(-40_000)) == "0,0"
    assert format_mnkr_amount(Decimal(12_345_678_901)) == "12\u00a0345,7"


def test_service_forms_have_stable_codes_and_swedish_names():
    assert ServiceForm.values == [
        "home_help",
        "housing_support",
        "special_housing",
        "lss_service_housing",
    ]
    assert parse_service_form("Hemvård") == "home_help"
    assert parse_service_form("boendestöd") == "housing_support"
    assert parse_service_form("Särskilt boende") == "special_housing"
    assert parse_service_form("Bostad med särskild service LSS") == "lss_service_housing"
    with pytest.raises(ProjectionInputError):
        parse_service_form("hemtjänstboende")


def test_outcomes_are_parsed_or_refused():
    assert parse_outcome(" Level:2 ") == Outcome("level", 2)
    assert parse_outcome("none").code == "none"
    for text in ("maybe", "level:", "level:two", "level:-1"):
        with pytest.raises(ProjectionInputError):
            parse_outcome(text)


def test_a_level_outcome_needs_a_tariff_that_prices_the_level():
    with pytest.raises(ProjectionInputError, match="needs a tariff"):
        projection([row(2, 1, 100, 100, "level:2")], None, THERAPIST)
    with pytest.raises(TariffLevelMissing, match="level 7"):
        projection([row(2, 1, 100, 100, "level:7")], Tariff(TARIFF), THERAPIST)


def test_therapist_assumptions_are_both_numbers_or_existing_resources():
    with pytest.raises(ProjectionInputError):
        TherapistAssumptions(hours_per_citizen=Decimal(40))
    with pytest.raises(ProjectionInputError):
        TherapistAssumptions()
    with pytest.raises(ProjectionInputError):
        TherapistAssumptions(
            hours_per_citizen=Decimal(40), hourly_cost=Decimal(500), existing_resources=True
        )


# --- the command ----------------------------------------------------------------------------


def write(tmp_path: Path, name: str, text: str) -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def run(*args) -> tuple[str, str]:
    out, err = StringIO(), StringIO()
    call_command("savings", "projection", *[str(a) for a in args], stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def run_failing(*args) -> tuple[str, list[str]]:
    out, err = StringIO(), StringIO()
    with pytest.raises(CommandError) as failure:
        call_command("savings", "projection", *[str(a) for a in args], stdout=out, stderr=err)
    assert failure.value.returncode == 2
    return out.getvalue(), err.getvalue().splitlines()


DISTRIBUTION = (
    HEADER
    + "home_help,1,10,20000,24000,independent\n"
    + "Hemvård,2,20,15000,18000,level:1\n"
    + "boendestöd,3,5,12000,12000,none\n"
)


def test_command_json(tmp_path):
    out, err = run(
        "--distribution",
        write(tmp_path, "d.csv", DISTRIBUTION),
        "--tariff",
        write(tmp_path, "t.csv", "level,monthly_compensation_sek\n1,5400\n"),
        "--therapist-hours-per-citizen",
        "40",
        "--therapist-hourly-cost",
        "500",
        "--format",
        "json",
    )
    document = json.loads(out)
    assert err == ""
    assert document["rows"] == [
        {
            "service_form": "home_help",
            "forlopp": 1,
            "citizens": 10,
            "yearly_net_kr": {"low": 2_200_000, "high": 2_680_000},
        },
        {
            "service_form": "home_help",
            "forlopp": 2,
            "citizens": 20,
            "yearly_net_kr": {"low": 1_904_000, "high": 2_624_000},
        },
        {
            "service_form": "housing_support",
            "forlopp": 3,
            "citizens": 5,
            "yearly_net_kr": {"low": -100_000, "high": -100_000},
        },
    ]
    assert document["totals"] == {"yearly_net_kr": {"low": 4_004_000, "high": 5_204_000}}
    assert document["assumptions"]["tariff"] == {"1": "5400"}
    assert document["assumptions"]["therapist_cost_per_citizen"] == "20000"


def test_command_table_prints_million_kronor(tmp_path):
    out, _err = run(
        "--distribution",
        write(tmp_path, "d.csv", DISTRIBUTION),
        "--tariff",
        write(tmp_path, "t.csv", "level,monthly_compensation_sek\n1,5400\n"),
        "--existing-resources",
        "--format",
        "table",
    )
    # 2 880 000 / 1 000 000 = 2,9 ; totals 4 704 000 and 5 904 000
    assert "2,4–2,9\u00a0mnkr" in out
    assert "4,7–5,9\u00a0mnkr" in out
    assert "existing resources" in out
    assert "level 1 = 5\u00a0400\u00a0kr/month" in out


def test_command_reads_xlsx(tmp_path):
    book = Workbook()
    sheet = book.active
    sheet.append(HEADER.strip().split(","))
    sheet.append(["särskilt boende", 1, 2, 30000.0, 40000, "independent"])
    data = io.BytesIO()
    book.save(data)
    path = tmp_path / "d.xlsx"
    path.write_bytes(data.getvalue())
    out, _err = run("--distribution", path, "--existing-resources", "--format", "json")
    # 2 × 12 × 30 000 ; 2 × 12 × 40 000
    assert json.loads(out)["rows"][0] == {
        "service_form": "special_housing",
        "forlopp": 1,
        "citizens": 2,
        "yearly_net_kr": {"low": 720_000, "high": 960_000},
    }


def test_command_lists_every_problem_with_its_row_and_exits_2(tmp_path):
    distribution = write(
        tmp_path,
        "d.csv",
        HEADER
        + "homehelp,4,x,-1,24000,maybe\n"
        + "home_help,2,20,15000,18000,level:7\n"
        + "home_help,3,5,13000,12000,none\n",
    )
    tariff = write(tmp_path, "t.csv", "level,monthly_compensation_sek\n1,5400\n")
    out, lines = run_failing(
        "--distribution", distribution, "--tariff", tariff, "--existing-resources"
    )
    assert out == ""
    where = f"error: {distribution}"
    assert lines == [
        f"{where}, row 2, column service_form: unknown service form 'homehelp' "
        "(known: home_help, housing_support, special_housing, lss_service_housing)",
        f"{where}, row 2, column forlopp: '4' is not förlopp 1, 2 or 3",
        f"{where}, row 2, column citizens: 'x' is not a number",
        f"{where}, row 2, column monthly_cost_now_low: negative costs (-1) are not allowed",
        f"{where}, row 2, column outcome: unknown outcome 'maybe' "
        "(use independent, none or level:N, e.g. level:2)",
        f"{where}, row 3, column outcome: level 7 is not in the tariff (levels: 1)",
        f"{where}, row 4: the low monthly cost (13000) is above the high (12000)",
    ]


def test_command_refuses_a_level_without_a_tariff_and_missing_columns(tmp_path):
    level = write(tmp_path, "d.csv", HEADER + "home_help,2,20,15000,18000,level:2\n")
    _out, lines = run_failing("--distribution", level, "--existing-resources")
    assert lines == [
        f"error: {level}, row 2, column outcome: outcome level:2 needs a tariff (--tariff FILE)"
    ]

    short = write(tmp_path, "short.csv", "service_form,forlopp,citizens\nhome_help,1,2\n")
    _out, lines = run_failing("--distribution", short, "--existing-resources")
    assert lines == [
        f"error: {short}, row 1, column {column}: missing column"
        for column in ("monthly_cost_now_low", "monthly_cost_now_high", "outcome")
    ]


@pytest.mark.parametrize(
    ("options", "message"),
    [
        (
            ["--therapist-hours-per-citizen", "40"],
            "error: --therapist-hours-per-citizen needs --therapist-hourly-cost as well",
        ),
        (
            ["--therapist-hourly-cost", "500"],
            "error: --therapist-hourly-cost needs --therapist-hours-per-citizen as well",
        ),
        (
            [
                "--therapist-hours-per-citizen",
                "40",
                "--therapist-hourly-cost",
                "500",
                "--existing-resources",
            ],
            "error: give either --therapist-hours-per-citizen and --therapist-hourly-cost "
            "or --existing-resources, not both",
        ),
        (
            [],
            "error: give --therapist-hours-per-citizen H and --therapist-hourly-cost K, "
            "or --existing-resources",
        ),
    ],
)
def test_command_needs_one_therapist_assumption(tmp_path, options, message):
    distribution = write(tmp_path, "d.csv", DISTRIBUTION.replace("level:1", "none"))
    out, lines = run_failing("--distribution", distribution, *options)
    assert out == ""
    assert lines == [message]
