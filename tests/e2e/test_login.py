import re

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.e2e

START_PAGES = [
    ("handlaggare", "/queue/", "Arbetskö"),
    ("arbetsterapeut", "/visits/", "Mina besök"),
    ("fysioterapeut", "/visits/", "Mina besök"),
    ("enhetschef", "/overview/", "Översikt"),
    ("admin", "/system/", "Systemförvaltning"),
]


def test_login_page_is_accessible(page, live_server, assert_accessible):
    page.goto(f"{live_server.url}/login/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Logga in i Samrehab")
    assert_accessible(page)


@pytest.mark.parametrize(("username", "path", "heading"), START_PAGES)
def test_each_demo_role_logs_in_to_its_accessible_start_page(
    login, live_server, assert_accessible, username, path, heading
):
    page = login(username)
    expect(page).to_have_url(re.compile(re.escape(path) + "$"))
    expect(page.get_by_role("heading", level=1)).to_have_text(heading)
    assert_accessible(page)


def test_a_wrong_password_shows_a_swedish_error(page, live_server, demo):
    page.goto(f"{live_server.url}/login/")
    page.get_by_label("Användarnamn").fill("handlaggare")
    page.get_by_label("Lösenord").fill("fel lösenord")
    page.get_by_role("button", name="Logga in").click()
    expect(
        page.get_by_test_id("error-summary").get_by_text(
            "Ange ett korrekt användarnamn och lösenord"
        )
    ).to_be_visible()


def test_logging_out_returns_to_the_login_page(login, live_server):
    page = login("handlaggare")
    page.get_by_role("button", name="Logga ut").click()
    expect(page).to_have_url(re.compile(r"/login/$"))
    page.goto(f"{live_server.url}/queue/")
    expect(page).to_have_url(re.compile(r"/login/\?next=/queue/$"))


def test_the_user_can_switch_to_english(login):
    page = login("handlaggare")
    page.get_by_label("Språk").select_option("en")
    page.get_by_role("button", name="Byt språk").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Work queue")
