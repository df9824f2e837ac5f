"""The test OpenID Connect provider (tests/oidc_provider/server.js, the oidc-provider
package): bin/test starts it on a free loopback port before the browser tests and gives
its address in SAMREHAB_OIDC_PROVIDER_URL. Its accounts are set through its loopback admin
interface; nothing of the protocol is imitated here."""

import os
from dataclasses import dataclass
from urllib.parse import quote

import pytest
import requests

CLIENT_ID = "samrehab"
CLIENT_SECRET = "test-secret"
# Sambi's levels of assurance, as the test provider knows them.
LOA3 = "http://id.sambi.se/loa/loa3"
LOA2 = "http://id.sambi.se/loa/loa2"


@dataclass
class TestProvider:
    url: str

    def _send(self, method: str, path: str, body: dict | None = None) -> None:
        response = requests.request(method, f"{self.url}{path}", json=body, timeout=10)
        assert response.status_code == 204, response.status_code

    def put_account(self, sub: str, *, claims: dict, acr: str = LOA2, amr=("pwd",)) -> None:
        """Create or replace an account (the claims its user info gives, and how it logs in)."""
        body = {"claims": claims, "acr": acr, "amr": list(amr)}
        self._send("PUT", f"/admin/accounts/{quote(sub, safe='')}", body)

    def disable(self, sub: str) -> None:
        self._send("POST", f"/admin/accounts/{quote(sub, safe='')}/disable")


def provider_url() -> str:
    """The running provider's address; its absence fails the test (bin/test starts it)."""
    url = os.environ.get("SAMREHAB_OIDC_PROVIDER_URL")
    if not url:
        pytest.fail(
            "SAMREHAB_OIDC_PROVIDER_URL is not set: bin/test starts the test OpenID provider "
            "(node tests/oidc_provider/server.js PORT) and sets it"
        )
    return url.rstrip("/")
