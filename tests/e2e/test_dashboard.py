"""A manager filters the indicator dashboard by team and track and downloads a table as CSV
and its chart as SVG; the figures are the pilot cohort's."""

import csv
import datetime
import re
from xml.etree import ElementTree

import pytest
from django.core.management import call_command
from django.utils import timezone
from playwright.sync_api import expect

pytestmark = pytest.mark.e2e


def test_a_manager_filters_the_dashboard_and_downloads_a_csv_and_an_svg(
    login, page, assert_accessible
):
    login("enhetschef")  # creates the demo staff and team
    today = timezone.localdate()
    # The 14 pilot cases: received 45 days before their decision, in track 2.
    call_command("load_pilot_cohort", decided_on=today - datetime.timedelta(days=20))
    page.reload()
    page.get_by_role("link", name="Indikatorer").click()

    page.get_by_label("Från månad").fill(f"{today - datetime.timedelta(days=80):%Y-%m}")
    page.get_by_label("Till månad").fill(f"{today:%Y-%m}")
    page.get_by_label("Team Norr").check()
    page.get_by_label("Spår 2: aktivitets- och funktionsbedömning före beslut").check()
    page.get_by_role("button", name="Visa").click()

    waiting = page.locator("#waiting")
    expect(waiting.get_by_role("row", name=re.compile("Från ansökan till beslut"))).to_have_text(
        re.compile(r"Från ansökan till beslut\s*14\s*45\s*45")
    )
    expect(page.get_by_test_id("figures-date")).to_contain_text(f"{today:%Y-%m-%d}")
    assert_accessible(page)

    with page.expect_download() as csv_download:
        waiting.get_by_role("link", name=re.compile("^CSV")).click()
    with open(csv_download.value.path(), encoding="utf-8-sig") as handle:
        rows = list(csv.reader(handle, delimiter=";"))
    assert rows[0] == ["Steg", "Ärenden", "Median (dagar)", "90:e percentilen (dagar)"]
    assert rows[2] == ["Från ansökan till beslut", "14", "45", "45"]

    with page.expect_download() as svg_download:
        waiting.get_by_role("link", name=re.compile("^SVG")).click()
    root = ElementTree.parse(svg_download.value.path()).getroot()  # noqa: S314 - our chart
    assert root.find("{http://www.w3.org/2000/svg}title").text == "Väntetid i dagar"

    # Another track has none of the pilot's cases: the counts are below five.
    page.get_by_label("Spår 2: aktivitets- och funktionsbedömning före beslut").uncheck()
    page.get_by_label("Spår 3: intensiv hemrehabilitering").check()
    page.get_by_role("button", name="Visa").click()
    expect(
        page.locator("#waiting").get_by_role("row", name=re.compile("Från ansökan till beslut"))
    ).to_contain_text("<5")
