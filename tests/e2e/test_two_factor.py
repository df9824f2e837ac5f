import re

import pytest
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice
from playwright.sync_api import expect

pytestmark = pytest.mark.e2e


def test_a_manager_sets_up_two_factor_authentication_and_reaches_the_overview(
    login, page, settings, assert_accessible
):
    settings.TWO_FACTOR_ROLES = ["manager", "admin"]
    login("enhetschef")
    expect(page).to_have_url(re.compile(r"/two-factor/"))
    expect(page.get_by_test_id("totp-key")).to_be_visible()
    assert_accessible(page)
    device = TOTPDevice.objects.get(user__username="enhetschef")
    token = totp(device.bin_key, step=device.step, t0=device.t0, digits=device.digits)
    page.get_by_label("Sexsiffrig kod från din autentiseringsapp").fill(f"{token:06d}")
    page.get_by_role("button", name="Bekräfta").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Översikt")
