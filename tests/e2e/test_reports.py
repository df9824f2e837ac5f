"""A manager orders a follow-up report, a real Celery worker makes it, and the manager
downloads the PDF, whose figures match the published pilot."""

import datetime
import io
import re

import pytest
from django.core.management import call_command
from django.utils import timezone
from playwright.sync_api import expect
from pypdf import PdfReader

from followup.reports.periods import ended_periods
from followup.tasks import refresh_team_figures
from rehab.models import User

pytestmark = pytest.mark.e2e


def test_a_manager_orders_and_downloads_the_pilot_report(
    login, page, live_server, assert_accessible, celery_worker_process
):
    login("enhetschef")  # creates the demo staff and team
    # Reports cover half-years that have ended: the cohort is decided in the last one.
    half_year = ended_periods(timezone.localdate())[0]
    call_command("load_pilot_cohort", decided_on=half_year.end - datetime.timedelta(days=20))
    # The overview shows kept figures; the decisions have the worker compute them again
    # half a minute after they are saved (ADR 0016). In the tests each process keeps its
    # own cache, so that refresh runs here, in the live server's process.
    refresh_team_figures(User.objects.get(username="enhetschef").team_id)
    page.reload()
    expect(page.get_by_test_id("savings")).to_contain_text("13 h 10 min")
    expect(page.get_by_text("Siffrorna beräknades")).to_be_visible()
    assert_accessible(page)

    page.get_by_role("link", name="Uppföljningsrapporter").click()
    page.get_by_label("Halvår").select_option(half_year.key)
    # Her only team, preselected; one track per report (ADR 0013).
    expect(page.locator("#id_team option:checked")).to_have_text("Team Norr")
    page.get_by_label("Spår 2: aktivitets- och funktionsbedömning före beslut").check()
    assert_accessible(page)
    page.get_by_role("button", name="Beställ rapporten").click()

    download = page.get_by_test_id("report-download")
    expect(download).to_be_visible(timeout=90_000)  # htmx polls until the worker is done
    href = download.get_attribute("href")
    response = page.request.get(f"{live_server.url}{href}")
    assert response.ok and response.headers["content-type"] == "application/pdf"
    text = " ".join(p.extract_text() for p in PdfReader(io.BytesIO(response.body())).pages)
    text = re.sub(r"\s+", " ", text.replace("\u00a0", " "))
    for figure in ("13 h 10 min", "2 633 kr", "11 850 kr", "142 200 kr"):
        assert figure in text, figure
