"""The whole path of a track 2 case in a real browser: joint visit with an instrument,
track, two interventions, assessment basis and a decision granting less than applied."""

import datetime
import re

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from assessments import services
from assessments.models import ServiceType

pytestmark = pytest.mark.e2e

TABLET = {"width": 768, "height": 1024}


@pytest.fixture
def booked_case(demo):
    officer, therapist = demo["handlaggare"], demo["arbetsterapeut"]
    codes = {service.code: service for service in ServiceType.objects.all()}
    citizen = services.citizen_create(
        personal_number="19400307-3428",
        team=officer.team,
        first_name="Astrid",
        last_name="Lindqvist",
    )
    application = services.application_create(
        citizen=citizen,
        received_on=timezone.localdate() - datetime.timedelta(days=5),
        channel="phone",
        case_officer=officer,
        therapist=therapist,
        services=[
            services.ServiceRequest(codes["stad"], 60),
            services.ServiceRequest(codes["tvatt"], 30),
        ],
    )
    services.joint_visit_book(
        application=application,
        # Three days ago: the interventions below come after it.
        scheduled_at=timezone.now() - datetime.timedelta(days=3),
        case_officer=officer,
        therapist=therapist,
        expected_version=application.version,
    )
    return application


def test_a_track_2_case_goes_from_joint_visit_to_a_decision(
    login, page, live_server, assert_accessible, booked_case
):
    page.set_viewport_size(TABLET)
    login("arbetsterapeut")
    page.get_by_role("link", name="Astrid Lindqvist").click()
    page.get_by_role("link", name="Registrera det gemensamma besöket").click()

    page.get_by_label("Badrum").fill("Badkar utan stödhandtag")
    page.get_by_label("Mål 1 med medborgarens egna ord").fill("Kunna tvätta själv")
    page.get_by_label("Överenskomna åtgärder").fill("Prova tvättstuga med stöd")
    page.get_by_role("group", name="Potential till självständighet").get_by_label("Ja").check()
    page.get_by_role("group", name="Motiverad att träna").get_by_label("Ja").check()
    page.get_by_label("Resonemang om potentialen").fill("Vill och kan träna")
    assert_accessible(page)
    assert page.evaluate("document.documentElement.scrollWidth") <= TABLET["width"]
    page.get_by_role("button", name="Slutför besöket").click()
    expect(page.get_by_test_id("status")).to_have_text("Bedömd")

    # An instrument, entered with the keyboard alone.
    page.get_by_role("link", name="Instrument").click()
    page.get_by_role("link", name=re.compile("Timed Up and Go")).click()
    page.get_by_label("Tid i sekunder").focus()
    page.keyboard.type("14,2")
    page.keyboard.press("Tab")
    page.keyboard.press("Space")  # the first radio: walking aid used, yes
    page.get_by_role("button", name="Spara").focus()
    page.keyboard.press("Enter")
    expect(page.get_by_role("cell", name="14.2 s")).to_be_visible()
    page.get_by_role("link", name="Tillbaka till ärendet").click()

    page.get_by_role("link", name="Spår", exact=True).click()
    expect(
        page.get_by_text("Spår 2: aktivitets- och funktionsbedömning före beslut").first
    ).to_be_visible()
    page.get_by_role("button", name="Bekräfta spår").click()

    for day, kind in ((2, "Träning"), (1, "Råd")):
        page.get_by_label("Datum").fill(
            (timezone.localdate() - datetime.timedelta(days=day)).isoformat()
        )
        page.get_by_label("Typ").select_option(label=kind)
        page.get_by_label("Minuter").fill("45")
        assert_accessible(page)
        page.get_by_role("button", name="Registrera insats").click()
    expect(page.get_by_role("row").filter(has_text="Råd")).to_be_visible()
    expect(page.get_by_role("row").filter(has_text="Träning")).to_be_visible()

    page.goto(f"{live_server.url}/applications/{booked_case.public_id}/basis/")
    page.get_by_label("Sammanfattning av bedömningen").fill("Klarar tvätt med stöd.")
    page.get_by_label("Rekommenderade åtgärder").fill("Tvätt varannan vecka.")
    page.get_by_role("button", name="Lämna över till biståndshandläggaren").click()
    expect(page.get_by_test_id("status")).to_have_text("Inväntar beslut")

    page.get_by_role("button", name="Logga ut").click()
    login("handlaggare")
    page.get_by_role("link", name="Astrid Lindqvist").click()
    pdf = page.request.get(f"{live_server.url}/applications/{booked_case.public_id}/basis.pdf")
    assert pdf.ok and pdf.headers["content-type"] == "application/pdf"
    page.get_by_role("link", name="Registrera beslutet").click()
    expect(page.get_by_test_id("recommendations")).to_contain_text("Tvätt varannan vecka.")
    page.get_by_label("Lagrum").select_option(label="11 kap. 1 § socialtjänstlagen (2025:400)")
    page.get_by_label("Städ, beslut").select_option(label="Delvis beviljat")
    page.get_by_label("Städ, beviljade minuter per vecka").fill("45")
    page.get_by_label("Städ, skäl").fill("Klarar lättare städ själv.")
    page.get_by_label("Tvätt, beslut").select_option(label="Avslag")
    page.get_by_label("Tvätt, beviljade minuter per vecka").fill("0")
    page.get_by_label("Tvätt, skäl").fill("Tvättar själv med stöd.")
    assert_accessible(page)
    page.get_by_role("button", name="Registrera beslutet").click()
    expect(page.get_by_test_id("status")).to_have_text("Beslutad")
    expect(page.get_by_test_id("saved")).to_have_text("45")
