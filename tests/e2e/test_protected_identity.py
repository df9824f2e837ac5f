"""Protected identity in the browser: the case officer protects a citizen, the manager gives
the case officer access to the name, and the administrator reads both in the access log."""

import os

import pytest
from playwright.sync_api import expect

from assessments import services

pytestmark = pytest.mark.e2e

SHOTS = os.environ.get("E2E_SCREENSHOTS", "")


def shot(page, name):
    if SHOTS:
        page.screenshot(path=f"{SHOTS}/{name}.png", full_page=True)


def test_protect_grant_and_review(login, live_server, demo, assert_accessible):
    officer = demo["handlaggare"]
    citizen = services.citizen_create(
        personal_number="19390227-5415", team=officer.team, first_name="Hemlig", last_name="Persson"
    )
    page = login("handlaggare")
    page.goto(f"{live_server.url}/citizens/{citizen.public_id}/")
    page.get_by_role("link", name="Markera skyddad identitet").click()
    assert_accessible(page)
    page.get_by_label("Skäl").fill("Beslut från Skatteverket")
    shot(page, "1-protect")
    page.get_by_role("button", name="Markera skyddad identitet").click()
    expect(page.get_by_text("Medborgaren har nu skyddad identitet.")).to_be_visible()
    expect(page.get_by_role("heading", level=1)).to_have_text("Skyddad identitet")
    shot(page, "2-protected-detail")

    page.context.clear_cookies()
    page = login("enhetschef")
    page.get_by_role("link", name="Skyddade identiteter").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Skyddade identiteter")
    expect(page.get_by_text("Persson")).to_have_count(0)
    assert_accessible(page)
    shot(page, "3-manager-list")
    page.get_by_role("link", name="Behörighet till namnet").first.click()
    page.get_by_label("Medarbetare").select_option(label="Karin Lund (Biståndshandläggare)")
    page.get_by_label("Skäl").fill("Handlägger ansökan")
    page.get_by_role("button", name="Ge behörighet").click()
    expect(page.get_by_text("Behörigheten till namnet gavs.")).to_be_visible()
    assert_accessible(page)
    shot(page, "4-granted")

    page.context.clear_cookies()
    page = login("handlaggare")
    page.goto(f"{live_server.url}/citizens/{citizen.public_id}/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Hemlig Persson")

    page.context.clear_cookies()
    page = login("admin")
    response = page.goto(f"{live_server.url}/admin/assessments/protectedidentitygrant/add/")
    assert response.status == 404
    page.goto(f"{live_server.url}/system/access-log/")
    page.get_by_label("Personnummer eller samordningsnummer").fill("19390227-5415")
    page.get_by_role("button", name="Filtrera på medborgare").click()
    expect(page.get_by_test_id("filtered-citizen")).to_contain_text("Skyddad identitet")
    log = page.get_by_test_id("access-log")
    expect(log).to_contain_text("Gav behörighet till namnet")
    expect(log).to_contain_text("Karin Lund: Handlägger ansökan")
    expect(log).to_contain_text("Beslut från Skatteverket")
    expect(log).to_contain_text("Lars Holm")
    expect(log).not_to_contain_text("assessments:")
    assert_accessible(page)
    shot(page, "5-review")
