"""The projection page (breddinförande) for managers: counts from the recorded cases or typed
in, the tariff valid today or typed, and every assumption printed beside the result."""

import pytest
from django.urls import reverse

from assessments import services
from assessments.scoring import TRAJECTORY
from followup.forms.projection import INITIAL_ROWS
from tests.factories import received_case

pytestmark = pytest.mark.django_db

URL = "/projection/"


def post_data(rows, **fields):
    data = {
        "source": "typed",
        "tariff_source": "typed",
        "tariff_text": "1 = 5 400\n2 = 9 690",
        "therapist": "charged",
        "therapist_hours": "40",
        "therapist_hourly_cost": "500",
        "rows-TOTAL_FORMS": str(len(rows)),
        "rows-INITIAL_FORMS": str(len(INITIAL_ROWS)),
        "rows-MIN_NUM_FORMS": "0",
        "rows-MAX_NUM_FORMS": "24",
    }
    data.update(fields)
    for index, row in enumerate(rows):
        for name, value in row.items():
            data[f"rows-{index}-{name}"] = value
    return data


def row(forlopp, citizens, low, high, outcome, level="", service_form="home_help", **extra):
    return {
        "service_form": service_form,
        "forlopp": str(forlopp),
        "citizens": str(citizens),
        "cost_low": str(low),
        "cost_high": str(high),
        "outcome": outcome,
        "level": str(level),
        **extra,
    }


TYPED_ROWS = [
    row(1, 10, 20000, 24000, "independent"),
    row(2, 20, 15000, 18000, "level", level=1),
    row(3, 5, 12000, 12000, "none", service_form="housing_support"),
]


def test_the_url_name():
    assert reverse("followup:projection") == URL


def test_a_manager_projects_typed_counts_with_every_assumption_beside_the_result(
    client, demo_users
):
    client.force_login(demo_users["enhetschef"])
    response = client.post(URL, post_data(TYPED_ROWS), HTTP_ACCEPT_LANGUAGE="sv")
    page = response.content.decode()
    assert response.status_code == 200
    # 10 × 12 × 20 000 − 10 × 40 × 500 = 2 200 000 ; 10 × 12 × 24 000 − 200 000 = 2 680 000
    assert "2,2–2,7\u00a0mnkr" in page
    # 20 × 12 × (15 000 − 5 400) − 400 000 = 1 904 000 ; 20 × 12 × 12 600 − 400 000 = 2 624 000
    assert "1,9–2,6\u00a0mnkr" in page
    # 5 × 12 × 0 − 5 × 20 000
    assert "-0,1\u00a0mnkr" in page
    # 4 004 000 – 5 204 000
    assert "4,0–5,2\u00a0mnkr" in page
    assert "4\u00a0004\u00a0000–5\u00a0204\u00a0000\u00a0kr" in page
    assert "Boendestöd" in page
    assert "40 timmar per medborgare" in page or "40 h" in page
    assert "20\u00a0000\u00a0kr per" in page
    assert "nivå 1 = 5\u00a0400\u00a0kr/månad" in page


def test_existing_resources_leave_the_therapist_out(client, demo_users):
    client.force_login(demo_users["enhetschef"])
    data = post_data(TYPED_ROWS, therapist="existing", therapist_hours="", therapist_hourly_cost="")
    page = client.post(URL, data, HTTP_ACCEPT_LANGUAGE="sv").content.decode()
    # 2 400 000 + 2 304 000 + 0 ; 2 880 000 + 3 024 000 + 0
    assert "4,7–5,9\u00a0mnkr" in page
    assert "befintliga resurser" in page


def test_recorded_cases_count_as_home_help_with_small_cells_hidden(client, demo_users):
    officer = demo_users["handlaggare"]
    for forlopp, count in ((1, 6), (2, 5), (3, 1)):
        for _ in range(count):
            case = received_case(officer=officer)
            services.instrument_record(
                application=case,
                instrument=TRAJECTORY,
                answers={"trajectory": forlopp},
                actor=demo_users["arbetsterapeut"],
            )
    client.force_login(demo_users["enhetschef"])
    page = client.get(URL, HTTP_ACCEPT_LANGUAGE="sv").content.decode()
    # 6, 5 and 1 people: the 1 is hidden, and so is the 5 (else 12 − 6 − 5 would give it away).
    assert '<td class="text-end">6</td>' in page
    assert '<td class="text-end">5</td>' not in page
    assert "&lt;5" in page
    assert "räknas som hemvård" in page or "hemvård" in page

    rows = [
        row(1, "", 20000, 20000, "independent"),
        row(2, "", 15000, 15000, "none"),
        row(3, "", 12000, 12000, "none", DELETE="on"),
    ]
    data = post_data(
        rows, source="recorded", therapist="existing", therapist_hours="", therapist_hourly_cost=""
    )
    page = client.post(URL, data, HTTP_ACCEPT_LANGUAGE="sv").content.decode()
    # Förlopp 1: 6 × 12 × 20 000 = 1 440 000; förlopp 2 is hidden, and with it the total.
    assert "1,4\u00a0mnkr" in page
    assert "Hemvård" in page
    assert "Totalen visas inte" in page or "total" in page.lower()


def test_errors_are_shown_at_their_fields_with_the_row(client, demo_users):
    client.force_login(demo_users["enhetschef"])
    rows = [
        row(1, "", 20000, 10000, "independent"),
        row(2, 5, 15000, 18000, "level", level=7),
    ]
    data = post_data(rows, therapist_hourly_cost="", tariff_text="1 = 5 400\nnivå två")
    page = client.post(URL, data, HTTP_ACCEPT_LANGUAGE="sv").content.decode()
    assert 'data-testid="error-summary"' in page
    assert "Ange antal medborgare." in page
    assert "rad 1" in page
    assert "Rad 2: skriv en nivå" in page
    assert "Ange arbetsterapeutens kostnad per timme." in page
    assert "Det höga beloppet får inte vara lägre än det låga." in page
    assert 'data-testid="projection-result"' not in page


def test_a_level_not_in_the_tariff_is_an_error_at_the_row(client, demo_users):
    client.force_login(demo_users["enhetschef"])
    rows = [row(2, 5, 15000, 18000, "level", level=7)]
    page = client.post(URL, post_data(rows), HTTP_ACCEPT_LANGUAGE="sv").content.decode()
    assert "Nivå 7 finns inte i taxan (nivåer: 1, 2)." in page
    assert 'data-testid="projection-result"' not in page


def test_the_page_is_for_managers_not_case_officers(client, demo_users):
    client.force_login(demo_users["handlaggare"])
    assert client.get(URL).status_code == 403
    client.force_login(demo_users["enhetschef"])
    assert client.get(URL).status_code == 200


def test_rows_left_blank_are_neither_checked_nor_counted(client, demo_users):
    # Two rows typed, the other three starting rows left as they came (their selects set,
    # nothing typed): 10 × 12 × 20 000 − 10 × 40 × 500 = 2 200 000 and
    # 10 × 12 × 24 000 − 200 000 = 2 680 000 for the first; 20 × 12 × (15 000 − 5 400)
    # − 20 × 20 000 = 1 904 000 and 20 × 12 × (18 000 − 5 400) − 400 000 = 2 624 000.
    blank = {"service_form": "home_help", "forlopp": "3", "outcome": "none"}
    client.force_login(demo_users["enhetschef"])
    response = client.post(URL, post_data(TYPED_ROWS[:2] + [blank] * 3))
    assert response.status_code == 200
    assert not response.context["formset"].total_error_count()
    page = response.content.decode()
    assert 'id="error-summary-title"' not in page
    assert "Ange antal medborgare" not in page
    assert "4 104 000" in page.replace("\u00a0", " ")  # 2 200 000 + 1 904 000
