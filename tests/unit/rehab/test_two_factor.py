import pytest
from django.urls import reverse
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def required_for_managers_and_admins(settings):
    settings.TWO_FACTOR_ROLES = ["manager", "admin"]


def code(device: TOTPDevice) -> str:
    return f"{totp(device.bin_key, step=device.step, t0=device.t0, digits=device.digits):06d}"


def log_in(client, username, password):
    return client.post(reverse("login"), {"username": username, "password": password})


def test_production_requires_it_for_managers_and_admins():
    from rehab.settings import base

    assert base.TWO_FACTOR_ROLES == ["manager", "admin"]


def test_a_manager_sets_up_an_authenticator_then_gets_in(client, demo_users, demo_password):
    log_in(client, "enhetschef", demo_password)
    response = client.get(reverse("followup:overview"))
    assert response.status_code == 302 and response["Location"].startswith("/two-factor/")
    page = client.get(response["Location"])
    assert page.context["setting_up"] and page.context["key"]
    device = TOTPDevice.objects.get(user=demo_users["enhetschef"])
    done = client.post(f"{reverse('two_factor')}?next=/overview/", {"token": code(device)})
    assert done.status_code == 302 and done["Location"] == "/overview/"
    device.refresh_from_db()
    assert device.confirmed
    assert client.get(reverse("followup:overview")).status_code == 200


def test_every_page_and_the_admin_wait_for_the_code(client, demo_users, demo_password):
    device = TOTPDevice.objects.create(user=demo_users["admin"], name="app", confirmed=True)
    log_in(client, "admin", demo_password)
    for url in ("/system/", "/admin/", "/reports/"):
        response = client.get(url)
        assert response.status_code == 302 and "/two-factor/" in response["Location"], url
    assert not client.get(reverse("two_factor")).context["setting_up"]
    client.post(reverse("two_factor"), {"token": code(device)})
    assert client.get("/system/").status_code == 200


def test_a_wrong_code_is_refused_next_to_the_field(client, demo_users, demo_password):
    TOTPDevice.objects.create(user=demo_users["enhetschef"], name="app", confirmed=True)
    log_in(client, "enhetschef", demo_password)
    wrong = client.post(reverse("two_factor"), {"token": "000000"})
    assert wrong.status_code == 200 and wrong.context["form"].errors["token"]
    assert client.get(reverse("followup:overview")).status_code == 302


def test_other_roles_log_in_with_the_password_alone(client, demo_users, demo_password):
    log_in(client, "handlaggare", demo_password)
    assert client.get(reverse("assessments:work_queue")).status_code == 200


def test_a_case_officer_may_turn_it_on_and_is_then_asked_for_the_code(
    client, demo_users, demo_password
):
    device = TOTPDevice.objects.create(user=demo_users["handlaggare"], name="app", confirmed=True)
    log_in(client, "handlaggare", demo_password)
    response = client.get(reverse("assessments:work_queue"))
    assert response.status_code == 302 and "/two-factor/" in response["Location"]
    client.post(reverse("two_factor"), {"token": code(device)})
    assert client.get(reverse("assessments:work_queue")).status_code == 200


@pytest.mark.parametrize(
    "next_url",
    ["//evil.example/", "/\\evil.example/", "https://evil.example/", "///evil.example/"],
)
def test_after_the_code_only_a_path_on_this_site_is_followed(
    client, demo_users, demo_password, next_url
):
    log_in(client, "enhetschef", demo_password)
    client.get(reverse("two_factor"))
    device = TOTPDevice.objects.get(user=demo_users["enhetschef"])
    done = client.post(
        reverse("two_factor"), {"token": code(device)}, QUERY_STRING=f"next={next_url}"
    )
    assert done.status_code == 302
    assert done["Location"] == "/"
