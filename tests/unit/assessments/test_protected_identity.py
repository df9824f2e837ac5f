"""Protected identity: no way around it through the admin site or the citizen form; set,
lifted, granted and revoked on pages of their own, by the roles allowed, with a reason that
the access log and the change history keep; a number found registered is a logged read."""

import pytest
from django.contrib import admin
from django.contrib.auth.models import Group
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.db.models import ForeignKey
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from assessments import services
from assessments.models import Citizen, ProtectedIdentityGrant
from rehab.models import AccessLogEntry, Team, User
from rehab.roles import Role
from tests.factories import received_case

pytestmark = pytest.mark.django_db

CASE_OFFICER, THERAPIST, MANAGER, ADMIN = "handlaggare", "arbetsterapeut", "enhetschef", "admin"
NUMBER = "19390227-5415"
OTHER_NUMBER = "19400307-3428"
Action = AccessLogEntry.Action


@pytest.fixture
def protected(demo_users):
    """A protected citizen of the demo team with a case (case officer Karin Lund)."""
    officer = demo_users[CASE_OFFICER]
    citizen = services.citizen_create(
        personal_number=NUMBER,
        team=officer.team,
        first_name="Hemlig",
        last_name="Persson",
        street_address="Gömd väg 1",
        protected_identity=True,
    )
    received_case(officer=officer, citizen=citizen)
    return Citizen.objects.get(pk=citizen.pk)


def login(client, demo_users, username):
    client.force_login(demo_users[username])
    return client


def rows(action):
    return list(AccessLogEntry.objects.filter(action=action).order_by("pk"))


# --- 1. The admin site shows no citizen data --------------------------------------------


def test_the_admin_site_has_no_grant_pages(client, demo_users, protected):
    login(client, demo_users, ADMIN)
    url = f"/admin/assessments/protectedidentitygrant/add/?citizen={protected.pk}"
    response = client.get(url)
    assert response.status_code == 404
    assert "Persson" not in response.content.decode()


def test_no_registered_admin_refers_to_a_citizen():
    citizen_models = {Citizen, ProtectedIdentityGrant, Citizen.history.model}
    for model, model_admin in admin.site._registry.items():
        assert model not in citizen_models, model
        related = {
            field.name
            for field in model._meta.get_fields()
            if isinstance(field, ForeignKey) and field.related_model in citizen_models
        }
        assert not related & set(model_admin.get_list_display(None) or []), model
        assert not set(model_admin.raw_id_fields) & related, model
        assert not set(model_admin.autocomplete_fields) & related, model


def test_the_admin_group_holds_no_grant_permissions(demo_users):
    codenames = set(
        Group.objects.get(name=Role.ADMIN.value).permissions.values_list("codename", flat=True)
    )
    assert not {c for c in codenames if "protectedidentitygrant" in c}


# --- 1. Granting and revoking access: the team's manager, on the app's own page ------------


def test_the_manager_lists_protected_citizens_by_reference_not_name(client, demo_users, protected):
    response = login(client, demo_users, MANAGER).get(reverse("assessments:protected_identities"))
    assert response.status_code == 200
    page = response.content.decode()
    assert str(protected.public_id)[:8] in page
    assert "Hemlig" not in page and "Persson" not in page and "Gömd" not in page
    assert protected.applications.get().get_kind_display() in page
    (listed,) = rows(Action.LIST)
    assert listed.citizen_ref == protected.public_id
    assert listed.user == demo_users[MANAGER]


@pytest.mark.parametrize("username", [CASE_OFFICER, THERAPIST, ADMIN])
def test_only_the_manager_may_grant(client, demo_users, protected, username):
    login(client, demo_users, username)
    url = reverse("assessments:citizen_grants", args=[protected.public_id])
    assert client.get(url).status_code == 403
    data = {"user": demo_users[CASE_OFFICER].pk, "reason": "Självbeviljad"}
    assert client.post(url, data).status_code == 403
    assert client.get(reverse("assessments:protected_identities")).status_code == 403
    assert not ProtectedIdentityGrant.objects.exists()


def test_a_manager_of_another_team_may_not_grant(client, demo_users, protected):
    other = User.objects.create_user("soder-chef", team=Team.objects.create(name="Söder"))
    other.groups.add(Group.objects.get(name=Role.MANAGER.value))
    client.force_login(other)
    url = reverse("assessments:citizen_grants", args=[protected.public_id])
    assert client.get(url).status_code == 403
    assert client.post(url, {"user": other.pk, "reason": "x"}).status_code == 403


def test_the_manager_grants_with_a_reason_and_it_is_logged(client, demo_users, protected):
    officer = demo_users[CASE_OFFICER]
    login(client, demo_users, MANAGER)
    url = reverse("assessments:citizen_grants", args=[protected.public_id])
    page = client.get(url).content.decode()
    assert "Karin Lund" in page and "Persson" not in page
    response = client.post(url, {"user": officer.pk, "reason": "Handlägger ansökan"})
    assert response.status_code == 302
    grant = ProtectedIdentityGrant.objects.get()
    assert (grant.citizen, grant.user, grant.granted_by) == (
        protected,
        officer,
        demo_users[MANAGER],
    )
    assert grant.reason == "Handlägger ansökan"
    (logged,) = rows(Action.GRANT)
    assert logged.citizen_ref == protected.public_id
    assert logged.reason == "Karin Lund: Handlägger ansökan"
    assert logged.purpose == "Hanterade behörighet till en skyddad identitet"

    client.force_login(officer)
    detail = client.get(reverse("assessments:citizen_detail", args=[protected.public_id]))
    assert "Hemlig Persson" in detail.content.decode()


def test_a_grant_needs_a_reason_and_a_member_of_the_team(client, demo_users, protected):
    outsider = User.objects.create_user("utomstaende", team=Team.objects.create(name="Norr"))
    outsider.groups.add(Group.objects.get(name=Role.CASE_OFFICER.value))
    login(client, demo_users, MANAGER)
    url = reverse("assessments:citizen_grants", args=[protected.public_id])
    response = client.post(url, {"user": demo_users[CASE_OFFICER].pk, "reason": ""})
    assert response.status_code == 200
    assert response.context["grant_form"].errors["reason"]
    response = client.post(url, {"user": outsider.pk, "reason": "Behöver"})
    assert response.context["grant_form"].errors["user"]
    assert not ProtectedIdentityGrant.objects.exists()
    assert not rows(Action.GRANT)


def test_the_manager_revokes_with_a_reason_and_it_is_logged(client, demo_users, protected):
    officer = demo_users[CASE_OFFICER]
    grant = services.identity_grant_create(
        citizen=protected, user=officer, granted_by=demo_users[MANAGER], reason="Handlägger"
    )
    login(client, demo_users, MANAGER)
    url = reverse("assessments:citizen_grants", args=[protected.public_id])
    response = client.post(url, {"revoke": "1", "grant": grant.pk, "reason": ""})
    assert response.status_code == 200
    assert ProtectedIdentityGrant.objects.exists()
    response = client.post(url, {"revoke": "1", "grant": grant.pk, "reason": "Ärendet avslutat"})
    assert response.status_code == 302
    assert not ProtectedIdentityGrant.objects.exists()
    (logged,) = rows(Action.REVOKE)
    assert logged.reason == "Karin Lund: Ärendet avslutat"


# --- 2. Protection is its own action, never a side effect of editing ----------------------


def test_editing_a_protected_citizen_does_not_lift_the_protection(client, demo_users, protected):
    login(client, demo_users, CASE_OFFICER)
    url = reverse("assessments:citizen_update", args=[protected.public_id])
    form = client.get(url).context["form"]
    assert "protected_identity" not in form.fields
    response = client.post(url, {"sex": "M", "version": protected.version, "lives_alone": "on"})
    assert response.status_code == 302
    protected.refresh_from_db()
    assert protected.protected_identity is True
    assert protected.lives_alone is True


def test_the_case_officer_sets_protection_with_a_reason(client, demo_users):
    officer = demo_users[CASE_OFFICER]
    citizen = services.citizen_create(
        personal_number=OTHER_NUMBER, team=officer.team, first_name="Astrid", last_name="Berg"
    )
    login(client, demo_users, CASE_OFFICER)
    url = reverse("assessments:citizen_protection", args=[citizen.public_id])
    detail = client.get(reverse("assessments:citizen_detail", args=[citizen.public_id]))
    assert url in detail.content.decode()
    response = client.post(url, {"reason": "", "version": citizen.version})
    assert response.status_code == 200 and response.context["form"].errors["reason"]
    response = client.post(url, {"reason": "Beslut från Skatteverket", "version": citizen.version})
    assert response.status_code == 302
    citizen.refresh_from_db()
    assert citizen.protected_identity is True
    latest = citizen.history.latest()
    assert latest.history_change_reason == "Beslut från Skatteverket"
    assert latest.history_user == officer
    (logged,) = rows(Action.PROTECT)
    assert (logged.citizen_ref, logged.reason) == (citizen.public_id, "Beslut från Skatteverket")
    assert logged.purpose == "Ändrade skyddad identitet"
    # Lifting it again is not the case officer's.
    assert client.get(url).status_code == 403
    assert client.post(url, {"reason": "Fel", "version": citizen.version}).status_code == 403


def test_only_the_manager_lifts_protection_and_the_grants_end(client, demo_users, protected):
    services.identity_grant_create(
        citizen=protected,
        user=demo_users[CASE_OFFICER],
        granted_by=demo_users[MANAGER],
        reason="Handlägger",
    )
    url = reverse("assessments:citizen_protection", args=[protected.public_id])
    for username in (CASE_OFFICER, THERAPIST, ADMIN):
        login(client, demo_users, username)
        assert client.post(url, {"reason": "x", "version": protected.version}).status_code == 403
    login(client, demo_users, MANAGER)
    page = client.get(url).content.decode()
    assert "Persson" not in page
    response = client.post(url, {"reason": "Skyddet har upphört", "version": protected.version})
    assert response.status_code == 302
    protected.refresh_from_db()
    assert protected.protected_identity is False
    assert not ProtectedIdentityGrant.objects.exists()
    assert protected.history.latest().history_change_reason == "Skyddet har upphört"
    (logged,) = rows(Action.UNPROTECT)
    assert logged.reason == "Skyddet har upphört"


def test_a_stale_protection_change_is_refused(client, demo_users, protected):
    login(client, demo_users, MANAGER)
    url = reverse("assessments:citizen_protection", args=[protected.public_id])
    response = client.post(url, {"reason": "Upphört", "version": protected.version - 1})
    assert response.status_code == 200
    assert response.context["form"].non_field_errors()
    protected.refresh_from_db()
    assert protected.protected_identity is True


# --- 3. "Registered already" is a read, and is logged (without the number) ----------------


def test_registering_a_number_of_another_team_logs_the_read(client, demo_users):
    team = Team.objects.create(name="Söder")
    other = services.citizen_create(
        personal_number=OTHER_NUMBER, team=team, first_name="Astrid", last_name="Söder"
    )
    login(client, demo_users, CASE_OFFICER)
    response = client.post(
        reverse("assessments:citizen_create"),
        {"personal_number": OTHER_NUMBER, "first_name": "A", "last_name": "S", "sex": "K"},
    )
    assert "annat team" in response.content.decode()
    (logged,) = rows(Action.CHECK)
    assert logged.citizen_ref == other.public_id
    assert logged.purpose == "Registrerade en medborgare"
    text = " ".join([logged.view, logged.purpose, logged.reason])
    assert "3428" not in text


def test_an_import_naming_another_teams_citizen_logs_the_read(client, demo_users):
    team = Team.objects.create(name="Söder")
    other = services.citizen_create(
        personal_number=OTHER_NUMBER, team=team, first_name="Astrid", last_name="Söder"
    )
    content = (
        "personnummer;fornamn;efternamn;inkom;arendetyp;kanal;stad\n"
        f"{OTHER_NUMBER};Astrid;Söder;2026-03-01;ansokan;telefon;60\n"
    ).encode()
    login(client, demo_users, CASE_OFFICER)
    response = client.post(
        reverse("assessments:import_applications"),
        {
            "file": SimpleUploadedFile("fil.csv", content, content_type="text/csv"),
            "action": "check",
        },
    )
    assert response.status_code == 200
    assert "annat team" in response.content.decode()
    (logged,) = rows(Action.CHECK)
    assert logged.citizen_ref == other.public_id
    assert logged.purpose == "Importerade ärenden från kalkylblad"


def test_the_managers_list_keeps_a_constant_number_of_queries(
    client, demo_users, protected, django_assert_max_num_queries
):
    login(client, demo_users, MANAGER)
    url = reverse("assessments:protected_identities")
    with CaptureQueriesContext(connection) as one:
        client.get(url)
    officer = demo_users[CASE_OFFICER]
    for number, name in (("19121212-1212", "Eva"), ("19400307-3428", "Astrid")):
        citizen = services.citizen_create(
            personal_number=number,
            team=officer.team,
            first_name=name,
            last_name="Lind",
            protected_identity=True,
        )
        received_case(officer=officer, citizen=citizen)
        services.identity_grant_create(
            citizen=citizen, user=officer, granted_by=demo_users[MANAGER], reason="Handlägger"
        )
    with django_assert_max_num_queries(len(one)):
        response = client.get(url)
    assert len(response.context["citizens"]) == 3


def test_the_citizen_page_shows_the_personnummer_only_with_the_name(client, demo_users, protected):
    from django.urls import reverse

    open_citizen = services.citizen_create(
        personal_number=OTHER_NUMBER,
        team=demo_users[CASE_OFFICER].team,
        first_name="Öppen",
        last_name="Person",
    )
    client = login(client, demo_users, CASE_OFFICER)
    page = client.get(reverse("assessments:citizen_detail", args=[open_citizen.public_id]))
    assert 'data-testid="personal-number">19400307-3428<' in page.content.decode()
    hidden = client.get(reverse("assessments:citizen_detail", args=[protected.public_id]))
    assert "19390227" not in hidden.content.decode()
    services.identity_grant_create(
        citizen=protected,
        user=demo_users[CASE_OFFICER],
        granted_by=demo_users[MANAGER],
        reason="Handlägger ärendet",
    )
    shown = client.get(reverse("assessments:citizen_detail", args=[protected.public_id]))
    assert 'data-testid="personal-number">19390227-5415<' in shown.content.decode()
