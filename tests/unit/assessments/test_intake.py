import datetime
import re

import pytest
from django.urls import reverse
from django.utils import timezone

from assessments import services
from assessments.models import Application, Citizen, JointVisit, ServiceType
from rehab.models import AccessLogEntry, Team, User

pytestmark = pytest.mark.django_db

NUMBER = "19400307-3428"  # a valid test number, female
NUMBER_12 = "194003073428"


@pytest.fixture
def citizen(officer):
    return services.citizen_create(
        personal_number=NUMBER,
        team=officer.team,
        first_name="Astrid",
        last_name="Lind",
        street_address="Storgatan 1",
        postal_code="85230",
        city="Sundsvall",
    )


def catalogue():
    return {service.code: service for service in ServiceType.objects.all()}


def make_application(citizen, officer, therapist=None, received_on=None, **minutes):
    codes = catalogue()
    return services.application_create(
        citizen=citizen,
        received_on=received_on or timezone.localdate(),
        channel=Application.Channel.PHONE,
        case_officer=officer,
        therapist=therapist,
        services=[services.ServiceRequest(codes[code], value) for code, value in minutes.items()],
    )


def citizen_post(**overrides):
    data = {
        "personal_number": NUMBER,
        "first_name": "Astrid",
        "last_name": "Lind",
        "sex": "",
        "street_address": "Storgatan 1",
        "postal_code": "852 30",
        "city": "Sundsvall",
        "phone": "070-1740605",
        "lives_alone": "on",
        "next_of_kin_name": "Per Lind",
    }
    data.update(overrides)
    return data


def test_a_case_officer_registers_a_citizen_with_the_number_normalised(client, officer):
    client.force_login(officer)
    response = client.post(reverse("assessments:citizen_create"), citizen_post())
    citizen = Citizen.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("assessments:citizen_detail", args=[citizen.public_id])
    assert citizen.personal_number == NUMBER_12
    assert citizen.birth_date == datetime.date(1940, 3, 7)
    assert citizen.sex == Citizen.Sex.FEMALE
    assert citizen.postal_code == "85230"
    assert citizen.team == officer.team
    assert NUMBER_12 not in response["Location"]


@pytest.mark.parametrize(
    ("number", "message"),
    [
        ("19400307-3425", "Kontrollsiffran är fel"),
        ("19401307-3428", "Datumet i numret finns inte"),
        ("21400307-3428", "Århundradet 21 är inte möjligt"),
        ("1940-03-07", "Skriv numret som ÅÅÅÅMMDD-NNNN"),
    ],
)
def test_each_kind_of_bad_number_gets_its_own_swedish_message(client, officer, number, message):
    client.force_login(officer)
    response = client.post(
        reverse("assessments:citizen_create"), citizen_post(personal_number=number)
    )
    assert response.status_code == 200
    assert message in response.content.decode()
    assert not Citizen.objects.exists()


def test_the_same_number_twice_is_refused_with_a_link_to_the_existing_record(
    client, officer, citizen
):
    client.force_login(officer)
    response = client.post(
        reverse("assessments:citizen_create"),
        citizen_post(personal_number="400307-3428", first_name="Annan"),
    )
    page = response.content.decode()
    assert "redan registrerad" in page
    assert reverse("assessments:citizen_detail", args=[citizen.public_id]) in page
    assert Citizen.objects.count() == 1


def test_search_finds_by_number_and_by_name_without_the_number_in_the_url(client, officer, citizen):
    client.force_login(officer)
    url = reverse("assessments:citizen_search")
    by_number = client.post(url, {"query": "194003073428"}).content.decode()
    by_name = client.post(url, {"query": "astrid lin"}).content.decode()
    link = reverse("assessments:citizen_detail", args=[citizen.public_id])
    assert link in by_number and link in by_name
    assert NUMBER_12 not in link


def test_an_application_with_three_services_is_logged(client, officer, therapist, citizen):
    client.force_login(officer)
    data = {
        "kind": "ansokan",
        "received_on": "1/3 2026",
        "channel": "phone",
        "case_officer": officer.pk,
        "therapist": therapist.pk,
        "applied_trygghetslarm": "on",
        "applied_dusch": "on",
        "minutes_dusch": "45",
        "applied_stad": "on",
        "minutes_stad": "60",
    }
    response = client.post(
        reverse("assessments:application_create", args=[citizen.public_id]), data
    )
    assert response.status_code == 302, response.content.decode()
    application = Application.objects.get()
    rows = {row.service.code: row.minutes_per_week for row in application.applied_services.all()}
    assert rows == {"trygghetslarm": None, "dusch": 45, "stad": 60}
    assert application.received_on == datetime.date(2026, 3, 1)
    assert application.status == Application.Status.RECEIVED


def test_missing_minutes_are_reported_next_to_the_service(client, officer, citizen):
    client.force_login(officer)
    data = {
        "kind": "ansokan",
        "received_on": "2026-03-01",
        "channel": "phone",
        "case_officer": officer.pk,
        "applied_dusch": "on",
        "minutes_dusch": "",
        "existing_services": "Hemtjänst två gånger i veckan",
    }
    response = client.post(
        reverse("assessments:application_create", args=[citizen.public_id]), data
    )
    page = response.content.decode()
    assert response.status_code == 200
    assert "Ange ansökta minuter per vecka för Dusch." in page
    assert "Hemtjänst två gånger i veckan" in page  # what was typed is kept
    assert not Application.objects.exists()


def test_booking_the_joint_visit_moves_the_application_and_shows_it_in_the_queue(
    client, officer, therapist, citizen
):
    application = make_application(citizen, officer, dusch=45)
    client.force_login(officer)
    when = timezone.localdate() + datetime.timedelta(days=3)
    response = client.post(
        reverse("assessments:visit_book", args=[application.public_id]),
        {
            "date": when.isoformat(),
            "time": "10:30",
            "case_officer": officer.pk,
            "therapist": therapist.pk,
            "version": application.version,
        },
    )
    assert response.status_code == 302
    application.refresh_from_db()
    assert application.status == Application.Status.VISIT_BOOKED
    visit = JointVisit.objects.get()
    assert timezone.localtime(visit.scheduled_at).strftime("%H:%M") == "10:30"
    queue = client.get(reverse("assessments:work_queue")).content.decode()
    assert "Astrid Lind" in queue and "Besök bokat" in queue
    client.force_login(therapist)
    assert "Astrid Lind" in client.get(reverse("assessments:my_visits")).content.decode()


def test_a_stale_version_is_refused_and_nothing_is_overwritten(client, officer, citizen):
    application = make_application(citizen, officer, dusch=45)
    url = reverse("assessments:application_update", args=[application.public_id])
    form = {
        "kind": "ansokan",
        "received_on": "2026-03-01",
        "channel": "letter",
        "case_officer": officer.pk,
        "applied_dusch": "on",
        "version": application.version,
    }
    client.force_login(officer)
    first = client.post(url, {**form, "minutes_dusch": "30"})
    assert first.status_code == 302
    second = client.post(url, {**form, "minutes_dusch": "90", "existing_services": "Mitt"})
    page = second.content.decode()
    assert second.status_code == 200
    assert "Någon annan har sparat" in page
    assert "Mitt" in page  # the second user's typing is still in the form
    application.refresh_from_db()
    assert application.version == 2
    assert application.applied_services.get().minutes_per_week == 30


def test_the_service_layer_refuses_a_stale_citizen_version(citizen):
    services.citizen_update(citizen=citizen, expected_version=1, phone="070-1740606")
    stale = Citizen.objects.get(pk=citizen.pk)
    stale.version = 1
    with pytest.raises(services.ConflictError):
        services.citizen_update(citizen=stale, expected_version=1, phone="070-1740607")
    assert Citizen.objects.get(pk=citizen.pk).phone == "070-1740606"


def test_other_teams_citizens_and_applications_are_not_found(client, officer, citizen):
    other_team = Team.objects.create(name="Team Söder")
    outsider = User.objects.create_user("annan", team=other_team)
    outsider.groups.add(*officer.groups.all())
    application = make_application(citizen, officer, dusch=30)
    client.force_login(outsider)
    assert (
        client.get(reverse("assessments:citizen_detail", args=[citizen.public_id])).status_code
        == 404
    )
    assert (
        client.get(
            reverse("assessments:application_detail", args=[application.public_id])
        ).status_code
        == 404
    )
    assert "Astrid" not in client.get(reverse("assessments:work_queue")).content.decode()


def test_a_therapist_sees_only_assigned_applications(client, officer, therapist, citizen):
    assigned = make_application(citizen, officer, therapist=therapist, dusch=30)
    other = make_application(citizen, officer, stad=30)
    client.force_login(therapist)
    assert (
        client.get(reverse("assessments:application_detail", args=[assigned.public_id])).status_code
        == 200
    )
    assert (
        client.get(reverse("assessments:application_detail", args=[other.public_id])).status_code
        == 404
    )
    assert client.get(reverse("assessments:citizen_create")).status_code == 403


def test_protected_identity_hides_name_and_address(client, officer):
    protected = services.citizen_create(
        personal_number="19390512-2382",
        team=officer.team,
        first_name="Hemlig",
        last_name="Person",
        street_address="Dold väg 9",
        protected_identity=True,
    )
    make_application(protected, officer, dusch=30)
    client.force_login(officer)
    page = client.get(
        reverse("assessments:citizen_detail", args=[protected.public_id])
    ).content.decode()
    queue = client.get(reverse("assessments:work_queue")).content.decode()
    for text in (page, queue):
        assert "Hemlig" not in text and "Dold väg" not in text
        assert "Skyddad identitet" in text


def test_reads_of_a_citizen_are_access_logged(client, officer, citizen):
    client.force_login(officer)
    client.get(reverse("assessments:citizen_detail", args=[citizen.public_id]))
    entry = AccessLogEntry.objects.get(action="read")
    assert entry.user == officer
    assert entry.citizen_ref == citizen.public_id
    assert entry.view == "assessments:citizen_detail"
    assert entry.roles == "case_officer"
    with pytest.raises(ValueError):
        entry.save()


def test_the_number_never_appears_in_a_page_title(client, officer, citizen):
    client.force_login(officer)
    for name in ("citizen_detail", "citizen_update", "application_create"):
        page = client.get(reverse(f"assessments:{name}", args=[citizen.public_id]))
        title = re.search(r"<title>(.*?)</title>", page.content.decode(), re.S).group(1)
        assert "3428" not in title


def _fill_queue(officer, therapist, count):
    team = officer.team
    citizens = Citizen.objects.bulk_create(
        Citizen(
            personal_number=f"1940{i:08d}",
            first_name=f"Namn{i}",
            last_name="Test",
            sex="K",
            birth_date=datetime.date(1940, 1, 1),
            team=team,
            protected_identity=i % 7 == 0,
        )
        for i in range(count)
    )
    dusch = ServiceType.objects.get(code="dusch")
    for i, citizen in enumerate(citizens):
        application = Application.objects.create(
            citizen=citizen,
            received_on=datetime.date(2026, 1, 1),
            channel="phone",
            case_officer=officer,
            therapist=therapist,
            team=team,
            status=Application.Status.VISIT_BOOKED if i % 2 else Application.Status.RECEIVED,
        )
        application.applied_services.create(service=dusch, minutes_per_week=30)
        JointVisit.objects.create(
            application=application,
            scheduled_at=timezone.now(),
            case_officer=officer,
            therapist=therapist,
        )


@pytest.mark.parametrize("url_name", ["assessments:work_queue", "assessments:my_visits"])
def test_list_pages_run_the_same_number_of_queries_at_10_and_200_rows(
    client, officer, therapist, django_assert_num_queries, url_name
):
    user = officer if url_name.endswith("work_queue") else therapist
    client.force_login(user)
    counts = []
    for size in (10, 200):
        Citizen.objects.all().delete()
        _fill_queue(officer, therapist, size)
        from django.db import connection
        from django.test.utils import CaptureQueriesContext

        with CaptureQueriesContext(connection) as queries:
            response = client.get(reverse(url_name), {"scope": "team"})
        assert response.status_code == 200
        counts.append(len(queries))
    assert counts[0] == counts[1], counts


def test_the_change_history_shows_who_changed_what(client, officer, citizen):
    application = make_application(citizen, officer, dusch=45)
    client.force_login(officer)
    client.post(
        reverse("assessments:application_update", args=[application.public_id]),
        {
            "kind": "ansokan",
            "received_on": "2026-03-01",
            "channel": "letter",
            "case_officer": officer.pk,
            "applied_dusch": "on",
            "minutes_dusch": "30",
            "version": application.version,
        },
    )
    history = client.get(reverse("assessments:application_history", args=[application.public_id]))
    entries = history.context["entries"]
    change = next(e for e in entries if e["changes"])
    assert change["who"] == officer
    assert {c["field"] for c in change["changes"]} >= {"kanal"}
    assert any(c["old"] == "Telefon" and c["new"] == "Brev" for c in change["changes"])
