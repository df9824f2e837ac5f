"""Nothing typed at a home visit is lost: the visit form keeps a draft on the server while
the therapist types, and a failed completion starts from the error summary."""

import datetime

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from assessments import services
from assessments.models import ServiceType, VisitDraft

pytestmark = pytest.mark.e2e

TABLET = {"width": 768, "height": 1024}


@pytest.fixture
def booked_case(demo):
    officer, therapist = demo["handlaggare"], demo["arbetsterapeut"]
    citizen = services.citizen_create(
        personal_number="19400307-3428",
        team=officer.team,
        first_name="Astrid",
        last_name="Lindqvist",
    )
    application = services.application_create(
        citizen=citizen,
        received_on=timezone.localdate() - datetime.timedelta(days=3),
        channel="phone",
        case_officer=officer,
        therapist=therapist,
        services=[services.ServiceRequest(ServiceType.objects.get(code="stad"), 60)],
    )
    services.joint_visit_book(
        application=application,
        scheduled_at=timezone.now() - datetime.timedelta(hours=2),
        case_officer=officer,
        therapist=therapist,
        expected_version=application.version,
    )
    return application


def open_visit_form(login, page, live_server, application):
    page.set_viewport_size(TABLET)
    login("arbetsterapeut")
    page.goto(f"{live_server.url}/applications/{application.public_id}/visit/record/")


def test_what_the_therapist_typed_is_back_after_a_reload(
    login, page, live_server, assert_accessible, booked_case, tmp_path
):
    open_visit_form(login, page, live_server, booked_case)
    page.get_by_label("Badrum").fill("Badkar utan stödhandtag")
    page.get_by_label("Mål 1 med medborgarens egna ord").fill("Kunna tvätta själv")
    page.get_by_label("Resonemang om potentialen").press_sequentially("Vill och kan")
    expect(page.get_by_text("Utkast sparat", exact=False)).to_be_visible(timeout=10_000)
    for _ in range(40):  # the last keystrokes go with the next post, a few seconds later
        draft = VisitDraft.objects.first()
        if draft and draft.data.get("potential_reasoning") == "Vill och kan":
            break
        page.wait_for_timeout(250)
    else:
        pytest.fail("the draft was not saved")

    page.reload()
    expect(page.get_by_test_id("draft-notice")).to_contain_text("Utkast sparat")
    expect(page.get_by_test_id("draft-notice")).to_contain_text("återställt")
    expect(page.get_by_label("Badrum")).to_have_value("Badkar utan stödhandtag")
    expect(page.get_by_label("Mål 1 med medborgarens egna ord")).to_have_value("Kunna tvätta själv")
    expect(page.get_by_label("Resonemang om potentialen")).to_have_value("Vill och kan")
    page.evaluate("window.scrollTo(0, 0)")
    assert_accessible(page)

    page.get_by_role("button", name="Spara utkast").click()
    expect(page.get_by_test_id("draft-notice")).to_have_count(0)
    assert not VisitDraft.objects.exists()


def test_a_failed_completion_focuses_the_error_summary(
    login, page, live_server, assert_accessible, booked_case, tmp_path
):
    open_visit_form(login, page, live_server, booked_case)
    page.get_by_label("Boende").fill("Lägenhet, tredje våningen")
    page.get_by_role("group", name="Potential till självständighet").get_by_label("Ja").check()
    page.get_by_role("button", name="Slutför besöket").click()

    summary = page.get_by_test_id("error-summary")
    expect(summary).to_be_focused()
    expect(summary).to_contain_text("Det finns problem")
    expect(page.get_by_label("Boende")).to_have_value("Lägenhet, tredje våningen")
    assert_accessible(page)

    summary.get_by_role("link", name="Resonemang om potentialen").click()
    expect(page.get_by_label("Resonemang om potentialen")).to_be_focused()
