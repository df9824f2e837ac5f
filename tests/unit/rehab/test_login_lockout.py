"""The lockout behind the TLS proxy: per user name and client address, plus a limit per
address across names; the client address read from the trusted proxy's header."""

import pytest
from django.test import Client, RequestFactory
from django.urls import reverse

from rehab.client_address import client_ip

pytestmark = pytest.mark.django_db

PROXY = "10.0.0.2"


@pytest.fixture
def behind_one_proxy(settings):
    settings.TRUSTED_PROXY_COUNT = 1


def via_proxy(client_address: str, spoofed: str = "") -> Client:
    """A browser at ``client_address`` whose requests reach the app through our proxy,
    which appends that address to X-Forwarded-For (after whatever the browser sent)."""
    forwarded = f"{spoofed}, {client_address}" if spoofed else client_address
    return Client(REMOTE_ADDR=PROXY, HTTP_X_FORWARDED_FOR=forwarded)


def fail(client, username="handlaggare", times=1):
    for _ in range(times):
        client.post(reverse("login"), {"username": username, "password": "fel"})


def logs_in(client, password, username="handlaggare") -> bool:
    response = client.post(reverse("login"), {"username": username, "password": password})
    return response.status_code == 302


def test_the_client_is_the_address_the_trusted_proxy_saw(settings):
    request = RequestFactory().get(
        "/", REMOTE_ADDR=PROXY, HTTP_X_FORWARDED_FOR="6.6.6.6, 198.51.100.7"
    )
    settings.TRUSTED_PROXY_COUNT = 0
    assert client_ip(request) == PROXY
    settings.TRUSTED_PROXY_COUNT = 1
    assert client_ip(request) == "198.51.100.7"
    settings.TRUSTED_PROXY_COUNT = 2
    assert client_ip(request) == "6.6.6.6"
    settings.TRUSTED_PROXY_COUNT = 3  # fewer entries than proxies: the header is not trusted
    assert client_ip(request) == PROXY


def test_a_stranger_cannot_lock_out_a_named_user(behind_one_proxy, demo_users, demo_password):
    stranger = via_proxy("203.0.113.66")
    fail(stranger, times=6)
    assert not logs_in(stranger, demo_password)  # the stranger's address is locked for her
    colleague_desk = via_proxy("198.51.100.10")
    assert logs_in(colleague_desk, demo_password)


def test_a_spoofed_header_does_not_escape_the_lockout(behind_one_proxy, demo_users, demo_password):
    for n in range(6):
        fail(via_proxy("203.0.113.66", spoofed=f"192.0.2.{n}"))
    assert not logs_in(via_proxy("203.0.113.66", spoofed="192.0.2.99"), demo_password)


def test_one_address_trying_many_names_is_locked(
    behind_one_proxy, settings, demo_users, demo_password
):
    settings.LOGIN_ADDRESS_FAILURE_LIMIT = 8
    guesser = via_proxy("203.0.113.77")
    for name in ("a", "b", "c", "d", "e", "f", "g", "h"):
        fail(guesser, username=name)
    assert not logs_in(guesser, demo_password)
    assert logs_in(via_proxy("198.51.100.11"), demo_password)


def test_the_access_log_records_the_client_not_the_proxy(behind_one_proxy, officer):
    from assessments import services
    from rehab.models import AccessLogEntry

    citizen = services.citizen_create(
        personal_number="19400307-3428", team=officer.team, first_name="Astrid", last_name="Lind"
    )
    browser = via_proxy("198.51.100.23", spoofed="192.0.2.1")
    browser.force_login(officer)
    assert (
        browser.get(reverse("assessments:citizen_detail", args=[citizen.public_id])).status_code
        == 200
    )
    assert list(AccessLogEntry.objects.values_list("ip_address", flat=True)) == ["198.51.100.23"]
