"""Single sign-on's rules without the provider: who a set of claims lets in, with which
roles and team, what is recorded, when the one-time code is skipped, and the login page.
The whole flow through a real provider is tests/e2e/test_single_sign_on.py."""

import subprocess
import sys

import pytest
from django.urls import reverse

from rehab import services
from rehab.models import ClaimMapping, SignInEvent, Team, User
from rehab.roles import Role, roles_of
from rehab.sso import is_strong
from rehab.two_factor import STRONG_LOGIN_SESSION_KEY
from tests.unit.rehab.test_settings_and_deployment import (
    BASE_DIR,
    PRODUCTION_ENV,
    clean_environment,
)

pytestmark = pytest.mark.django_db

LOA3 = "http://id.sambi.se/loa/loa3"


@pytest.fixture
def mapping(demo_users, settings):
    settings.OIDC_ID_CLAIM = "hsa_id"
    settings.OIDC_GROUP_CLAIMS = ["groups", "hsa_unit"]
    north = Team.objects.create(name="Handläggarenhet Norr")
    ClaimMapping.objects.create(value="handlaggare", role=Role.CASE_OFFICER)
    ClaimMapping.objects.create(value="chef", role=Role.MANAGER)
    ClaimMapping.objects.create(value="E001", team=north)
    return north


def claims(hsa_id="SE2321000016-H001", groups=("handlaggare",), **extra):
    return {
        "sub": "opaque-1",
        "hsa_id": hsa_id,
        "given_name": "Anna",
        "family_name": "Berg",
        "email": "anna@kommun.example",
        "groups": list(groups),
        "hsa_unit": "E001",
        **extra,
    }


def sign_in(values):
    return services.sso_sign_in(claims=values, address="10.0.0.7")


def events():
    return list(SignInEvent.objects.order_by("pk").values_list("event", "detail"))


def test_a_first_login_creates_the_user_with_the_mapped_role_and_team(mapping):
    user = sign_in(claims()).user
    assert user.sso_subject == "SE2321000016-H001"
    assert (user.first_name, user.last_name, user.team) == ("Anna", "Berg", mapping)
    assert not user.has_usable_password()
    assert roles_of(user) == [Role.CASE_OFFICER]
    assert events() == [
        ("roles", "roles: - -> case_officer; team: - -> Handläggarenhet Norr"),
    ]
    assert SignInEvent.objects.get().ip_address == "10.0.0.7"


def test_people_are_matched_on_the_identifier_never_on_the_e_mail(mapping, officer):
    officer.email = "anna@kommun.example"
    officer.save()
    first = sign_in(claims()).user
    assert first.pk != officer.pk
    again = sign_in(claims(email="ny.adress@kommun.example")).user
    assert again.pk == first.pk
    assert User.objects.filter(sso_subject__isnull=False).count() == 1


def test_no_mapped_role_is_refused_and_creates_nobody(mapping):
    outcome = sign_in(claims(hsa_id="SE2321000016-H009", groups=["ekonomi"]))
    assert (outcome.user, outcome.refusal) == (None, "no_role")
    assert not User.objects.filter(sso_subject="SE2321000016-H009").exists()
    refusal = SignInEvent.objects.get()
    assert (refusal.event, refusal.name, refusal.subject) == (
        "refused",
        "Anna Berg",
        "SE2321000016-H009",
    )


def test_roles_follow_the_provider_at_each_login(mapping):
    user = sign_in(claims()).user
    assert roles_of(sign_in(claims(groups=["chef"])).user) == [Role.MANAGER]
    # Every role taken away at the provider: the roles go here too, and the login is refused.
    assert sign_in(claims(groups=[])).refusal == "no_role"
    user.refresh_from_db()
    assert list(user.groups.values_list("name", flat=True)) == []
    assert [event for event, _ in events()] == ["roles", "roles", "roles", "refused"]
    team = "Handläggarenhet Norr"
    assert events()[2] == ("roles", f"roles: manager -> -; team: {team} -> {team}")


def test_a_team_the_claims_do_not_name_stays_as_the_administrator_set_it(mapping):
    user = sign_in(claims()).user
    south = Team.objects.create(name="Söder")
    user.team = south
    user.save()
    values = claims()
    del values["hsa_unit"]
    assert sign_in(values).user.team == south


def test_an_account_switched_off_here_is_refused(mapping):
    user = sign_in(claims()).user
    user.is_active = False
    user.save()
    assert sign_in(claims()).refusal == "inactive"


def test_a_personnummer_as_identifier_is_never_written_to_the_log(mapping, settings):
    settings.OIDC_ID_CLAIM = "sub"
    user = sign_in(claims(sub="19121212-1212")).user
    assert user.sso_subject == "19121212-1212"
    assert "1212" not in user.username
    assert set(SignInEvent.objects.values_list("subject", flat=True)) == {"[personnummer]"}


def test_no_identifier_is_refused(mapping):
    values = claims()
    del values["hsa_id"]
    assert sign_in(values).refusal == "no_identifier"


def test_strong_means_a_configured_acr_or_amr_value(settings):
    settings.OIDC_STRONG_METHODS = [LOA3, "smartcard"]
    assert is_strong({"acr": LOA3})
    assert is_strong({"acr": "loa2", "amr": ["pwd", "smartcard"]})
    assert not is_strong({"acr": "loa2", "amr": ["pwd"]})
    settings.OIDC_STRONG_METHODS = []
    assert not is_strong({"acr": LOA3})


def test_a_strong_login_needs_no_one_time_code(client, demo_users, settings):
    settings.TWO_FACTOR_ROLES = ["manager"]
    client.force_login(demo_users["enhetschef"])
    assert client.get(reverse("followup:overview")).status_code == 302
    session = client.session
    session[STRONG_LOGIN_SESSION_KEY] = True
    session.save()
    assert client.get(reverse("followup:overview")).status_code == 200


def test_the_login_page_offers_single_sign_on_only_when_configured(client, settings):
    button = "Logga in med e-tjänstekort / kommunens inloggning"
    page = client.get(reverse("login")).content.decode()
    assert button not in page and 'name="password"' in page
    settings.OIDC_ISSUER = "https://idp.kommun.example"
    settings.OIDC_RP_CLIENT_ID = "samrehab"
    page = client.get(reverse("login")).content.decode()
    assert button in page and 'name="password"' in page
    settings.LOCAL_LOGIN = False
    page = client.get(reverse("login")).content.decode()
    assert button in page and 'name="password"' not in page


def test_forms_may_continue_to_the_provider_when_configured(client, settings):
    """Logout's redirect goes on to the provider's end-session page."""
    settings.OIDC_ISSUER = "https://idp.kommun.example/realms/x"
    settings.OIDC_RP_CLIENT_ID = "samrehab"
    policy = client.get(reverse("login"))["Content-Security-Policy"]
    assert "form-action 'self' https://idp.kommun.example;" in policy + ";"


def test_a_bare_callback_goes_to_the_login_page_and_logs_nobody_out(client, officer):
    client.force_login(officer)
    response = client.get(reverse("oidc_authentication_callback"))
    assert (response.status_code, response["Location"]) == (302, reverse("login"))
    assert "_auth_user_id" in client.session


def test_the_refusal_page_says_what_to_do(client):
    session = client.session
    session["samrehab_sso_refusal"] = "no_role"
    session.save()
    page = client.get(reverse("sso_refused")).content.decode()
    assert "Ditt konto har ingen roll i Samrehab" in page
    assert "Kontakta systemförvaltaren" in page


@pytest.mark.parametrize(
    ("extra", "message"),
    [
        ({"OIDC_ISSUER": "http://idp.kommun.example"}, "OIDC_ISSUER must be an https://"),
        ({"LOCAL_LOGIN": "false"}, "LOCAL_LOGIN=false needs single sign-on"),
    ],
)
def test_production_refuses_an_unsafe_single_sign_on_setup(extra, message):
    result = subprocess.run(
        [sys.executable, "manage.py", "check"],
        cwd=BASE_DIR,
        env={**clean_environment(), **PRODUCTION_ENV, **extra},
        capture_output=True,
        text=True,
    )
    assert result.returncode != 0
    assert message in result.stderr


SSO_ONLY = {
    "OIDC_ISSUER": "https://idp.region.example.se/oidc",
    "OIDC_CLIENT_ID": "samrehab",
    "OIDC_CLIENT_SECRET": "a-secret",
    "LOCAL_LOGIN": "false",
}


def test_production_with_single_sign_on_only_passes_the_deployment_check():
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=BASE_DIR,
        env={**clean_environment(), **PRODUCTION_ENV, **SSO_ONLY},
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_without_local_login_no_backend_checks_a_password():
    code = (
        "import django; django.setup(); from django.conf import settings; "
        "print(','.join(settings.AUTHENTICATION_BACKENDS))"
    )
    output = subprocess.run(
        [sys.executable, "-c", code],
        cwd=BASE_DIR,
        env={**clean_environment(), **PRODUCTION_ENV, **SSO_ONLY},
        capture_output=True,
        text=True,
        check=True,
    ).stdout.strip()
    assert output.split(",") == [
        "axes.backends.AxesStandaloneBackend",
        "rules.permissions.ObjectPermissionBackend",
        "rehab.sso.SingleSignOnBackend",
    ]
