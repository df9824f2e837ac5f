"""The manager's indicator dashboard: each indicator on seven cases walked through the
services, whose figures are written down here first; suppression on every table; a fixed
number of queries; the downloads read back.

The seven cases, all received by the demo case officer's team and decided on D (three
months and 20 days ago, so that the 3-month follow-ups fell due 20 days ago):

  case  received  track  dusch applied/granted  förlopp  3-month follow-up
  1     D − 5     3      60 / 30                2        done today, level 1, achieved
  2     D − 10    3      60 / 30                2        done today, level 1, achieved
  3     D − 15    3      60 / 30                2        done today, level 1, achieved
  4     D − 20    3      60 / 30                2        done today, level 2, partly
  5     D − 25    3      60 / 60                2        done today, level 2, not
  6     D − 30    1      60 / 60                1        not done (overdue)
  7     D − 35    1      60 / 60                1        not done (overdue)

Every decision moves the needs level from 3 to 2. Cases 1–5 have EQ-5D 22222 (sum 10) and
VAS 50 at the visit, and 11222 (sum 8) and VAS 70 at the follow-up, where 20 minutes of
dusch a week are recorded. Worked out by hand:

- waiting days (to the visit and to the decision, both on D): 5, 10, …, 35: median 20,
  90th percentile 30 + 0.4 × 5 = 32;
- dusch: 7 applicants, 420 min applied, 300 granted, share needed 300/420 = 71 %;
- average level 2 at the decision (n 7), (1+1+1+2+2)/5 = 1.4 at the follow-ups (n 5);
- level grid: one row (level 2) with 3 at level 1 and 2 at level 2: both <5, total 5;
- follow-ups: on time 0, late 5, overdue 2 (total 7): the 0 and the 2 are <5;
- goals (no life area, one case officer): achieved 3, partly 1, not 1, not followed up 2;
  all <5, row total 7;
- förlopp: 1: 2 people (<5), 2: 5 people (71 %), 3: 0 (<5); förlopp 2 EQ-5D sum 10,0 and
  8,0, VAS 50,0 and 70,0, n 5 each;
- track 3: at the decision 5 people, 4 × 30 + 60 = 180 min/week, 180/60 × 4,5 × 200 kr =
  2 700 kr/month; after 3 months 5 people, 5 × 20 = 100 min, 1 500 kr; after 6 and 12
  months nobody (<5, –).
"""

import csv
import datetime
import io
import re

import openpyxl
import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from assessments import services as assessment_services
from assessments.models import Goal, ServiceType
from assessments.services import ServiceRequest
from followup import indicators, tables
from followup import services as followup_services
from followup.models import FollowUp
from followup.services import add_months
from tests.factories import received_case
from tests.support import flow
from tracks.models import Track

pytestmark = pytest.mark.django_db

EQ_VISIT = {
    "mobility": 2,
    "self_care": 2,
    "usual_activities": 2,
    "pain_discomfort": 2,
    "anxiety_depression": 2,
    "vas": 50,
}
EQ_FOLLOW_UP = {**EQ_VISIT, "mobility": 1, "self_care": 1, "vas": 70}


def decision_day() -> datetime.date:
    return add_months(timezone.localdate(), -3) - datetime.timedelta(days=20)


def walk_case(number: int, *, officer, therapist, decided_on: datetime.date):
    """Case ``number`` of the table in the module's docstring, up to its decision."""
    application = received_case(
        officer=officer,
        therapist=therapist,
        services=("dusch",),
        received_on=decided_on - datetime.timedelta(days=5 * number),
    )
    assessment_services.application_update(
        application=application,
        expected_version=application.version,
        services=[ServiceRequest(ServiceType.objects.get(code="dusch"), 60)],
    )
    flow.book_visit(application, therapist=therapist, scheduled_at=flow.at_ten(decided_on))
    flow.complete_visit(application, therapist=therapist, goals=["Duscha själv"])
    intensive = number <= 5
    assessment_services.instrument_record(
        application=application,
        instrument="trajectory",
        answers={"trajectory": 2 if intensive else 1},
        actor=therapist,
    )
    if intensive:
        assessment_services.instrument_record(
            application=application, instrument="eq5d5l", answers=EQ_VISIT, actor=therapist
        )
    flow.confirm_track(
        application, therapist=therapist, track=Track.INTENSIVE_REHAB if intensive else None
    )
    flow.hand_over_basis(application, therapist=therapist, on=decided_on)
    flow.decide(
        application,
        officer=officer,
        decided_on=decided_on,
        granted=[("dusch", 30 if number <= 4 else 60)],
        level_before=3,
        level_after=2,
    )
    return application


def follow_up(application, *, officer, level: int, attainment: str, close: bool = False):
    due = FollowUp.objects.get(application=application, months=3, status=FollowUp.Status.DUE)
    goal = Goal.objects.get(application=application)
    followup_services.follow_up_record(
        follow_up=due,
        actor=officer,
        expected_version=due.version,
        services=[ServiceRequest(ServiceType.objects.get(code="dusch"), 20)],
        level_now=level,
        attainments={goal.pk: attainment},
        instruments={"eq5d5l": EQ_FOLLOW_UP},
        close_reason="needs_ended" if close else "",
    )


@pytest.fixture
def seven_cases(officer, therapist):
    decided_on = decision_day()
    cases = [
        walk_case(number, officer=officer, therapist=therapist, decided_on=decided_on)
        for number in range(1, 8)
    ]
    flow.follow_ups_fall_due(today=timezone.localdate())
    for case, level, attainment in zip(
        cases[:5],
        (1, 1, 1, 2, 2),
        ("achieved", "achieved", "achieved", "partly", "not"),
        strict=True,
    ):
        follow_up(case, officer=officer, level=level, attainment=attainment)
    return cases


@pytest.fixture(autouse=True)
def _empty_cache():
    cache.clear()
    yield
    cache.clear()


def scope_for(officer, **fields) -> indicators.Scope:
    today = timezone.localdate()
    start = (decision_day() - datetime.timedelta(days=40)).replace(day=1)
    return indicators.Scope(
        period_start=start, period_end=today, team_ids=(officer.team_id,), **fields
    )


def table_of(figures, key):
    return {table.key: table for table in tables.all_tables(figures)}[key]


def texts(table):
    return [[cell.text for cell in row] for row in table.rows]


NBSP = "\u00a0"


def test_each_indicator_on_the_seven_cases(seven_cases, officer):
    figures = indicators.dashboard(scope_for(officer), today=timezone.localdate())

    monthly = table_of(figures, "monthly")
    assert texts(monthly)[-1] == ["Totalt", "7", "7"]

    assert texts(table_of(figures, "waiting")) == [
        ["Från ansökan till gemensamt hembesök", "7", "20", "32"],
        ["Från ansökan till beslut", "7", "20", "32"],
    ]
    assert texts(table_of(figures, "services")) == [
        ["Dusch", "7", f"420{NBSP}min", f"300{NBSP}min", f"71{NBSP}%"]
    ]
    assert texts(table_of(figures, "level_mean")) == [
        ["Vid beslutet", "2", "7"],
        ["Vid uppföljningarna", "1,4", "5"],
    ]
    assert texts(table_of(figures, "level_grid")) == [
        # The line's total goes with its hidden cells, and the grand total with it.
        ["Nivå 2", "<5", "<5", "–"],
        ["Totalt", "<5", "<5", "–"],
    ]
    assert texts(table_of(figures, "timeliness")) == [
        ["Genomförd i tid", "<5", "–"],
        ["Genomförd sent", "5", f"71{NBSP}%"],
        ["Försenad, inte genomförd", "<5", "–"],
        ["Totalt", "7", f"100{NBSP}%"],
    ]
    assert texts(table_of(figures, "goals_life_area")) == [
        # One line of small cells: its total, and so the grand total, go with them.
        ["Ej angivet", "<5", "<5", "<5", "<5", "–"],
        ["Totalt", "<5", "<5", "<5", "<5", "–"],
    ]
    assert texts(table_of(figures, "goals_case_officer"))[0][1:] == ["<5", "<5", "<5", "<5", "–"]
    trajectories = texts(table_of(figures, "trajectories"))
    # A hidden row: its share, means and n are hidden with its people.
    assert trajectories[0] == ["Förlopp 1", "<5", "–"] + ["–", "<5"] * 4
    assert trajectories[1] == [
        "Förlopp 2",
        "5",
        f"71{NBSP}%",
        "10",
        "5",
        "8",
        "5",
        "50",
        "5",
        "70",
        "5",
    ]
    assert trajectories[2][:3] == ["Förlopp 3", "<5", "–"]
    assert texts(table_of(figures, "track3")) == [
        ["Vid beslutet", "5", f"180{NBSP}min", f"2{NBSP}700{NBSP}kr"],
        ["Efter 3 månader", "5", f"100{NBSP}min", f"1{NBSP}500{NBSP}kr"],
        ["Efter 6 månader", "<5", "–", "–"],
        ["Efter 12 månader", "<5", "–", "–"],
    ]


def test_a_closed_case_is_counted_by_its_reason(officer, therapist):
    decided_on = decision_day()
    case = walk_case(1, officer=officer, therapist=therapist, decided_on=decided_on)
    flow.follow_ups_fall_due(today=timezone.localdate())
    follow_up(case, officer=officer, level=1, attainment="achieved", close=True)
    figures = indicators.dashboard(scope_for(officer), today=timezone.localdate())
    closures = texts(table_of(figures, "closures"))
    assert closures[0] == ["Behovet upphört", "<5", "–"]
    assert closures[-1] == ["Totalt", "<5", "<5"]
    assert figures.closures == [{"reason": "needs_ended", "cases": 1, "people": 1}]


def test_the_track_filter_narrows_every_figure(seven_cases, officer):
    figures = indicators.dashboard(
        scope_for(officer, tracks=(Track.FALL_PREVENTION,)), today=timezone.localdate()
    )
    assert texts(table_of(figures, "services")) == [["Dusch", "<5", "–", "–", "–"]]
    assert texts(table_of(figures, "monthly"))[-1] == ["Totalt", "<5", "<5"]


HIDDEN = {"<5", "–"}


def visible_small_counts(table) -> list[str]:
    return [
        cell.text
        for row in table.rows
        for cell in row
        if cell.count and re.fullmatch(r"[1-4]", cell.text)
    ]


def test_no_table_shows_a_small_count_or_a_lone_hidden_cell(seven_cases, officer):
    for track in ((), (Track.INTENSIVE_REHAB,), (Track.FALL_PREVENTION,)):
        figures = indicators.dashboard(scope_for(officer, tracks=track), today=timezone.localdate())
        for table in tables.all_tables(figures):
            assert visible_small_counts(table) == [], table.key
            for line in table.lines:
                hidden = [(r, c) for r, c in line if table.rows[r][c].text in HIDDEN]
                assert len(hidden) != 1, (table.key, line)


def test_the_dashboard_takes_the_same_number_of_queries_for_3_and_12_cases(officer, therapist):
    decided_on = decision_day()

    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            indicators.dashboard(scope_for(officer), today=timezone.localdate())
        return len(captured)

    for number in range(1, 4):
        walk_case(number, officer=officer, therapist=therapist, decided_on=decided_on)
    at_three = queries()
    for number in range(4, 13):
        walk_case(number, officer=officer, therapist=therapist, decided_on=decided_on)
    assert queries() == at_three


def dashboard_url(officer, **params) -> str:
    start = (decision_day() - datetime.timedelta(days=40)).replace(day=1)
    query = {"start": f"{start:%Y-%m}", "end": f"{timezone.localdate():%Y-%m}", **params}
    return "?" + "&".join(f"{key}={value}" for key, value in query.items())


def test_the_page_shows_the_tables_charts_and_the_date(client, demo_users, seven_cases, officer):
    client.force_login(demo_users["enhetschef"])
    response = client.get(reverse("followup:dashboard") + dashboard_url(officer))
    assert response.status_code == 200
    page = response.content.decode()
    assert f"{timezone.localdate():%Y-%m-%d}" in page
    # A chart per indicator with figures to show; the seven cases have no performed minutes
    # reported, so that table is empty and has none.
    assert page.count("<svg") >= 7
    assert "Beviljade och utförda minuter per insats" in page
    assert "<title" in page and "<desc" in page
    assert "Dusch" in page and f"420{NBSP}min" in page


def test_the_figures_are_cached_for_the_day(client, demo_users, seven_cases, officer):
    client.force_login(demo_users["enhetschef"])
    url = reverse("followup:dashboard") + dashboard_url(officer)
    client.get(url)
    with CaptureQueriesContext(connection) as captured:
        client.get(url)
    aggregate_queries = [q for q in captured if "followup_followup" in q["sql"]]
    assert aggregate_queries == []


def test_a_bad_month_is_refused_next_to_the_field(client, demo_users):
    client.force_login(demo_users["enhetschef"])
    page = client.get(reverse("followup:dashboard") + "?start=2026-13&end=2026-01").content
    assert b"YYYY-MM" in page or "ÅÅÅÅ-MM".encode() in page


def test_the_csv_reads_back(client, demo_users, seven_cases, officer):
    client.force_login(demo_users["enhetschef"])
    url = reverse("followup:dashboard_download") + dashboard_url(
        officer, indicator="timeliness", format="csv"
    )
    response = client.get(url)
    assert response["Content-Type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig")), delimiter=";"))
    assert rows == [
        ["Uppföljning", "Uppföljningar", "Andel"],
        ["Genomförd i tid", "<5", "–"],
        ["Genomförd sent", "5", f"71{NBSP}%"],
        ["Försenad, inte genomförd", "<5", "–"],
        ["Totalt", "7", f"100{NBSP}%"],
    ]


def test_the_xlsx_reads_back(client, demo_users, seven_cases, officer):
    client.force_login(demo_users["enhetschef"])
    url = reverse("followup:dashboard_download") + dashboard_url(
        officer, indicator="services", format="xlsx"
    )
    sheet = openpyxl.load_workbook(io.BytesIO(client.get(url).content)).active
    assert [list(row) for row in sheet.iter_rows(values_only=True)] == [
        ["Insats", "Personer som ansökt", "Ansökt", "Beviljat", "Andel som behövdes"],
        ["Dusch", 7, 420, 300, 71],
    ]


def test_the_svg_reads_back(client, demo_users, seven_cases, officer):
    from xml.etree import ElementTree

    client.force_login(demo_users["enhetschef"])
    url = reverse("followup:dashboard_download") + dashboard_url(
        officer, indicator="waiting", format="svg"
    )
    response = client.get(url)
    assert response["Content-Type"] == "image/svg+xml"
    root = ElementTree.fromstring(response.content)  # noqa: S314 - our own chart
    svg = "{http://www.w3.org/2000/svg}"
    assert root.find(f"{svg}title").text == "Väntetid i dagar"
    assert "20" in root.find(f"{svg}desc").text
    assert root.find(f"{svg}defs") is not None  # the patterns that stand in for colour


def test_an_unknown_indicator_is_not_found(client, demo_users):
    client.force_login(demo_users["enhetschef"])
    assert client.get(reverse("followup:dashboard_download") + "?indicator=x").status_code == 404


def test_the_overview_links_to_the_dashboard(client, demo_users):
    client.force_login(demo_users["enhetschef"])
    page = client.get(reverse("followup:overview")).content.decode()
    assert reverse("followup:dashboard") in page


def test_the_pdf_report_has_the_same_tables_with_suppression(seven_cases, officer):
    from followup.reports import rendering

    html = rendering.render_report_html(rendering.build_context(scope_for(officer)))
    assert "Väntetid i dagar" in html
    assert '<th scope="row">Genomförd sent</th><td class="number">5</td>' in html
    assert '<th scope="row">Försenad, inte genomförd</th><td class="number">&lt;5</td>' in html
    assert 'id="indicator-waiting-title"' in html


def test_the_home_care_area_filter_and_goals_per_area(seven_cases, officer):
    from assessments.models import HomeCareArea

    north = HomeCareArea.objects.create(team=officer.team, name="Norr")
    south = HomeCareArea.objects.create(team=officer.team, name="Söder")
    for number, case in enumerate(seven_cases, start=1):
        citizen = case.citizen
        assessment_services.citizen_update(
            citizen=citizen,
            expected_version=citizen.version,
            home_care_area=north if number <= 5 else south,
        )
    # Cases 1–5 (north): 5 × 60 = 300 applied, 4 × 30 + 60 = 180 granted, 60 %.
    figures = indicators.dashboard(
        scope_for(officer, home_care_areas=(north.pk,)), today=timezone.localdate()
    )
    assert texts(table_of(figures, "services")) == [
        ["Dusch", "5", f"300{NBSP}min", f"180{NBSP}min", f"60{NBSP}%"]
    ]
    # All seven: north 3 achieved, 1 partly, 1 not (5); south 2 not followed up (2). The 2
    # is small, so the 5 beside it in the margin goes too; the grand total 7 stays.
    figures = indicators.dashboard(scope_for(officer), today=timezone.localdate())
    assert texts(table_of(figures, "goals_home_care_area")) == [
        ["Norr", "<5", "<5", "<5", "<5", "–"],
        ["Söder", "<5", "<5", "<5", "<5", "<5"],
        ["Totalt", "<5", "<5", "<5", "<5", "7"],
    ]
