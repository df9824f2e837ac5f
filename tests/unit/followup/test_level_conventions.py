"""The level model's two therapist-cost conventions in the follow-up report (once per case,
or every month as the Örebro report does), and a case with no level before taken as level 0
(None in a decision, "-" in a savings file)."""

import datetime
from decimal import Decimal
from io import StringIO

import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.urls import reverse

from assessments.models import Decision
from followup import calc, indicators
from followup.models import ReportRequest, SavingsParameters, Tariff, TariffLevel
from followup.reports import ordering, rendering, rows
from followup.savings_csv import Problems, read_level_cases
from tests.factories import TeamFactory, UserFactory
from tests.unit.followup.test_reports import DECIDED_ON, END, START, make_cohort, scope
from tracks.models import Intervention

TARIFF = calc.Tariff({1: Decimal(5400), 2: Decimal(9690), 3: Decimal(12000)})


# --- pure ---------------------------------------------------------------------------------


def test_a_case_with_no_level_before_is_level_0_which_costs_nothing():
    result = calc.level_model(
        [calc.LevelCase(case_id="A", level_before=None, level_after=1)],
        TARIFF,
        calc.LevelAssumptions(months=(1,)),
    )
    (case,) = result.cases
    assert case.level_before == 0
    # 0 − 5 400
    assert case.gross_kr_per_month == Decimal(-5400)
    # A tariff that prices level 0 is followed.
    priced = calc.Tariff({0: Decimal(1000), 1: Decimal(5400)})
    assert priced.compensation(0) == Decimal(1000)


def test_the_same_result_under_the_other_convention():
    once = calc.level_model(
        [calc.LevelCase(case_id="A", level_before=3, level_after=2, therapist_hours=10)],
        TARIFF,
        calc.LevelAssumptions(months=(1, 6)),
    )
    monthly = calc.with_therapist_cost(once, "monthly")
    # 6 × 2 310 − 3 375 ; 6 × (2 310 − 3 375)
    assert once.net_kr[6] == Decimal(10485)
    assert monthly.net_kr == {1: Decimal(-1065), 6: Decimal(-6390)}
    assert monthly.cases[0].net_kr[6] == Decimal(-6390)
    assert monthly.assumptions["therapist_cost"] == "monthly"
    assert calc.with_therapist_cost(monthly, "once").net_kr == once.net_kr


def test_a_dash_before_is_level_0_in_a_savings_file(tmp_path):
    problems = Problems()
    cases = read_level_cases(
        "cases.csv",
        TARIFF,
        problems,
        data=b"case_id,level_before,level_after,therapist_hours\nA,-,1,0\nB,,1,0\n",
    )
    assert [case.level_before for case in cases] == [0]
    assert problems.lines == ["error: cases.csv, row 3, column level_before: value is missing"]


def test_a_dash_before_through_the_level_command(tmp_path):
    cases = tmp_path / "cases.csv"
    cases.write_text("case_id,level_before,level_after,therapist_hours\nA,-,1,0\n")
    tariff = tmp_path / "tariff.csv"
    tariff.write_text("level,monthly_compensation_sek\n1,5400\n")
    out = StringIO()
    call_command(
        "savings", "level", "--cases", cases, "--tariff", tariff, "--format", "json", stdout=out
    )
    assert '"gross_kr_per_month": -5400' in out.getvalue()


# --- the report ---------------------------------------------------------------------------


@pytest.fixture
def team(db):
    return TeamFactory(name="Team Nivå")


@pytest.fixture
def staff(team):
    return {
        "officer": UserFactory(case_officer=True, team=team),
        "therapist": UserFactory(therapist=True, team=team),
        "manager": UserFactory(manager=True, team=team),
    }


@pytest.fixture
def level_cohort(db, team, staff):
    """Five cases 3 → 2 with 10 therapist hours each, one with no level before → 1."""
    applications = make_cohort(team, staff)
    SavingsParameters.objects.all().delete()
    tariff = Tariff.objects.create(name="Nivåer", valid_from=datetime.date(2025, 1, 1))
    TariffLevel.objects.bulk_create(
        TariffLevel(tariff=tariff, level=level, monthly_compensation=amount)
        for level, amount in TARIFF.levels.items()
    )
    Decision.objects.filter(application__in=applications[:5]).update(level_before=3, level_after=2)
    Decision.objects.filter(application__in=applications[5:6]).update(
        level_before=None, level_after=1
    )
    Intervention.objects.bulk_create(
        Intervention(
            application=application,
            performed_by=staff["therapist"],
            profession=Intervention.Profession.THERAPIST,
            performed_on=DECIDED_ON,
            minutes=600,
            kind=Intervention.Kind.TRAINING,
        )
        for application in applications[:5]
    )
    return applications


def values(context) -> dict:
    return {row["label"]: row["value"] for row in context["rows"]}


def test_the_report_charges_the_therapist_once_or_monthly_and_says_which(level_cohort, team):
    figures = indicators.compute(scope(team))
    # Per 3 → 2 case 12 000 − 9 690 = 2 310 gross and 10 h × 337,50 = 3 375; the case with
    # no level before 0 − 5 400. In all 5 × 2 310 − 5 400 = 6 150 a month, 16 875 therapist.
    once = values(rows.level_context(figures, "once"))
    assert once["Antal fall med nivåer i taxan"] == "6"
    assert once["Minskad ersättning per månad (brutto)"] == "6\u00a0150\u00a0kr"
    assert once["Arbetsterapeutens kostnad räknas"] == "en gång per fall"
    # 6 × 6 150 − 16 875 ; 12 × 6 150 − 16 875
    assert once["Nettoeffekt efter 6 månader"] == "20\u00a0025\u00a0kr"
    assert once["Nettoeffekt efter 12 månader"] == "56\u00a0925\u00a0kr"

    monthly = values(rows.level_context(figures, "monthly"))
    assert monthly["Arbetsterapeutens kostnad räknas"] == "varje månad, som i Örebros rapport"
    # 6 × (6 150 − 16 875) ; 12 × (6 150 − 16 875)
    assert monthly["Nettoeffekt efter 6 månader"] == "-64\u00a0350\u00a0kr"
    assert monthly["Nettoeffekt efter 12 månader"] == "-128\u00a0700\u00a0kr"

    # The level grid shows the case with no level before as level 0.
    assert {(row["before"], row["after"]) for row in figures.movements} == {(3, 2), (0, 1)}


def test_the_report_pdf_html_states_the_convention(level_cohort, team):
    html = rendering.render_report_html(
        rendering.build_context(scope(team), therapist_cost="monthly")
    )
    assert "Nettoeffekt = månader × (minskad ersättning − arbetsterapeutens kostnad)" in html
    assert "varje månad, som i Örebros rapport" in html
    assert "räknas som nivå 0" in html


def test_the_manager_chooses_the_convention_when_ordering_and_the_report_uses_it(
    client, level_cohort, team, staff
):
    client.force_login(staff["manager"])
    response = client.post(
        reverse("followup:report_order"),
        {"period": "2026H1", "team": team.pk, "track": 2, "therapist_cost": "monthly"},
    )
    assert response.status_code == 302
    report = ReportRequest.objects.get()
    assert report.therapist_cost == "monthly"
    levels = values(rendering.report_context(report)["levels"])
    assert levels["Arbetsterapeutens kostnad räknas"] == "varje månad, som i Örebros rapport"
    assert levels["Nettoeffekt efter 6 månader"] == "-64\u00a0350\u00a0kr"
    # The same order with the other convention is another report.
    again = ordering.order_report(
        user=staff["manager"], period_start=START, period_end=END, team_ids=[team.pk], tracks=[2]
    )
    assert again.pk != report.pk and again.therapist_cost == "once"


def test_an_unknown_convention_is_refused(level_cohort, team, staff):
    with pytest.raises(ValidationError) as refused:
        ordering.order_report(
            user=staff["manager"],
            period_start=START,
            period_end=END,
            team_ids=[team.pk],
            tracks=[2],
            therapist_cost="weekly",
        )
    assert list(refused.value.message_dict) == ["therapist_cost"]


def test_the_order_page_says_when_no_tariff_makes_the_level_model_empty(client, team, staff):
    client.force_login(staff["manager"])
    Tariff.objects.all().delete()
    assert (
        'data-testid="no-tariff"' in client.get(reverse("followup:report_order")).content.decode()
    )
    Tariff.objects.create(name="Nivåer", valid_from=datetime.date(2025, 1, 1))
    assert (
        'data-testid="no-tariff"'
        not in client.get(reverse("followup:report_order")).content.decode()
    )
