"""Browser tests: Playwright drives Debian's Chromium (headless) against a live server."""

import os
import shutil

import pytest
from axe_playwright_python.sync_playwright import Axe

from rehab.demo import DEMO_PASSWORD, ensure_demo_users

CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")


@pytest.fixture(scope="session", autouse=True)
def _allow_orm_beside_playwright():
    """Playwright's sync API runs an event loop in this thread, so Django would refuse the
    test's own (synchronous) ORM calls and the database flush between tests. Allowed for the
    browser tests only."""
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
        yield


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    if not shutil.which(CHROMIUM):
        pytest.fail(f"Chromium not found at {CHROMIUM}; bin/test installs Debian's chromium")
    return {
        **browser_type_launch_args,
        "executable_path": CHROMIUM,
        "headless": True,
        "args": [
            "--no-sandbox",
            "--disable-gpu",
            "--disable-quic",
            "--no-first-run",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
        ],
    }


@pytest.fixture(scope="session")
def browser_context_args(browser_context_args):
    return {**browser_context_args, "locale": "sv-SE", "viewport": {"width": 1280, "height": 900}}


@pytest.fixture
def demo(transactional_db):
    return {user.username: user for user in ensure_demo_users()}


@pytest.fixture
def login(page, live_server, demo):
    def login_as(username: str):
        page.goto(f"{live_server.url}/login/")
        page.get_by_label("Användarnamn").fill(username)
        page.get_by_label("Lösenord").fill(DEMO_PASSWORD)
        page.get_by_role("button", name="Logga in").click()
        page.wait_for_load_state()
        return page

    return login_as


@pytest.fixture(scope="session")
def axe():
    return Axe()


@pytest.fixture
def assert_accessible(axe):
    """No serious or critical axe-core violations (WCAG 2.1 AA rules) on the current page."""

    def check(page):
        results = axe.run(
            page,
            options={
                "runOnly": {
                    "type": "tag",
                    "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "best-practice"],
                }
            },
        )
        bad = [
            f"{v['id']} ({v['impact']}): {v['help']} at {[n['target'] for n in v['nodes']]}"
            for v in results.response["violations"]
            if v["impact"] in {"serious", "critical"}
        ]
        assert bad == [], "\n".join(bad)

    return check


@pytest.fixture(autouse=True)
def _no_content_security_policy_violations(page):
    """Every browser test also proves the pages need nothing the CSP forbids."""
    violations = []
    page.on(
        "console",
        lambda message: (
            violations.append(message.text) if "Content Security Policy" in message.text else None
        ),
    )
    yield
    assert violations == []


@pytest.fixture
def oidc_provider(settings, live_server):
    """Single sign-on through the real test provider, as a municipality would set it up:
    the person is matched on the HSA-id claim, roles come from the groups claim, LoA3
    counts as strong, and managers must otherwise give a one-time code."""
    from tests.support.oidc_provider import (
        CLIENT_ID,
        CLIENT_SECRET,
        LOA3,
        TestProvider,
        provider_url,
    )

    url = provider_url()
    settings.OIDC_ISSUER = url
    settings.OIDC_RP_CLIENT_ID = CLIENT_ID
    settings.OIDC_RP_CLIENT_SECRET = CLIENT_SECRET
    settings.OIDC_RP_SCOPES = "openid profile email groups hsa"
    settings.OIDC_ID_CLAIM = "hsa_id"
    settings.OIDC_GROUP_CLAIMS = ["groups", "hsa_unit"]
    settings.OIDC_STRONG_METHODS = [LOA3]
    settings.TWO_FACTOR_ROLES = ["manager", "admin"]
    return TestProvider(url)
