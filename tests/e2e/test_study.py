"""A manager defines a follow-up study of shower, draws the sample of the team's two cases,
the case officer answers her questions for one case and records that the other citizen
cannot be interviewed, and the manager reads the results with the response rates."""

import datetime

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from tests.unit.studies.helpers import granted_case

pytestmark = pytest.mark.e2e

DAY = datetime.timedelta(days=1)


@pytest.fixture
def two_shower_cases(demo):
    """Two cases granted shower 150 and 160 days ago: ongoing 3 months to 2 years today."""
    officer, therapist = demo["handlaggare"], demo["arbetsterapeut"]
    today = timezone.localdate()
    return [
        granted_case(
            officer=officer,
            therapist=therapist,
            decided_on=today - days * DAY,
            citizen__first_name=first,
            citizen__last_name="Lindqvist",
        )
        for days, first in ((150, "Aina"), (160, "Bertil"))
    ]


def test_a_manager_runs_a_study_from_definition_to_results(
    login, page, assert_accessible, two_shower_cases
):
    page = login("enhetschef")
    page.get_by_role("link", name="Uppföljningsstudier").click()
    page.get_by_role("link", name="Lägg upp en ny studie").click()
    page.get_by_label("Studiens namn").fill("Dusch hösten")
    page.get_by_role("combobox", name="Insats").select_option(label="Dusch")
    expect(page.get_by_label("Insatsen pågått minst (månader)")).to_have_value("3")
    expect(page.get_by_label("Insatsen pågått högst (månader)")).to_have_value("24")
    assert_accessible(page)
    page.get_by_role("button", name="Lägg upp studien").click()
    expect(page.get_by_text("Studien lades upp.")).to_be_visible()
    page.get_by_role("button", name="Dra urvalet").click()
    expect(page.get_by_text("Urvalet drogs: 2 ärenden.")).to_be_visible()
    assert_accessible(page)

    page = login("handlaggare")
    page.get_by_role("link", name="Uppföljningsstudier").click()
    page.get_by_role("link", name="Dusch hösten").click()
    sample = page.get_by_test_id("sample")
    expect(sample).to_contain_text("Aina Lindqvist")
    expect(sample).to_contain_text("Bertil Lindqvist")

    # Her own questions for the first case.
    first = sample.get_by_role("row").filter(has_text="Aina Lindqvist")
    first.get_by_role("link", name="Svar (Aina Lindqvist)").first.click()
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Handläggarens frågor: Aina Lindqvist"
    )
    page.get_by_label("Vad ansökte den enskilde om?").fill("Hjälp med dusch")
    for question, answer in (
        ("Utreddes om behovet", "Ja"),
        ("Är det bedömda funktionstillståndet", "Delvis"),
        ("Är målet med insatsen skrivet?", "Ja"),
        ("Har beslutet följts upp?", "Nej"),
        ("Har målet uppnåtts?", "Inte uppföljt ännu"),
    ):
        page.get_by_role("group", name=question).get_by_label(answer, exact=True).check()
    assert_accessible(page)
    page.get_by_role("button", name="Spara svaren").click()
    expect(page.get_by_text("Svaren sparades.")).to_be_visible()

    # The second citizen cannot be interviewed: a non-response with its reason.
    second = page.get_by_test_id("sample").get_by_role("row").filter(has_text="Bertil Lindqvist")
    second.get_by_role("link", name="Svar (Bertil Lindqvist)").last.click()
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Medborgarens frågor: Bertil Lindqvist"
    )
    page.get_by_label("Kan inte intervjuas på grund av demenssjukdom").check()
    page.get_by_role("button", name="Registrera bortfallet").click()
    expect(page.get_by_text("Bortfallet registrerades.")).to_be_visible()
    expect(page.get_by_test_id("sample")).to_contain_text(
        "Bortfall: Kan inte intervjuas på grund av demenssjukdom"
    )

    page = login("enhetschef")
    page.get_by_role("link", name="Uppföljningsstudier").click()
    page.get_by_role("link", name="Dusch hösten").click()
    page.get_by_role("link", name="Resultat").click()
    summary = page.get_by_test_id("table-summary")
    expect(summary).to_contain_text("Svarsfrekvens")
    # Two sampled: too few to show counts or a response rate.
    expect(summary.get_by_role("row").nth(1)).to_contain_text("<5")
    expect(page.get_by_test_id("table-non_response")).to_contain_text(
        "Kan inte intervjuas på grund av demenssjukdom"
    )
    assert_accessible(page)
    with page.expect_download() as download:
        page.get_by_role("link", name="Ladda ned CSV").click()
    assert download.value.suggested_filename == "studie-dusch-hosten.csv"
