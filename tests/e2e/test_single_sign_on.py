"""Logging in through a real OpenID Connect provider (tests/oidc_provider, started by
bin/test), in the browser: a case officer and a manager (strong and weak assurance), the
role mapping, a person with no mapped role, a role changed at the provider, a person
switched off at the provider, and logout at both ends."""

import re
import time

import pytest
from playwright.sync_api import expect

from rehab.models import ClaimMapping, SignInEvent, Team, User
from rehab.roles import Role, roles_of
from tests.support.oidc_provider import LOA2, LOA3

pytestmark = pytest.mark.e2e

SSO_BUTTON = "Logga in med e-tjänstekort / kommunens inloggning"
OFFICER_GROUP, MANAGER_GROUP = "samrehab-handlaggare", "samrehab-enhetschef"
NORTH_UNIT = "SE2321000016-E001"


@pytest.fixture
def north(demo):
    """The municipality's mapping: two groups give roles, an HSA unit gives the team."""
    team = Team.objects.create(name="Handläggarenhet Norr")
    ClaimMapping.objects.create(value=OFFICER_GROUP, role=Role.CASE_OFFICER)
    ClaimMapping.objects.create(value=MANAGER_GROUP, role=Role.MANAGER)
    ClaimMapping.objects.create(value=NORTH_UNIT, team=team)
    return team


def person(hsa_id: str, given: str, family: str, groups: list[str]) -> dict:
    return {
        "hsa_id": hsa_id,
        "given_name": given,
        "family_name": family,
        "email": f"{given.lower()}@kommun.example",
        "groups": groups,
        "hsa_unit": NORTH_UNIT,
    }


def sso_login(page, live_server, account: str):
    page.goto(f"{live_server.url}/login/")
    page.get_by_role("link", name=SSO_BUTTON).click()
    expect(page).to_have_url(re.compile(r"^http://127\.0\.0\.1:\d+/interaction/"))
    page.get_by_label("Användar-id").fill(account)
    page.get_by_role("button", name="Logga in").click()
    page.wait_for_load_state()


def test_a_new_case_officer_logs_in_through_the_provider_and_lands_on_the_work_queue(
    page, live_server, oidc_provider, north, assert_accessible
):
    oidc_provider.put_account(
        "anna", claims=person("SE2321000016-H001", "Anna", "Berg", [OFFICER_GROUP]), acr=LOA2
    )
    page.goto(f"{live_server.url}/login/")
    assert_accessible(page)
    page.screenshot(path="var/sso-login-page.png")
    sso_login(page, live_server, "anna")

    expect(page.get_by_role("heading", level=1)).to_have_text("Arbetskö")
    expect(page.get_by_test_id("current-user")).to_contain_text("Anna Berg")
    user = User.objects.get(sso_subject="SE2321000016-H001")
    assert not user.has_usable_password()
    assert user.team == north
    assert roles_of(user) == [Role.CASE_OFFICER]
    events = list(SignInEvent.objects.filter(user=user).order_by("pk").values_list("event"))
    assert events == [("roles",), ("login",)]


def test_a_manager_with_siths_is_asked_for_no_one_time_code(
    page, live_server, oidc_provider, north
):
    oidc_provider.put_account(
        "bo",
        claims=person("SE2321000016-H002", "Bo", "Chef", [MANAGER_GROUP]),
        acr=LOA3,
        amr=["smartcard"],
    )
    sso_login(page, live_server, "bo")
    expect(page.get_by_role("heading", level=1)).to_have_text("Översikt")
    assert SignInEvent.objects.get(event="login").detail == "strong"


def test_a_manager_with_a_weak_login_still_gives_the_one_time_code(
    page, live_server, oidc_provider, north
):
    oidc_provider.put_account(
        "cilla", claims=person("SE2321000016-H003", "Cilla", "Chef", [MANAGER_GROUP]), acr=LOA2
    )
    sso_login(page, live_server, "cilla")
    expect(page).to_have_url(re.compile(r"/two-factor/"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Tvåfaktorsautentisering")


def test_someone_without_a_mapped_role_is_told_to_contact_the_administrator(
    page, live_server, oidc_provider, north
):
    oidc_provider.put_account(
        "dan", claims=person("SE2321000016-H004", "Dan", "Utan", ["ekonomi"]), acr=LOA3
    )
    sso_login(page, live_server, "dan")
    heading = page.get_by_role("heading", level=1)
    expect(heading).to_have_text("Ditt konto har ingen roll i Samrehab")
    expect(page.get_by_text("Kontakta systemförvaltaren", exact=False)).to_be_visible()
    page.screenshot(path="var/sso-no-role.png")
    assert not User.objects.filter(sso_subject="SE2321000016-H004").exists()
    refusal = SignInEvent.objects.get()
    assert (refusal.event, refusal.name, refusal.detail) == ("refused", "Dan Utan", "no_role")
    # Not signed in: the start page sends to the login page.
    page.goto(f"{live_server.url}/")
    expect(page).to_have_url(re.compile(r"/login/"))


def test_a_role_changed_at_the_provider_takes_effect_at_the_next_login(
    page, live_server, oidc_provider, north
):
    claims = person("SE2321000016-H005", "Eva", "Ek", [OFFICER_GROUP])
    oidc_provider.put_account("eva", claims=claims, acr=LOA3)
    sso_login(page, live_server, "eva")
    expect(page.get_by_role("heading", level=1)).to_have_text("Arbetskö")
    page.get_by_role("button", name="Logga ut").click()
    page.get_by_role("button", name="Ja, logga ut").click()
    expect(page).to_have_url(re.compile(r"/login/$"))

    oidc_provider.put_account("eva", claims={**claims, "groups": [MANAGER_GROUP]}, acr=LOA3)
    sso_login(page, live_server, "eva")
    expect(page.get_by_role("heading", level=1)).to_have_text("Översikt")
    user = User.objects.get(sso_subject="SE2321000016-H005")
    assert roles_of(user) == [Role.MANAGER]
    change = SignInEvent.objects.filter(event="roles").order_by("pk").last()
    assert change.detail == (
        "roles: case_officer -> manager; team: Handläggarenhet Norr -> Handläggarenhet Norr"
    )


def test_someone_switched_off_at_the_provider_loses_the_session_at_the_recheck(
    page, live_server, oidc_provider, north, settings
):
    settings.OIDC_RENEW_ID_TOKEN_EXPIRY_SECONDS = 2
    oidc_provider.put_account(
        "fia", claims=person("SE2321000016-H006", "Fia", "Fors", [OFFICER_GROUP]), acr=LOA3
    )
    sso_login(page, live_server, "fia")
    expect(page.get_by_role("heading", level=1)).to_have_text("Arbetskö")
    # Within the interval the provider is asked again silently and confirms her.
    time.sleep(2.5)
    page.reload()
    expect(page.get_by_role("heading", level=1)).to_have_text("Arbetskö")

    oidc_provider.disable("fia")
    time.sleep(2.5)
    page.reload()
    expect(page.get_by_role("heading", level=1)).to_have_text("Du kunde inte loggas in")
    page.goto(f"{live_server.url}/queue/")
    expect(page).to_have_url(re.compile(r"/login/"))
    refusal = SignInEvent.objects.get(event="refused")
    assert refusal.user.sso_subject == "SE2321000016-H006"


def test_logout_ends_the_session_here_and_at_the_provider(page, live_server, oidc_provider, north):
    oidc_provider.put_account(
        "gun", claims=person("SE2321000016-H007", "Gun", "Gran", [OFFICER_GROUP]), acr=LOA3
    )
    sso_login(page, live_server, "gun")
    expect(page.get_by_role("heading", level=1)).to_have_text("Arbetskö")
    page.get_by_role("button", name="Logga ut").click()
    expect(page).to_have_url(re.compile(r"^http://127\.0\.0\.1:\d+/session/end"))
    page.get_by_role("button", name="Ja, logga ut").click()
    expect(page).to_have_url(f"{live_server.url}/login/")
    assert list(SignInEvent.objects.order_by("pk").values_list("event", flat=True)) == [
        "roles",
        "login",
        "logout",
    ]
    # The provider's session is gone too: it asks who you are again.
    page.get_by_role("link", name=SSO_BUTTON).click()
    expect(page.get_by_label("Användar-id")).to_be_visible()


def test_an_htmx_poll_after_the_recheck_interval_sends_the_whole_page_round(
    page, live_server, oidc_provider, north, settings
):
    """The import and report pages poll with htmx; a poll cannot follow the provider's
    redirects, so it is told to send the whole page there, and the page comes back."""
    settings.OIDC_RENEW_ID_TOKEN_EXPIRY_SECONDS = 2
    oidc_provider.put_account(
        "hans", claims=person("SE2321000016-H008", "Hans", "Hed", [OFFICER_GROUP]), acr=LOA3
    )
    sso_login(page, live_server, "hans")
    expect(page.get_by_role("heading", level=1)).to_have_text("Arbetskö")
    time.sleep(2.5)
    poll = page.request.get(
        f"{live_server.url}/queue/",
        headers={"HX-Request": "true", "HX-Current-URL": f"{live_server.url}/queue/"},
        max_redirects=0,
    )
    assert poll.status == 204
    provider_url = poll.headers["hx-redirect"]
    assert provider_url.startswith(f"{oidc_provider.url}/auth?")
    assert "prompt=none" in provider_url
    page.goto(provider_url)
    expect(page).to_have_url(f"{live_server.url}/queue/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Arbetskö")
