"""The citizen's home-care area (hemtjänstområde): chosen among the team's areas on the
registration and change forms, shown on the citizen's page, read from the intake import."""

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import translation

from assessments import imports, services
from assessments.models import Citizen, HomeCareArea
from rehab.models import Team

pytestmark = pytest.mark.django_db

HEADER = ["personnummer", "fornamn", "efternamn", "inkom", "kanal", "dusch", "hemtjänstområde"]


@pytest.fixture
def areas(officer):
    other_team = Team.objects.create(name="Team Söder")
    return {
        "norra": HomeCareArea.objects.create(team=officer.team, name="Norra"),
        "centrum": HomeCareArea.objects.create(team=officer.team, name="Centrum"),
        "retired": HomeCareArea.objects.create(team=officer.team, name="Gamla", active=False),
        "other": HomeCareArea.objects.create(team=other_team, name="Söder"),
    }


def _registration(**fields):
    return {
        "personal_number": "19400307-3428",
        "first_name": "Astrid",
        "last_name": "Lund",
        "sex": "",
        **fields,
    }


def test_registration_offers_only_the_active_areas_of_the_officers_team(client, officer, areas):
    client.force_login(officer)
    form = client.get(reverse("assessments:citizen_create")).context["form"]
    choices = [label for _value, label in form.fields["home_care_area"].choices]
    assert choices == ["Ej angivet", "Centrum", "Norra"]

    response = client.post(
        reverse("assessments:citizen_create"), _registration(home_care_area=areas["norra"].pk)
    )
    assert response.status_code == 302
    citizen = Citizen.objects.get()
    assert citizen.home_care_area == areas["norra"]
    page = client.get(reverse("assessments:citizen_detail", args=[citizen.public_id]))
    assert "Norra" in page.content.decode()


def test_an_area_of_another_team_is_refused_next_to_the_field(client, officer, areas):
    client.force_login(officer)
    response = client.post(
        reverse("assessments:citizen_create"), _registration(home_care_area=areas["other"].pk)
    )
    assert response.status_code == 200
    assert response.context["form"].errors["home_care_area"] == [
        "Välj ett hemtjänstområde i medborgarens team."
    ]
    assert not Citizen.objects.exists()


def test_the_change_form_keeps_a_retired_area_the_citizen_has(client, officer, areas):
    citizen = services.citizen_create(
        personal_number="19400307-3428",
        team=officer.team,
        first_name="Astrid",
        last_name="Lund",
        home_care_area=areas["retired"],
    )
    client.force_login(officer)
    url = reverse("assessments:citizen_update", args=[citizen.public_id])
    form = client.get(url).context["form"]
    assert [label for _v, label in form.fields["home_care_area"].choices] == [
        "Ej angivet",
        "Centrum",
        "Gamla",
        "Norra",
    ]
    response = client.post(
        url,
        {
            "version": citizen.version,
            "first_name": "Astrid",
            "last_name": "Lund",
            "sex": "K",
            "home_care_area": areas["centrum"].pk,
        },
    )
    assert response.status_code == 302
    citizen.refresh_from_db()
    assert (citizen.home_care_area, citizen.version) == (areas["centrum"], 2)


def test_the_service_refuses_an_area_of_another_team(officer, areas):
    citizen = services.citizen_create(
        personal_number="19400307-3428", team=officer.team, first_name="A", last_name="Lund"
    )
    with pytest.raises(ValidationError) as refused:
        services.citizen_update(
            citizen=citizen, expected_version=citizen.version, home_care_area=areas["other"]
        )
    assert list(refused.value.message_dict) == ["home_care_area"]
    assert Citizen.objects.get().home_care_area is None


def _csv(*rows) -> bytes:
    lines = [";".join(HEADER), *(";".join(values) for values in rows)]
    return ("\r\n".join(lines) + "\r\n").encode()


def test_the_import_reads_the_area_by_name_within_the_team(officer, areas):
    content = _csv(
        ["19380412-2384", "Märta", "Åberg", "2026-03-01", "telefon", "60", "norra"],
        ["19411130-1919", "Göran", "Öhman", "2026-03-01", "telefon", "60", ""],
    )
    report = imports.parse_file(name="cases.csv", content=content, team_id=officer.team_id)
    assert report.errors == []
    imports.import_rows(report=report, actor=officer, only_valid=False)
    assert dict(Citizen.objects.values_list("first_name", "home_care_area__name")) == {
        "Märta": "Norra",
        "Göran": None,
    }


def test_an_unknown_or_other_teams_area_is_an_error_of_its_row(officer, areas):
    content = _csv(
        ["19380412-2384", "Märta", "Åberg", "2026-03-01", "telefon", "60", "Söder"],
        ["19411130-1919", "Göran", "Öhman", "2026-03-01", "telefon", "60", "Centrum"],
    )
    with translation.override("sv"):
        report = imports.parse_file(name="cases.csv", content=content, team_id=officer.team_id)
        errors = [(number, column, str(message)) for number, column, message in report.errors]
    assert errors == [
        (
            2,
            "hemtjanstomrade",
            "Teamet har inget hemtjänstområde som heter Söder; dess områden är: Centrum, Norra.",
        )
    ]
    assert [row.row_number for row in report.importable_rows] == [3]
