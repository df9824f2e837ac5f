"""The what-if page (followup.views.whatif): both savings models on uploaded or typed figures."""

import datetime
import re
from decimal import Decimal
from html import unescape
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from followup.models import SavingsParameters, Tariff, TariffLevel
from rehab.models import AccessLogEntry

DATA = Path(__file__).resolve().parents[2] / "data"
PILOT = DATA / "pilot_track2_14_citizens.csv"
LEVEL_ONE_CASE = DATA / "level_one_case.csv"
LEVEL_THREE_CASES = DATA / "level_three_cases.csv"
TARIFF = DATA / "tariff_example.csv"
URL = "/whatif/"


def upload(path: Path, name: str | None = None) -> SimpleUploadedFile:
    return SimpleUploadedFile(name or path.name, path.read_bytes(), content_type="text/csv")


def csv_upload(text: str, name: str = "cases.csv") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, text.encode(), content_type="text/csv")


def page_text(response) -> str:
    """The response's visible text: tags dropped, entities and non-breaking spaces undone."""
    html = response.content.decode()
    text = unescape(re.sub(r"<[^>]+>", " ", html)).replace("\u00a0", " ")
    return re.sub(r"\s+", " ", text)


def hourly_post(**fields):
    data = {"model": "hourly", "hourly-source": "file", "hourly-hourly_cost": "200"}
    data["hourly-weeks_per_month"] = "4,5"
    data.update({f"hourly-{name}": value for name, value in fields.items()})
    return data


def level_post(**fields):
    data = {
        "model": "level",
        "level-therapist_hourly_cost": "337,50",
        "level-therapist_cost": "once",
        "level-months": "1 6",
    }
    data.update({f"level-{name}": value for name, value in fields.items()})
    return data


@pytest.fixture
def manager(client, demo_users):
    client.force_login(demo_users["enhetschef"])
    return client


def test_the_url_name():
    assert reverse("followup:whatif") == URL


def test_the_page_shows_both_forms_with_the_valid_parameters(manager):
    response = manager.get(URL)
    assert response.status_code == 200
    html = response.content.decode()
    assert re.search(r"<h1>[^<]+</h1>", html)
    assert 'name="hourly-cases_file"' in html and 'name="level-cases_file"' in html
    assert html.count('name="csrfmiddlewaretoken"') == 4  # 2 forms, log out, language
    assert re.search(r'name="hourly-hourly_cost" value="200"', html)
    assert re.search(r'name="hourly-weeks_per_month" value="4,5"', html)
    assert re.search(r'name="level-therapist_hourly_cost" value="337,5"', html)
    # Every visible field has a label.
    for field_id in re.findall(r'<input[^>]+type="(?:text|file)"[^>]+id="([^"]+)"', html):
        assert f'for="{field_id}"' in html, field_id


def test_uploading_the_pilot_file_gives_the_published_figures(manager):
    response = manager.post(URL, hourly_post(cases_file=upload(PILOT)))
    assert response.status_code == 200
    html = response.content.decode()
    assert "13 h 10 min" in html
    # format_kr groups thousands with non-breaking spaces.
    for amount in ("2\u00a0633\u00a0kr", "11\u00a0850\u00a0kr", "142\u00a0200\u00a0kr"):
        assert amount in html
    text = page_text(response)
    assert "2 633 kr" in text and "11 850 kr" in text and "142 200 kr" in text
    assert "68 %" in text
    assert re.search(r"14 citizens|Citizens 14|Medborgare 14", text) or ">14<" in html
    # The assumptions box names every value used and where they came from.
    assumptions = re.search(r'data-testid="hourly-assumptions">(.*?)</div>', html, re.S).group(1)
    assumptions_text = unescape(re.sub(r"<[^>]+>", " ", assumptions)).replace("\u00a0", " ")
    assert "pilot_track2_14_citizens.csv" in assumptions_text
    assert "200" in assumptions_text and "4,5" in assumptions_text and "12" in assumptions_text
    assert "2020-01-01" in assumptions_text


def test_the_assumptions_can_be_changed_for_the_what_if(manager):
    response = manager.post(
        URL,
        hourly_post(cases_file=upload(PILOT), hourly_cost="300", weeks_per_month="4"),
    )
    text = page_text(response)
    # 790 min × 300 kr/h = 3 950 kr per week, × 4 = 15 800 per month, × 12 = 189 600 per year.
    assert "3 950 kr" in text and "15 800 kr" in text and "189 600 kr" in text
    assert "13 h 10 min" in text
    assert not SavingsParameters.objects.exclude(hourly_cost=Decimal("200")).exists()


def test_entering_totals_directly(manager):
    response = manager.post(
        URL,
        hourly_post(source="totals", applied_minutes="2469", granted_minutes="1679", citizens="14"),
    )
    assert response.status_code == 200
    text = page_text(response)
    assert "13 h 10 min" in text
    assert "2 633 kr" in text and "11 850 kr" in text and "142 200 kr" in text
    assert "68 %" in text
    assert 'data-testid="citizens">14<' in response.content.decode()


def test_totals_need_all_three_values(manager):
    response = manager.post(URL, hourly_post(source="totals", applied_minutes="100"))
    html = response.content.decode()
    assert 'data-testid="hourly-errors"' in html
    assert 'data-testid="hourly-result"' not in html
    assert html.count("is-invalid") >= 2


def test_no_file_chosen_is_an_error_at_the_upload_field(manager):
    response = manager.post(URL, hourly_post())
    html = response.content.decode()
    assert 'data-testid="hourly-result"' not in html
    assert re.search(r'name="hourly-cases_file"[^>]*aria-invalid="true"', html)


def test_a_missing_column_is_shown_with_row_and_column_and_nothing_is_computed(manager):
    bad = csv_upload("case_id,applied_minutes_per_week\n1,40\n")
    response = manager.post(URL, hourly_post(cases_file=bad))
    assert response.status_code == 200
    html = response.content.decode()
    assert 'data-testid="hourly-result"' not in html
    assert "13 h" not in html
    text = page_text(response)
    assert "Rad 1, kolumn granted_minutes_per_week: missing column" in text
    # The error is attached to the upload field.
    assert re.search(r'name="hourly-cases_file"[^>]*aria-invalid="true"', html)
    assert "Filen har 1 fel; ingenting beräknades:" in text
    errors = re.search(r'<div id="id_hourly-cases_file_error"[^>]*>(.*?)</div>', html, re.S)
    assert "Rad 1, kolumn granted_minutes_per_week" in errors.group(1)


def test_every_bad_cell_is_listed_by_row_and_column(manager):
    bad = csv_upload(
        "case_id,applied_minutes_per_week,granted_minutes_per_week\n1,40,abc\n2,-5,10\n,30,20\n"
    )
    response = manager.post(URL, hourly_post(cases_file=bad))
    text = page_text(response)
    assert "Filen har 3 fel; ingenting beräknades:" in text
    # One problem per line.
    assert response.content.decode().count('<p id="error_') == 4
    assert "Rad 2, kolumn granted_minutes_per_week: 'abc' is not a number" in text
    assert "Rad 3, kolumn applied_minutes_per_week: negative minutes (-5) are not allowed" in text
    assert "Rad 4, kolumn case_id: value is missing" in text
    assert "Saved per week" not in text


def test_a_long_list_of_problems_is_cut_short(manager):
    rows = "".join(f"{n},x,1\n" for n in range(60))
    bad = csv_upload("case_id,applied_minutes_per_week,granted_minutes_per_week\n" + rows)
    response = manager.post(URL, hourly_post(cases_file=bad))
    text = page_text(response)
    assert "Filen har 60 fel; ingenting beräknades:" in text
    assert "Rad 51, kolumn applied_minutes_per_week" in text
    assert "Rad 52, kolumn" not in text
    assert "… och ytterligare 10 fel." in text


def test_granted_above_applied_is_computed_with_a_warning(manager):
    cases = csv_upload(
        "case_id,applied_minutes_per_week,granted_minutes_per_week\n8,20,35\n9,60,30\n"
    )
    response = manager.post(URL, hourly_post(cases_file=cases))
    text = page_text(response)
    assert "0 h 15 min" in text
    assert "Ärende 8 (rader 2): beviljat 35 min/vecka, ansökt 20 min/vecka" in text


def test_the_level_model_with_a_tariff_file(manager):
    response = manager.post(
        URL, level_post(cases_file=upload(LEVEL_ONE_CASE), tariff_file=upload(TARIFF))
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert 'data-testid="level-result"' in html
    text = page_text(response)
    # 12 000 − 9 690 = 2 310 kr per month; therapist 10 h × 337.50 = 3 375 kr, charged once:
    # 1 month: 2 310 − 3 375 = −1 065; 6 months: 13 860 − 3 375 = 10 485.
    assert 'data-testid="gross-per-month">2\u00a0310\u00a0kr<' in html
    assert 'data-testid="therapist-cost">3\u00a0375\u00a0kr<' in html
    assert 'data-testid="net-1">-1\u00a0065\u00a0kr<' in html
    assert 'data-testid="net-6">10\u00a0485\u00a0kr<' in html
    assert "tariff_example.csv" in text and "level_one_case.csv" in text
    assert "nivå 3 = 12 000 kr/månad" in text


def test_the_level_model_charged_monthly(manager):
    response = manager.post(
        URL,
        level_post(
            cases_file=upload(LEVEL_ONE_CASE),
            tariff_file=upload(TARIFF),
            therapist_cost="monthly",
            months="1 6 12",
        ),
    )
    html = response.content.decode()
    # N × (2 310 − 3 375) = N × −1 065.
    assert 'data-testid="net-1">-1\u00a0065\u00a0kr<' in html
    assert 'data-testid="net-6">-6\u00a0390\u00a0kr<' in html
    assert 'data-testid="net-12">-12\u00a0780\u00a0kr<' in html


def test_the_level_model_with_three_cases(manager):
    response = manager.post(
        URL, level_post(cases_file=upload(LEVEL_THREE_CASES), tariff_file=upload(TARIFF))
    )
    html = response.content.decode()
    # Gross: 2 310 + 4 290 + 0 = 6 600; therapist: (10 + 4.5 + 2) × 337.50 = 5 568.75.
    assert 'data-testid="gross-per-month">6\u00a0600\u00a0kr<' in html
    assert 'data-testid="therapist-cost">5\u00a0569\u00a0kr<' in html
    assert 'data-testid="net-1">1\u00a0031\u00a0kr<' in html  # 1 031.25
    assert 'data-testid="net-6">34\u00a0031\u00a0kr<' in html  # 34 031.25


def test_the_level_model_uses_the_tariff_valid_today(manager):
    today = timezone.localdate()
    old = Tariff.objects.create(name="Gammal", valid_from=today - datetime.timedelta(days=400))
    TariffLevel.objects.create(tariff=old, level=2, monthly_compensation=1)
    TariffLevel.objects.create(tariff=old, level=3, monthly_compensation=2)
    current = Tariff.objects.create(name="Hemtjänst 2026", valid_from=today)
    for level, amount in ((1, 5400), (2, 9690), (3, 12000)):
        TariffLevel.objects.create(tariff=current, level=level, monthly_compensation=amount)
    Tariff.objects.create(name="Framtida", valid_from=today + datetime.timedelta(days=30))

    form_page = manager.get(URL).content.decode()
    assert "Hemtjänst 2026" in form_page
    response = manager.post(URL, level_post(cases_file=upload(LEVEL_ONE_CASE)))
    html = response.content.decode()
    assert 'data-testid="net-6">10\u00a0485\u00a0kr<' in html
    assert "Hemtjänst 2026" in page_text(response)


def test_without_a_valid_tariff_a_tariff_file_is_required(manager):
    response = manager.post(URL, level_post(cases_file=upload(LEVEL_ONE_CASE)))
    html = response.content.decode()
    assert 'data-testid="level-result"' not in html
    assert re.search(r'name="level-tariff_file"[^>]*aria-invalid="true"', html)


def test_a_level_missing_in_the_tariff_names_row_and_column(manager):
    cases = csv_upload("case_id,level_before,level_after,therapist_hours\nA-1,4,2,10\n")
    response = manager.post(URL, level_post(cases_file=cases, tariff_file=upload(TARIFF)))
    html = response.content.decode()
    assert 'data-testid="level-result"' not in html
    text = page_text(response)
    assert "Rad 2, kolumn level_before: level 4 is not in the tariff (levels: 1, 2, 3)" in text
    assert re.search(r'name="level-cases_file"[^>]*aria-invalid="true"', html)


def test_a_bad_tariff_file_is_shown_at_the_tariff_field(manager):
    tariff = csv_upload("level,monthly_compensation_sek\n1,5400\n2,lots\n", name="t.csv")
    response = manager.post(URL, level_post(cases_file=upload(LEVEL_ONE_CASE), tariff_file=tariff))
    html = response.content.decode()
    assert 'data-testid="level-result"' not in html
    assert "Rad 3, kolumn monthly_compensation_sek: &#x27;lots&#x27; is not a number" in html
    assert re.search(r'name="level-tariff_file"[^>]*aria-invalid="true"', html)


@pytest.mark.parametrize("months", ["", "0", "1 x", "1 200"])
def test_bad_month_counts_are_errors(manager, months):
    response = manager.post(
        URL,
        level_post(cases_file=upload(LEVEL_ONE_CASE), tariff_file=upload(TARIFF), months=months),
    )
    html = response.content.decode()
    assert 'data-testid="level-result"' not in html
    assert re.search(r'name="level-months"[^>]*aria-invalid="true"', html)


def test_an_administrator_may_use_the_page(client, demo_users):
    client.force_login(demo_users["admin"])
    assert client.get(URL).status_code == 200


def test_a_case_officer_gets_403(client, demo_users):
    client.force_login(demo_users["handlaggare"])
    assert client.get(URL).status_code == 403
    response = client.post(URL, hourly_post(cases_file=upload(PILOT)))
    assert response.status_code == 403


def test_anonymous_is_sent_to_the_login_page(client, db):
    response = client.get(URL)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))
    assert "next=/whatif/" in response["Location"]


def test_the_overview_links_to_the_page(manager):
    html = manager.get(reverse("followup:overview")).content.decode()
    assert f'href="{URL}"' in html


def test_nothing_is_saved_and_no_access_is_logged(manager, django_assert_max_num_queries):
    parameters = list(SavingsParameters.objects.values())
    with django_assert_max_num_queries(12):
        response = manager.post(
            URL, hourly_post(cases_file=upload(PILOT), hourly_cost="999", weeks_per_month="4")
        )
    assert response.status_code == 200
    assert list(SavingsParameters.objects.values()) == parameters
    assert not AccessLogEntry.objects.exists()
    assert not Tariff.objects.exists()
