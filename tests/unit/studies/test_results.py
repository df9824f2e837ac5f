"""A study's results: the response rate counts non-responses and open cases against it,
answers per option follow the small-cell rule, per life area, per case officer and per
home-care area, in a fixed number of queries; the CSV and XLSX carry the same tables."""

import csv
import io

import openpyxl
import pytest
from django.urls import reverse

from assessments.models import LifeArea
from studies import results
from studies.models import Question
from studies.results import counted, result_tables

pytestmark = pytest.mark.django_db

NBSP = "\u00a0"


def table(tables, key):
    return next(t for t in tables if t.key == key)


def test_the_response_rate_counts_the_non_response_and_the_open_case(six_case_study):
    """6 sampled, 4 answered, 1 non-response (dementia), 1 open: 4 / 6 = 67 %, hidden with
    the count of the answered it would give away."""
    summary = table(result_tables(six_case_study), "summary")
    case_officer, provider, citizen = summary.rows
    assert case_officer[1:] == ["6", "<5", "<5", "<5", "–"]
    assert provider[1:] == ["6", "<5", "<5", "6", "–"]
    assert citizen[1:] == ["6", "5", "<5", "<5", f"83{NBSP}%"]
    reasons = table(result_tables(six_case_study), "non_response")
    assert reasons.rows[0] == ["Kan inte intervjuas på grund av demenssjukdom", "<5", "<5", "<5"]


def test_answers_per_option_show_fewer_than_five_as_small(six_case_study):
    tables = result_tables(six_case_study)
    officer_rows = table(tables, "questions_case_officer").rows
    other_way = [row for row in officer_rows if row[0].startswith("Utreddes")]
    assert [row[1:] for row in other_way] == [
        ["Ja", "<5", "–"],
        ["Nej", "<5", "–"],
        ["Delvis", "<5", "–"],
        ["Vet ej", "<5", "–"],
    ]
    citizen_rows = table(tables, "questions_citizen").rows
    satisfied = [row for row in citizen_rows if row[0] == "Är du nöjd med insatsen?"]
    assert satisfied[0][1:] == ["Ja", "5", f"100{NBSP}%"]
    free_text = [row for row in citizen_rows if row[0] == "Vad gör ni under insatsen?"]
    assert free_text == [["Vad gör ni under insatsen?", "Fritextsvar", "5", ""]]


def test_results_per_life_area_case_officer_and_home_care_area(six_case_study):
    Question.objects.filter(
        questionnaire=six_case_study.citizen_questionnaire, key="satisfied"
    ).update(life_area=LifeArea.objects.get(code="personlig_vard"))
    tables = result_tables(six_case_study)
    areas = table(tables, "life_areas").rows
    assert ["Personlig vård", "Ja", "5"] in areas
    assert ["Känsla av trygghet", "Oftast samma personal", "5"] in areas

    per_officer = table(tables, "case_officer_responses").rows
    assert [row[0] for row in per_officer] == ["Karin Lund"] * 3
    assert per_officer[2][2:] == ["6", "5", "<5", f"83{NBSP}%"]
    per_area = table(tables, "home_care_area_responses").rows
    assert per_area[0][0] == "Inget hemtjänstområde"
    answers = table(tables, "case_officer_answers").rows
    assert ["Karin Lund", "Är du nöjd med insatsen?", "Ja", "5"] in answers


def test_the_results_take_a_fixed_number_of_queries(six_case_study, django_assert_num_queries):
    with django_assert_num_queries(11):
        result_tables(six_case_study)


def test_the_manager_downloads_the_results_as_csv_and_xlsx(client, manager, six_case_study):
    Question.objects.filter(
        questionnaire=six_case_study.citizen_questionnaire, key="satisfied"
    ).update(text='=HYPERLINK("http://example.com")')
    client.force_login(manager)
    page = client.get(reverse("studies:results", args=[six_case_study.public_id]))
    assert page.status_code == 200
    assert f"67{NBSP}%" not in page.content.decode()  # it would give the hidden 4 away

    response = client.get(reverse("studies:results_csv", args=[six_case_study.public_id]))
    assert response["Content-Type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig")), delimiter=";"))
    assert rows[0] == ["Urval och svar"]
    assert rows[2][1:] == ["6", "<5", "<5", "<5", "–"]
    assert any(row[:2] == ['\'=HYPERLINK("http://example.com")', "Ja"] for row in rows)

    response = client.get(reverse("studies:results_xlsx", args=[six_case_study.public_id]))
    sheet = openpyxl.load_workbook(io.BytesIO(response.content)).active
    values = [[cell.value for cell in row] for row in sheet.iter_rows()]
    assert values[0][0] == "Urval och svar"
    assert values[2][1:6] == ["6", "<5", "<5", "<5", "–"]
    assert all(not (isinstance(v, str) and v.startswith("=")) for row in values for v in row)


def test_a_part_that_would_give_away_a_small_one_is_hidden_too():
    """20 sampled: 12 answered, 3 non-responses, 5 open. The 3 is small; shown with the 20
    and the 12, the 5 would give it away, so it is hidden too ("–")."""
    assert counted([12, 3, 5], 20) == (["12", "<5", "–"], "20")
    assert counted([4, 1, 1], 6) == (["<5", "<5", "<5"], "6")


@pytest.mark.parametrize(
    ("answered", "others", "sampled", "shown"),
    [
        (6, [1, 3], 10, f"60{NBSP}%"),  # 6 / 10
        (5, [0, 0], 5, f"100{NBSP}%"),
        (4, [1, 1], 6, "–"),  # 4 answered is hidden, so is 67 %
        (6, [4, 0], 10, f"60{NBSP}%"),  # 6 is shown; the hidden 4 and 0 stay hidden
        (2, [1, 1], 4, "–"),  # a sample under five
    ],
)
def test_the_response_rate_is_hidden_with_the_count_it_would_give_away(
    answered, others, sampled, shown
):
    assert results.response_rate(answered, others, sampled) == shown
