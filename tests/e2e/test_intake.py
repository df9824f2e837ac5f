import datetime
import re

import pytest
from django.utils import timezone
from playwright.sync_api import expect

pytestmark = pytest.mark.e2e


def test_a_case_officer_registers_logs_books_and_finds_the_case_in_the_queue(
    login, live_server, assert_accessible
):
    page = login("handlaggare")
    page.get_by_role("link", name="Nytt ärende").click()
    page.get_by_label("Personnummer eller namn").fill("19400307-3428")
    page.get_by_role("button", name="Sök").click()
    expect(page.get_by_text("Ingen medborgare hittades.")).to_be_visible()
    assert_accessible(page)
    page.get_by_role("button", name="Registrera ny medborgare med det här numret").click()
    # The number searched for comes along (in the POST body, never in a URL).
    assert "3428" not in page.url
    expect(page.get_by_label("Personnummer eller samordningsnummer")).to_have_value("19400307-3428")
    page.get_by_label("Förnamn").fill("Astrid")
    page.get_by_label("Efternamn").fill("Lindqvist")
    page.get_by_label("Gatuadress").fill("Storgatan 1")
    page.get_by_label("Postnummer").fill("852 30")
    page.get_by_label("Ort").fill("Sundsvall")
    page.get_by_label("Ensamboende").check()
    assert_accessible(page)
    page.get_by_role("button", name="Spara").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Astrid Lindqvist")
    assert "194003073428" not in page.url and "3428" not in page.url
    assert_accessible(page)

    page.get_by_role("link", name="Registrera ärende").click()
    page.get_by_label("Kanal").select_option(label="Telefon")
    page.get_by_label("Trygghetslarm").check()
    page.get_by_label("Dusch", exact=True).check()
    page.get_by_label("Dusch, minuter per vecka").fill("45")
    page.get_by_label("Städ", exact=True).check()
    page.get_by_label("Städ, minuter per vecka").fill("60")
    page.get_by_label("Arbetsterapeut").select_option(label="Ahmed Berg")
    assert_accessible(page)
    page.get_by_role("button", name="Spara").click()
    expect(page.get_by_test_id("status")).to_have_text("Inkommen")
    expect(page.get_by_role("rowheader", name="Städ")).to_be_visible()

    page.get_by_role("link", name="Boka gemensamt hembesök").click()
    visit_day = timezone.localdate() + datetime.timedelta(days=2)
    page.get_by_label("Datum").fill(visit_day.isoformat())
    page.get_by_label("Tid").fill("10:30")
    assert_accessible(page)
    page.get_by_role("button", name="Boka").click()
    expect(page.get_by_test_id("status")).to_have_text("Besök bokat")

    page.get_by_role("link", name="Arbetskö").click()
    row = page.get_by_role("row").filter(has_text="Astrid Lindqvist")
    expect(row).to_contain_text("Besök bokat")
    expect(row).to_contain_text(visit_day.isoformat())
    assert_accessible(page)
    for url in page.evaluate("performance.getEntriesByType('navigation').map(e => e.name)"):
        assert "3428" not in url


def test_a_bad_personnummer_gets_a_clear_error_next_to_the_field(login, live_server):
    page = login("handlaggare")
    page.goto(f"{live_server.url}/citizens/new/")
    page.get_by_label("Personnummer eller samordningsnummer").fill("19400307-3425")
    page.get_by_label("Förnamn").fill("Bertil")
    page.get_by_label("Efternamn").fill("Ek")
    page.get_by_role("button", name="Spara").click()
    field = page.get_by_label("Personnummer eller samordningsnummer")
    expect(field).to_have_attribute("aria-invalid", "true")
    # Next to the field, and linked from the error summary at the top.
    expect(
        page.locator(".invalid-feedback").get_by_text(re.compile("Kontrollsiffran är fel"))
    ).to_be_visible()
    expect(
        page.get_by_test_id("error-summary").get_by_role(
            "link", name=re.compile("Kontrollsiffran är fel")
        )
    ).to_be_visible()
    expect(page.get_by_label("Förnamn")).to_have_value("Bertil")
