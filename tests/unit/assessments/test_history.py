"""The case's change history in words and names, with the tracks' records; no savings
before a decision."""

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone, translation

from assessments import selectors, services
from tests.factories import UserFactory, intervention, received_case
from tests.support import flow
from tracks import services as track_services

pytestmark = pytest.mark.django_db


def _changes(entries, what):
    return [
        (change["field"], change["old"], change["new"])
        for entry in entries
        if str(entry["what"]) == what
        for change in entry["changes"]
    ]


def test_the_history_speaks_in_labels_names_yes_no_and_dates(officer, therapist):
    application = received_case(officer=officer, therapist=None, after_inpatient_stay=False)
    services.application_update(
        application=application,
        expected_version=application.version,
        after_inpatient_stay=True,
        received_on=timezone.localdate().replace(day=1),
    )
    application.refresh_from_db()
    flow.decided(application, officer=officer, therapist=therapist)
    with translation.override("sv"):
        entries = selectors.change_history(application=selectors_detail(officer, application))
        changes = [(str(f), o, n) for f, o, n in _changes(entries, "ärende")]
    assert ("status", "Inväntar beslut", "Beslutad") in changes
    assert ("efter slutenvård", "Nej", "Ja") in changes
    assert ("arbetsterapeut", "", str(therapist)) in changes
    assert any(
        f == "inkom" and n == timezone.localdate().replace(day=1).isoformat()
        for f, _o, n in changes
    )
    # No user ids, no raw status values anywhere.
    texts = {value for _f, old, new in changes for value in (old, new)}
    assert "awaiting_decision" not in texts and str(therapist.pk) not in texts


def selectors_detail(user, application):
    return selectors.application_detail(user=user, public_id=application.public_id)


def test_the_history_has_the_track_and_the_interventions_with_corrections_and_removals(
    client, officer, therapist
):
    application = received_case(officer=officer, therapist=therapist)
    flow.assessed(application, therapist=therapist)
    flow.confirm_track(application, therapist=therapist)
    recorded = intervention(application, actor=therapist, minutes=45)
    track_services.intervention_update(
        intervention=recorded,
        actor=therapist,
        expected_version=1,
        performed_on=recorded.performed_on,
        minutes=30,
        kind=recorded.kind,
    )
    track_services.intervention_remove(
        intervention=recorded, actor=therapist, expected_version=2, reason="Fel brukare"
    )
    with translation.override("sv"):
        entries = selectors.change_history(application=selectors_detail(officer, application))
        kinds = [(str(e["what"]), str(e["kind"])) for e in entries if str(e["what"]) == "insats"]
        assert kinds == [("insats", "borttagen"), ("insats", "ändrad"), ("insats", "skapad")]
        assert [(str(f), o, n) for f, o, n in _changes(entries, "insats") if o] == [
            ("minuter", "45", "30")
        ]
        removal = next(e for e in entries if e["removed"])
        assert (removal["who"], removal["reason"]) == (therapist, "Fel brukare")
        assert any(str(e["what"]) == "spårtilldelning" for e in entries)

    client.force_login(officer)
    page = client.get(
        reverse("assessments:application_history", args=[application.public_id])
    ).content.decode()
    assert "Fel brukare" in page
    assert "Minuter: 45 → 30" in page
    assert f"Arbetsterapeut: {therapist}" in page or str(therapist) in page


def test_the_history_page_shows_status_labels_not_values(client, officer, therapist):
    application = received_case(officer=officer, therapist=therapist)
    flow.decided(application, officer=officer, therapist=therapist)
    client.force_login(officer)
    page = client.get(
        reverse("assessments:application_history", args=[application.public_id])
    ).content.decode()
    assert "Inväntar beslut → Beslutad" in page
    assert "awaiting_decision" not in page and "True" not in page


# --- Applied, granted and saved --------------------------------------------------------------


def test_before_a_decision_only_the_applied_services_show(client, officer, therapist):
    application = received_case(officer=officer, therapist=therapist, services=("stad",))
    applied = application.applied_services.get().minutes_per_week
    client.force_login(officer)
    page = client.get(reverse("assessments:application_detail", args=[application.public_id]))
    html = page.content.decode()
    assert 'data-testid="applied-services"' in html
    assert 'data-testid="saved"' not in html and "Sparat" not in html and "Beviljat" not in html
    comparison = selectors.applied_vs_granted(application=application)
    assert (comparison["decided"], comparison["applied"]) == (False, applied)


def test_after_the_decision_granted_and_saved_show(client, officer, therapist):
    application = received_case(officer=officer, therapist=therapist, services=("stad",))
    flow.decided(application, officer=officer, therapist=therapist)
    client.force_login(officer)
    html = client.get(
        reverse("assessments:application_detail", args=[application.public_id])
    ).content.decode()
    assert 'data-testid="applied-vs-granted"' in html and 'data-testid="saved">0<' in html


def test_a_physio_name_shows_in_the_history(officer, therapist):
    physio = UserFactory(physio=True, team=officer.team, first_name="Per", last_name="Fysiosson")
    application = received_case(officer=officer, therapist=therapist)
    services.application_update(
        application=application, expected_version=application.version, physio=physio
    )
    with translation.override("sv"):
        entries = selectors.change_history(application=selectors_detail(officer, application))
        assert ("fysioterapeut", "", "Per Fysiosson") in [
            (str(f), o, n) for f, o, n in _changes(entries, "ärende")
        ]


# --- Each change once, no empty rows, Swedish field names ----------------------------------


def _history_rows(officer, application):
    with translation.override("sv"):
        entries = selectors.change_history(application=selectors_detail(officer, application))
        return [
            (
                str(e["what"]),
                str(e["kind"]),
                [(str(c["field"]), c["old"], c["new"]) for c in e["changes"]],
            )
            for e in entries
        ]


def test_versions_saved_in_the_same_instant_list_each_change_once(officer, therapist):
    application = received_case(officer=officer, therapist=None)
    flow.assessed(application, therapist=therapist)
    # Booking saves the therapist and then the status; imported and demo cases carry one
    # time for both.
    created = application.history.earliest("history_date").history_date
    application.history.exclude(history_type="+").update(
        history_date=created + timezone.timedelta(hours=1)
    )
    changes = [
        change
        for what, kind, rows in _history_rows(officer, application)
        if (what, kind) == ("ärende", "ändrad")
        for change in rows
    ]
    assert changes == [
        ("status", "Besök bokat", "Bedömd"),
        ("status", "Inkommen", "Besök bokat"),
        ("arbetsterapeut", "", str(therapist)),
    ]


def test_a_save_that_changed_nothing_shown_is_left_out(officer, therapist):
    application = received_case(officer=officer, therapist=therapist)
    flow.assessed(application, therapist=therapist)
    flow.confirm_track(application, therapist=therapist)
    rows = _history_rows(officer, application)
    assert all(changes for what, kind, changes in rows if kind == "ändrad")
    assert [kind for what, kind, _c in rows if what == "spårtilldelning"] == ["skapad"]


def test_every_field_in_the_history_is_named_in_swedish(client, officer, therapist):
    application = received_case(officer=officer, therapist=therapist)
    flow.decided(application, officer=officer, therapist=therapist)
    fields = {
        field
        for _w, _k, changes in _history_rows(officer, application)
        for field, _o, _n in changes
    }
    assert {
        "registrerat av",
        "registrerat",
        "skrivet av",
        "beslutat av",
        "skäl till förslaget",
        "bekräftat av",
    } <= fields
    client.force_login(officer)
    page = client.get(
        reverse("assessments:application_history", args=[application.public_id])
    ).content.decode()
    for english in ["Decided by", "Written by", "Proposal reasons", "Confirmed by", "Recorded"]:
        assert english not in page


def test_the_history_takes_as_many_queries_however_many_versions(officer, therapist):
    application = received_case(officer=officer, therapist=therapist)
    flow.decided(application, officer=officer, therapist=therapist)
    detail = selectors_detail(officer, application)
    with CaptureQueriesContext(connection) as few:
        few_entries = selectors.change_history(application=detail)
    for stay in (True, False, True):
        services.application_update(
            application=detail, expected_version=detail.version, after_inpatient_stay=stay
        )
        detail = selectors_detail(officer, application)
    with CaptureQueriesContext(connection) as many:
        many_entries = selectors.change_history(application=detail)
    assert len(many_entries) == len(few_entries) + 3
    assert len(many.captured_queries) == len(few.captured_queries)


def _case_applying_for(officer, **minutes_by_code):
    application = received_case(officer=officer, services=tuple(minutes_by_code))
    catalogue = {row.service.code: row.service for row in application.applied_services.all()}
    services.application_update(
        application=application,
        expected_version=application.version,
        services=[
            services.ServiceRequest(catalogue[code], minutes)
            for code, minutes in minutes_by_code.items()
        ],
    )
    return application


def _comparison_rows(html):
    table = html.split('data-testid="applied-vs-granted"')[1].split("</table>")[0]
    return [re.findall(r"<t[hd][^>]*>(.*?)</t[hd]>", row) for row in table.split("<tr>")[2:]]


def test_a_safety_alarm_reads_as_applied_for_and_granted_or_refused(client, officer, therapist):
    granted = _case_applying_for(officer, dusch=60, trygghetslarm=None)
    flow.decided(granted, officer=officer, therapist=therapist)
    refused = _case_applying_for(officer, dusch=60, trygghetslarm=None)
    flow.decided(refused, officer=officer, therapist=therapist, granted=[("dusch", 60)])
    client.force_login(officer)

    def rows(application):
        url = reverse("assessments:application_detail", args=[application.public_id])
        return _comparison_rows(client.get(url).content.decode())

    assert ["Trygghetslarm", "ansökt", "beviljat", ""] in rows(granted)
    assert ["Trygghetslarm", "ansökt", "avslag", ""] in rows(refused)


def test_minutes_granted_beyond_the_application_are_not_a_negative_saving(
    client, officer, therapist
):
    application = _case_applying_for(officer, dusch=60)
    flow.decided(application, officer=officer, therapist=therapist, granted=[("dusch", 90)])
    comparison = selectors.applied_vs_granted(application=selectors_detail(officer, application))
    assert (comparison["saved"], comparison["over_granted"]) == (-30, 30)
    client.force_login(officer)
    html = client.get(
        reverse("assessments:application_detail", args=[application.public_id])
    ).content.decode()
    assert "+30 beviljat utöver ansökan" in html
    assert ">-30<" not in html
