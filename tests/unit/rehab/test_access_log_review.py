"""Access-log review (logguppföljning): who may see it, filters, flags, exports, GDPR report."""

import csv
import datetime
import io
import uuid
from unittest import mock

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from assessments import services
from assessments.models import Citizen
from rehab.accesslog import NOT_FLAGGED, access_flags
from rehab.models import AccessLogEntry

pytestmark = pytest.mark.django_db

ADMIN, CASE_OFFICER, THERAPIST, MANAGER = "admin", "handlaggare", "arbetsterapeut", "enhetschef"
OWN_NUMBER = "19121212-1212"
PROTECTED_NUMBER = "19390227-5415"
LIST_URL = "/system/access-log/"


def entry(user, citizen_ref, action=AccessLogEntry.Action.READ, at=None, view="x:detail"):
    """A log row written at ``at``: the clock is set, since the log is append-only (on
    PostgreSQL a trigger refuses any later UPDATE of its rows)."""
    protected, outside_team = access_flags(user, [citizen_ref]).get(str(citizen_ref), NOT_FLAGGED)
    with mock.patch("django.utils.timezone.now", return_value=at or timezone.now()):
        return AccessLogEntry.objects.create(
            user=user,
            roles=",".join(user.groups.values_list("name", flat=True)),
            citizen_ref=citizen_ref,
            action=action,
            view=view,
            ip_address="10.0.0.1",
            protected_identity=protected,
            outside_team=outside_team,
        )


@pytest.fixture
def citizens(demo_users):
    team = demo_users[CASE_OFFICER].team
    own = services.citizen_create(
        personal_number=OWN_NUMBER, team=team, first_name="Eva", last_name="Lind"
    )
    protected = services.citizen_create(
        personal_number=PROTECTED_NUMBER,
        team=team,
        first_name="Hemlig",
        last_name="Person",
        protected_identity=True,
    )
    Citizen.objects.filter(pk=protected.pk).update(protected_identity=True)
    return {"own": own.public_id, "protected": protected.public_id}


@pytest.fixture
def admin_client(client, demo_users):
    client.force_login(demo_users[ADMIN])
    return client


def rows(response):
    return response.context["page"].object_list


def test_the_system_page_links_to_the_review(admin_client):
    assert LIST_URL in admin_client.get(reverse("system")).content.decode()


def test_admin_sees_entries_newest_first(admin_client, demo_users, citizens):
    officer = demo_users[CASE_OFFICER]
    first = entry(officer, citizens["own"], at=timezone.now() - datetime.timedelta(hours=2))
    second = entry(officer, citizens["own"], action=AccessLogEntry.Action.UPDATE)
    response = admin_client.get(reverse("access_log"))
    assert response.status_code == 200
    assert [e.pk for e in rows(response)] == [second.pk, first.pk]
    page = response.content.decode()
    assert "<h1>" in page
    assert str(citizens["own"])[:8] in page
    assert str(citizens["own"]) not in page  # only the short pseudonymous reference
    assert "Lind" not in page


@pytest.mark.parametrize("username", [CASE_OFFICER, MANAGER, THERAPIST])
def test_other_roles_are_refused(client, demo_users, username):
    client.force_login(demo_users[username])
    for name in ("access_log", "access_log_export", "citizen_access_report"):
        assert client.get(reverse(name)).status_code == 403, name
    assert (
        client.post(reverse("citizen_access_report"), {"personal_number": OWN_NUMBER}).status_code
        == 403
    )
    assert not AccessLogEntry.objects.filter(action=AccessLogEntry.Action.EXPORT).exists()


def test_anonymous_goes_to_login(client):
    response = client.get(reverse("access_log"))
    assert response.status_code == 302 and "/login/" in response["Location"]


def test_filter_by_user_and_period(admin_client, demo_users, citizens):
    officer, therapist = demo_users[CASE_OFFICER], demo_users[THERAPIST]
    now = timezone.now()
    old = entry(officer, citizens["own"], at=now - datetime.timedelta(days=40))
    recent = entry(officer, citizens["own"], at=now - datetime.timedelta(days=2))
    by_therapist = entry(therapist, citizens["own"], at=now - datetime.timedelta(days=2))

    response = admin_client.get(reverse("access_log"), {"user": officer.username})
    assert {e.pk for e in rows(response)} == {old.pk, recent.pk}

    start = timezone.localdate() - datetime.timedelta(days=10)
    response = admin_client.get(
        reverse("access_log"), {"user": officer.username, "date_from": start.isoformat()}
    )
    assert [e.pk for e in rows(response)] == [recent.pk]

    end = timezone.localdate() - datetime.timedelta(days=30)
    response = admin_client.get(reverse("access_log"), {"date_to": end.isoformat()})
    assert [e.pk for e in rows(response)] == [old.pk]

    response = admin_client.get(reverse("access_log"), {"user": therapist.username})
    assert [e.pk for e in rows(response)] == [by_therapist.pk]


def test_a_period_that_ends_before_it_starts_shows_an_error(admin_client, demo_users, citizens):
    entry(demo_users[CASE_OFFICER], citizens["own"])
    response = admin_client.get(
        reverse("access_log"), {"date_from": "2026-02-01", "date_to": "2026-01-01"}
    )
    assert response.status_code == 200
    assert response.context["form"].errors
    assert list(rows(response)) == []


def test_the_citizen_filter_never_puts_the_number_in_a_url(admin_client, demo_users, citizens):
    officer = demo_users[CASE_OFFICER]
    for _ in range(60):
        entry(officer, citizens["own"])
    other = entry(officer, citizens["protected"])
    digits = OWN_NUMBER.replace("-", "")
    response = admin_client.post(
        reverse("access_log") + f"?user={officer.username}", {"personal_number": OWN_NUMBER}
    )
    assert response.status_code == 302
    location = response["Location"]
    for fragment in (OWN_NUMBER, digits, digits[2:], OWN_NUMBER[2:]):
        assert fragment not in location
    assert f"user={officer.username}" in location and "c=" in location

    page = admin_client.get(location)
    shown = rows(page)
    assert len(shown) == 50 and other.pk not in {e.pk for e in shown}
    assert (page.context["page"].count, page.context["page"].more) == (60, False)
    html = page.content.decode()
    older = page.context["page"].older
    assert f"older={older}" in html
    for fragment in (OWN_NUMBER, digits, digits[2:], OWN_NUMBER[2:]):
        assert fragment not in html
    # Page links keep the opaque token, so the second page is still filtered.
    token = location.split("c=")[1].split("&")[0]
    second = admin_client.get(location + f"&older={older}")
    assert len(rows(second)) == 10
    assert f"c={token}" in html

    cleared = admin_client.post(location, {"clear": "1"})
    assert cleared.status_code == 302 and "c=" not in cleared["Location"]


def test_an_unknown_citizen_number_is_refused_next_to_the_field(admin_client, citizens):
    response = admin_client.post(reverse("access_log"), {"personal_number": "19400307-3428"})
    assert response.status_code == 200
    assert response.context["citizen_form"].errors["personal_number"]
    response = admin_client.post(reverse("access_log"), {"personal_number": "nonsense"})
    assert response.context["citizen_form"].errors["personal_number"]


def test_a_forged_token_matches_nothing(admin_client, demo_users, citizens):
    entry(demo_users[CASE_OFFICER], citizens["own"])
    response = admin_client.get(reverse("access_log"), {"c": "forged"})
    assert list(rows(response)) == []
    assert response.context["unknown_token"]


def test_protected_and_other_team_reads_are_flagged(
    admin_client, demo_users, citizens, other_team_objects
):
    officer = demo_users[CASE_OFFICER]
    plain = entry(officer, citizens["own"])
    protected = entry(officer, citizens["protected"])
    other_team = entry(officer, other_team_objects["citizens"])
    gone = entry(officer, uuid.uuid4())
    response = admin_client.get(reverse("access_log"))
    flags = {e.pk: (e.protected, e.outside_team) for e in rows(response)}
    assert flags == {
        plain.pk: (False, False),
        protected.pk: (True, False),
        other_team.pk: (False, True),
        gone.pk: (False, False),
    }
    html = response.content.decode()
    assert 'data-flag="protected"' in html and 'data-flag="outside-team"' in html

    flagged = admin_client.get(reverse("access_log"), {"flagged": "on"})
    assert {e.pk for e in rows(flagged)} == {protected.pk, other_team.pk}


def read_csv(response):
    if response.streaming:
        text = b"".join(response.streaming_content).decode("utf-8-sig")
    else:
        text = response.content.decode("utf-8-sig")
    return list(csv.DictReader(io.StringIO(text), delimiter=";"))


def test_csv_export_has_the_rows_and_is_logged(
    admin_client, demo_users, citizens, other_team_objects
):
    officer, admin = demo_users[CASE_OFFICER], demo_users[ADMIN]
    entry(officer, citizens["own"])
    entry(officer, citizens["protected"])
    entry(officer, other_team_objects["citizens"])
    entry(demo_users[THERAPIST], citizens["own"])
    response = admin_client.get(reverse("access_log_export"), {"user": officer.username})
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    assert response.streaming  # written as it is read, whatever the number of rows
    data = read_csv(response)
    assert list(data[0]) == [
        "at",
        "user",
        "roles",
        "action",
        "view",
        "ip_address",
        "citizen_ref",
        "protected",
        "outside_team",
        "full_name",
        "purpose",
        "reason",
    ]
    assert len(data) == 3 and {row["user"] for row in data} == {officer.username}
    by_ref = {row["citizen_ref"]: row for row in data}
    assert by_ref[str(citizens["protected"])]["protected"] == "1"
    assert by_ref[str(other_team_objects["citizens"])]["outside_team"] == "1"
    assert by_ref[str(citizens["own"])]["protected"] == "0"

    exports = AccessLogEntry.objects.filter(action=AccessLogEntry.Action.EXPORT)
    assert {e.citizen_ref for e in exports} == {
        citizens["own"],
        citizens["protected"],
        other_team_objects["citizens"],
    }
    assert {e.user_id for e in exports} == {admin.pk}
    assert all(e.view == "access_log_export" for e in exports)


def test_the_export_writes_its_log_in_one_query(admin_client, demo_users, citizens):
    officer = demo_users[CASE_OFFICER]
    entry(officer, citizens["own"])
    entry(officer, citizens["protected"])
    with CaptureQueriesContext(connection) as queries:
        admin_client.get(reverse("access_log_export"))
    inserts = [
        q
        for q in queries.captured_queries
        if "INSERT" in q["sql"] and "accesslog" in q["sql"].lower()
    ]
    assert len(inserts) == 1


def test_gdpr_report_lists_exactly_that_citizens_readers(admin_client, demo_users, citizens):
    officer, therapist, admin = (
        demo_users[CASE_OFFICER],
        demo_users[THERAPIST],
        demo_users[ADMIN],
    )
    read_by_officer = entry(officer, citizens["own"])
    read_by_therapist = entry(therapist, citizens["own"], action=AccessLogEntry.Action.UPDATE)
    entry(officer, citizens["protected"])

    form = admin_client.get(reverse("citizen_access_report"))
    assert form.status_code == 200 and "<h1>" in form.content.decode()

    response = admin_client.post(reverse("citizen_access_report"), {"personal_number": OWN_NUMBER})
    assert response.status_code == 200
    assert [e.pk for e in response.context["entries"]] == [read_by_therapist.pk, read_by_officer.pk]
    html = response.content.decode()
    assert officer.get_full_name() in html and therapist.get_full_name() in html
    assert "Occupational therapist" in html or "Arbetsterapeut" in html
    export = AccessLogEntry.objects.get(action=AccessLogEntry.Action.EXPORT)
    assert export.citizen_ref == citizens["own"] and export.user == admin

    download = admin_client.post(
        reverse("citizen_access_report"), {"personal_number": OWN_NUMBER, "format": "csv"}
    )
    assert download["Content-Type"].startswith("text/csv")
    data = read_csv(download)
    # The first report is itself in the log now, and listed.
    assert [row["user"] for row in data] == [admin.username, therapist.username, officer.username]
    assert data[1]["full_name"] == therapist.get_full_name()
    assert AccessLogEntry.objects.filter(action=AccessLogEntry.Action.EXPORT).count() == 2


def test_the_gdpr_report_refuses_an_unknown_number(admin_client, citizens):
    response = admin_client.post(
        reverse("citizen_access_report"), {"personal_number": "19400307-3428"}
    )
    assert response.status_code == 200
    assert response.context["citizen_form"].errors["personal_number"]
    assert response.context["entries"] is None
    assert not AccessLogEntry.objects.exists()


def count_queries(client, url):
    client.get(url)  # warm up the session and caches
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


def test_the_list_runs_the_same_number_of_queries_for_10_and_200_entries(
    admin_client, demo_users, citizens, other_team_objects
):
    users = [demo_users[CASE_OFFICER], demo_users[THERAPIST], demo_users[MANAGER]]
    refs = [citizens["own"], citizens["protected"], other_team_objects["citizens"]]

    def add(n):
        AccessLogEntry.objects.bulk_create(
            AccessLogEntry(
                user=users[i % 3],
                roles="case_officer",
                citizen_ref=refs[i % 3] if i % 4 else uuid.uuid4(),
                action=AccessLogEntry.Action.READ,
                view="x:detail",
            )
            for i in range(n)
        )

    url = reverse("access_log")
    add(10)
    small = count_queries(admin_client, url)
    add(190)
    large = count_queries(admin_client, url)
    assert small == large
    older = admin_client.get(url).context["page"].older
    assert count_queries(admin_client, url + f"?older={older}") == large
    assert count_queries(admin_client, url + "?flagged=on") == large


@pytest.mark.parametrize("typed", ['=HYPERLINK("http://x")', "+1+2", "-2+3", "@SUM(A1)"])
def test_csv_cells_that_look_like_formulas_are_written_as_text(
    admin_client, demo_users, citizens, typed
):
    officer = demo_users[CASE_OFFICER]
    officer.first_name, officer.last_name = typed, "Lind"
    officer.save(update_fields=["first_name", "last_name"])
    entry(officer, citizens["own"], view=typed)
    download = admin_client.post(
        reverse("citizen_access_report"), {"personal_number": OWN_NUMBER, "format": "csv"}
    )
    data = read_csv(download)
    by_officer = next(row for row in data if row["user"] == officer.username)
    assert by_officer["full_name"] == f"'{typed} Lind"
    assert by_officer["view"] == f"'{typed}"
    export = read_csv(admin_client.get(reverse("access_log_export")))
    assert {row["view"] for row in export if row["user"] == officer.username} == {f"'{typed}"}


def test_older_and_newer_pages_split_entries_of_the_same_moment_exactly(
    admin_client, demo_users, citizens
):
    officer = demo_users["handlaggare"]
    # 120 entries of one and the same moment: only the id orders them.
    moment = datetime.datetime(2026, 11, 2, 9, 30, 15, 123456, tzinfo=datetime.UTC)
    with mock.patch("django.utils.timezone.now", return_value=moment):
        AccessLogEntry.objects.bulk_create(
            AccessLogEntry(
                user=officer,
                roles="case_officer",
                citizen_ref=citizens["own"],
                action=AccessLogEntry.Action.READ,
                view="x:detail",
            )
            for _ in range(120)
        )
    assert set(AccessLogEntry.objects.filter(view="x:detail").values_list("at", flat=True)) == {
        moment
    }
    url = reverse("access_log")
    ids = list(
        AccessLogEntry.objects.filter(view="x:detail").order_by("-pk").values_list("pk", flat=True)
    )

    first = admin_client.get(url, {"user": officer.username}).context["page"]
    second = admin_client.get(url, {"user": officer.username, "older": first.older}).context["page"]
    third = admin_client.get(url, {"user": officer.username, "older": second.older}).context["page"]
    pages = [[entry.pk for entry in page] for page in (first, second, third)]
    assert pages == [ids[:50], ids[50:100], ids[100:]]
    assert (first.newer, third.older) == (None, None)
    back = admin_client.get(url, {"user": officer.username, "newer": third.newer}).context["page"]
    assert [entry.pk for entry in back] == ids[50:100]
    top = admin_client.get(url, {"user": officer.username, "newer": back.newer}).context["page"]
    assert [entry.pk for entry in top] == ids[:50] and top.newer is None


@pytest.mark.parametrize(
    "cursor", ["", "abc", "1.2.3", "-5.1", "9" * 30 + ".1", "1700000000000000"]
)
def test_a_malformed_cursor_shows_the_newest_page(admin_client, demo_users, citizens, cursor):
    entry(demo_users["handlaggare"], citizens["own"])
    response = admin_client.get(reverse("access_log"), {"older": cursor})
    assert response.status_code == 200
    assert len(response.context["page"]) >= 1


def test_a_long_log_is_counted_only_up_to_the_limit(
    admin_client, demo_users, citizens, monkeypatch
):
    from rehab import paging

    monkeypatch.setattr(paging, "COUNT_LIMIT", 5)
    for _ in range(7):
        entry(demo_users["handlaggare"], citizens["own"])
    html = admin_client.get(reverse("access_log")).content.decode()
    assert "Fler än 5 poster" in html


def test_a_read_keeps_the_flags_of_the_moment_it_was_made(client, demo_users):
    officer = demo_users[CASE_OFFICER]
    citizen = services.citizen_create(
        personal_number=OWN_NUMBER, team=officer.team, first_name="Eva", last_name="Lind"
    )
    client.force_login(officer)
    detail = reverse("assessments:citizen_detail", args=[citizen.public_id])
    assert client.get(detail).status_code == 200
    before = AccessLogEntry.objects.get(citizen_ref=citizen.public_id, user=officer)
    assert (before.protected_identity, before.outside_team) == (False, False)

    services.citizen_set_protection(
        citizen=citizen, protected=True, reason="Hot", expected_version=citizen.version
    )
    assert client.get(detail).status_code == 200
    after = AccessLogEntry.objects.filter(citizen_ref=citizen.public_id, user=officer).latest("pk")
    assert (after.protected_identity, after.outside_team) == (True, False)

    client.force_login(demo_users[ADMIN])
    flagged = client.get(reverse("access_log"), {"flagged": "on"})
    shown = {e.pk for e in rows(flagged) if e.user_id == officer.pk}
    assert shown == {after.pk}


def test_an_unknown_user_name_is_refused_and_matches_nothing(admin_client, demo_users, citizens):
    entry(demo_users[CASE_OFFICER], citizens["own"])
    response = admin_client.get(reverse("access_log"), {"user": "nobody"})
    assert response.context["form"].errors["user"] == ["Ingen användare har det användarnamnet."]
    assert list(rows(response)) == []
