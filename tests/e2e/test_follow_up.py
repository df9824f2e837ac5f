"""A case officer finds an overdue follow-up from her start page, opens it, records it with
the visit's instrument again, and the case is "Beslutad" again."""

import datetime
from pathlib import Path

import pytest
from django.conf import settings
from django.utils import timezone
from playwright.sync_api import expect

from assessments import services
from assessments.models import Application
from followup.services import add_months
from tests.factories import received_case
from tests.support import flow
from tracks import services as track_services
from tracks.models import Handover

pytestmark = pytest.mark.e2e

DAY = datetime.timedelta(days=1)
SCREENSHOTS = Path(settings.BASE_DIR) / "var" / "screenshots"


@pytest.fixture
def overdue_case(demo):
    """A case decided 3 months and 12 days ago, its dates in order (received, visited with
    a TUG of 14.2 s, handed over to home health care, decided), the daily job run today:
    its 3-month follow-up fell due 12 days ago and the case is in the queue."""
    officer, therapist = demo["handlaggare"], demo["arbetsterapeut"]
    today = timezone.localdate()
    decided_on = add_months(today - 12 * DAY, -3)
    application = received_case(
        officer=officer,
        therapist=therapist,
        services=("stad", "trygghetslarm"),
        received_on=decided_on - 14 * DAY,
        citizen__first_name="Greta",
        citizen__last_name="Holm",
    )
    flow.book_visit(
        application,
        therapist=therapist,
        scheduled_at=datetime.datetime.combine(
            decided_on - 7 * DAY, datetime.time(10), timezone.get_default_timezone()
        ),
    )
    flow.complete_visit(application, therapist=therapist, potential=False)
    services.instrument_record(
        application=application,
        instrument="tug",
        answers={"seconds": "14,2", "walking_aid_used": False},
        actor=therapist,
    )
    track_services.handover_record(
        application=application,
        actor=therapist,
        recipient=Handover.Recipient.HOME_HEALTH_CARE,
        recipient_detail="",
        handed_over_on=decided_on - 5 * DAY,
        summary="Hemsjukvården tar över.",
    )
    flow.decide(
        application,
        officer=officer,
        decided_on=decided_on,
        granted=[("stad", 40), ("trygghetslarm", None)],
    )
    flow.follow_ups_fall_due(today=today)
    application.refresh_from_db()
    assert application.status == Application.Status.FOLLOW_UP_DUE
    return application


def test_a_case_officer_finds_and_records_an_overdue_follow_up(
    login, page, live_server, assert_accessible, overdue_case
):
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    login("handlaggare")
    # The start page is the work queue: its count of follow-ups due leads to the filter.
    expect(page.get_by_test_id("count-follow-up-due")).to_contain_text("1")
    page.get_by_role("link", name="Mina uppföljningar").first.click()

    overdue = page.get_by_test_id("follow-ups-overdue")
    expect(overdue).to_contain_text("Greta Holm")
    expect(overdue).to_contain_text("förfallen sedan 12 dagar")
    assert_accessible(page)
    page.screenshot(path=str(SCREENSHOTS / "my_follow_ups.png"), full_page=True)

    overdue.get_by_role("link", name="Registrera uppföljningen").click()
    expect(page.get_by_test_id("follow-up-when")).to_contain_text("förfallen sedan 12 dagar")
    tug = page.get_by_test_id("instrument-tug")
    expect(tug).to_contain_text("Vid hembesöket: 14.2 s")
    expect(page.get_by_label("Städ, minuter per vecka nu")).to_have_value("40")
    expect(page.get_by_label("Trygghetslarm nu")).to_be_checked()
    tug.get_by_label("Tid i sekunder").fill("11,0")
    tug.get_by_text("Nej", exact=True).click()
    assert_accessible(page)
    page.screenshot(path=str(SCREENSHOTS / "follow_up_form.png"), full_page=True)
    page.get_by_role("button", name="Registrera uppföljningen").click()

    expect(page.get_by_text("Uppföljningen registrerades.")).to_be_visible()
    expect(page.get_by_test_id("follow-up-3")).to_contain_text("utförd")
    overdue_case.refresh_from_db()
    assert overdue_case.status == Application.Status.DECIDED
    expect(page.locator("main")).to_contain_text("Beslutad")
