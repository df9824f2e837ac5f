"""The manager tries the hourly model on the pilot cohort's file on the what-if page."""

import re
from pathlib import Path

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.e2e

PILOT = Path(__file__).resolve().parent.parent / "data" / "pilot_track2_14_citizens.csv"


def switch_to_english(page):
    """The page's strings are not translated yet; the test reads the English source."""
    page.get_by_label("Språk").select_option("en")
    page.get_by_role("button", name="Byt språk").click()
    page.wait_for_load_state()
    expect(page.locator("html")).to_have_attribute("lang", "en")


def test_the_manager_computes_the_pilot_cohort_from_the_overview(
    login, live_server, assert_accessible
):
    page = login("enhetschef")
    switch_to_english(page)
    page.get_by_role("link", name="What-if savings calculation").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("What-if savings calculation")
    assert_accessible(page)

    hourly = page.locator("section#hourly")
    hourly.get_by_label("Cases (CSV file)").set_input_files(PILOT)
    expect(hourly.get_by_label("Home care cost per hour (kr)")).to_have_value(re.compile(r"^200$"))
    page.get_by_role("button", name="Compute the hourly model").click()

    result = page.get_by_test_id("hourly-result")
    expect(result.get_by_test_id("saved-time")).to_have_text("13 h 10 min")
    expect(result.get_by_test_id("kr-per-week")).to_have_text("2\u00a0633\u00a0kr")
    expect(result.get_by_test_id("kr-per-month")).to_have_text("11\u00a0850\u00a0kr")
    expect(result.get_by_test_id("kr-per-year")).to_have_text("142\u00a0200\u00a0kr")
    expect(page.get_by_test_id("hourly-assumptions")).to_contain_text(
        "pilot_track2_14_citizens.csv"
    )
    assert_accessible(page)


def test_a_file_without_a_needed_column_is_an_error_at_the_upload_field(
    login, live_server, tmp_path, assert_accessible
):
    bad = tmp_path / "cases.csv"
    bad.write_text("case_id,applied_minutes_per_week\n1,40\n", encoding="utf-8")
    page = login("enhetschef")
    page.goto(f"{live_server.url}/whatif/")
    switch_to_english(page)
    field = page.locator("#id_hourly-cases_file")
    field.set_input_files(bad)
    page.get_by_role("button", name="Compute the hourly model").click()
    field = page.locator("#id_hourly-cases_file")
    expect(field).to_have_attribute("aria-invalid", "true")
    expect(
        page.locator(".invalid-feedback").get_by_text(
            "Row 1, column granted_minutes_per_week: missing column"
        )
    ).to_be_visible()
    expect(page.get_by_test_id("hourly-result")).to_have_count(0)
    assert_accessible(page)
