"""The case officer's decision: an outcome per applied service, the legal basis, the
validity, an urgent decision's reason, the therapist's recommendations beside the form and
the change history."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from assessments import selectors, services
from assessments.models import Application, GrantedService, LegalBasis, ServiceType
from tests.factories import intervention
from tests.support import flow

pytestmark = pytest.mark.django_db

Outcome = GrantedService.Outcome


@pytest.fixture
def codes():
    return {s.code: s for s in ServiceType.objects.all()}


@pytest.fixture
def legal_basis():
    return LegalBasis.objects.get(code="sol2025_11_1")


def new_case(officer, therapist, codes, *, protected=False, number="19400307-3428"):
    citizen = services.citizen_create(
        personal_number=number,
        team=officer.team,
        first_name="Astrid",
        last_name="Lind",
        street_address="Storgatan 1",
        postal_code="86131",
        city="Timrå",
        protected_identity=protected,
    )
    return services.application_create(
        citizen=citizen,
        received_on=timezone.localdate() - datetime.timedelta(days=10),
        channel="phone",
        case_officer=officer,
        therapist=therapist,
        services=[
            services.ServiceRequest(codes["stad"], 120),
            services.ServiceRequest(codes["dusch"], 45),
            services.ServiceRequest(codes["trygghetslarm"], None),
        ],
    )


@pytest.fixture
def awaiting(officer, therapist, codes):
    application = new_case(officer, therapist, codes)
    flow.awaiting_decision(application, therapist=therapist)
    return application


def lines(codes, **by_code):
    """``stad=("partly_granted", 60, "Skäl")`` → ServiceDecision lines."""
    return [
        services.ServiceDecision(codes[code], outcome, minutes, reason)
        for code, (outcome, minutes, reason) in by_code.items()
    ]


def record(application, officer, decision_lines, **fields):
    fields.setdefault("legal_basis", LegalBasis.objects.get(code="sol2025_11_1"))
    return services.decision_record(
        application=application,
        actor=officer,
        decided_on=fields.pop("decided_on", timezone.localdate()),
        granted=decision_lines,
        **fields,
    )


ALL_GRANTED = {
    "stad": (Outcome.GRANTED, 120, ""),
    "dusch": (Outcome.GRANTED, 45, ""),
    "trygghetslarm": (Outcome.GRANTED, None, ""),
}


def test_the_legal_bases_include_both_social_services_acts():
    bases = dict(LegalBasis.objects.values_list("name", "active"))
    assert bases == {
        "11 kap. 1 § socialtjänstlagen (2025:400)": True,
        "4 kap. 1 § socialtjänstlagen (2001:453)": False,
    }


def test_each_line_keeps_its_outcome_minutes_and_reason(awaiting, officer, codes):
    decision = record(
        awaiting,
        officer,
        lines(
            codes,
            stad=(Outcome.PARTLY_GRANTED, 60, "Klarar lättare städ själv"),
            dusch=(Outcome.REFUSED, 0, "Duschar själv med pall"),
            trygghetslarm=(Outcome.GRANTED, None, ""),
        ),
    )
    rows = {
        row.service.code: (row.outcome, row.minutes_per_week, row.reason)
        for row in decision.granted_services.all()
    }
    assert rows == {
        "stad": ("partly_granted", 60, "Klarar lättare städ själv"),
        "dusch": ("refused", 0, "Duschar själv med pall"),
        "trygghetslarm": ("granted", None, ""),
    }
    awaiting.refresh_from_db()
    assert awaiting.status == Application.Status.DECIDED


def test_a_partial_grant_needs_a_reason_and_fewer_minutes(awaiting, officer, codes):
    with pytest.raises(ValidationError) as excinfo:
        record(
            awaiting,
            officer,
            lines(codes, **{**ALL_GRANTED, "stad": (Outcome.PARTLY_GRANTED, 120, "")}),
        )
    assert set(excinfo.value.message_dict) == {"minutes_stad", "reason_stad"}
    assert excinfo.value.message_dict["reason_stad"] == [
        "Ange skälet till att mindre än det ansökta beviljas."
    ]
    awaiting.refresh_from_db()
    assert awaiting.status == Application.Status.AWAITING_DECISION
    assert not hasattr(awaiting, "decision")


def test_a_refusal_needs_a_reason_and_no_minutes(awaiting, officer, codes):
    with pytest.raises(ValidationError) as excinfo:
        record(
            awaiting, officer, lines(codes, **{**ALL_GRANTED, "dusch": (Outcome.REFUSED, 0, " ")})
        )
    assert excinfo.value.message_dict == {"reason_dusch": ["Ange skälet till avslaget."]}
    with pytest.raises(ValidationError) as excinfo:
        record(
            awaiting,
            officer,
            lines(codes, **{**ALL_GRANTED, "dusch": (Outcome.REFUSED, 30, "Nej")}),
        )
    assert excinfo.value.message_dict == {
        "minutes_dusch": ["En avslagen insats har inga beviljade minuter."]
    }


def test_fewer_minutes_called_granted_are_refused(awaiting, officer, codes):
    with pytest.raises(ValidationError) as excinfo:
        record(
            awaiting, officer, lines(codes, **{**ALL_GRANTED, "stad": (Outcome.GRANTED, 90, "")})
        )
    assert list(excinfo.value.message_dict) == ["minutes_stad"]


def test_granting_more_than_applied_needs_confirmation(awaiting, officer, codes):
    more = lines(codes, **{**ALL_GRANTED, "stad": (Outcome.GRANTED, 150, "")})
    with pytest.raises(ValidationError) as excinfo:
        record(awaiting, officer, more)
    assert excinfo.value.message_dict == {
        "confirm_over_grant": [
            "Fler minuter än ansökt beviljas för Städ: bekräfta att det är avsikten."
        ]
    }
    decision = record(awaiting, officer, more, over_grant_confirmed=True)
    assert decision.granted_services.get(service__code="stad").minutes_per_week == 150


def test_the_legal_basis_is_required(awaiting, officer, codes):
    with pytest.raises(ValidationError) as excinfo:
        record(awaiting, officer, lines(codes, **ALL_GRANTED), legal_basis=None)
    assert excinfo.value.message_dict == {"legal_basis": ["Välj beslutets lagrum."]}


def test_every_applied_service_gets_a_decision(awaiting, officer, codes):
    with pytest.raises(ValidationError) as excinfo:
        record(awaiting, officer, lines(codes, stad=ALL_GRANTED["stad"]))
    assert excinfo.value.messages == ["Fatta beslut om varje ansökt insats: Trygghetslarm, Dusch."]


def test_the_validity_ends_after_it_starts(awaiting, officer, codes):
    today = timezone.localdate()
    with pytest.raises(ValidationError) as excinfo:
        record(
            awaiting,
            officer,
            lines(codes, **ALL_GRANTED),
            valid_from=today,
            valid_until=today - datetime.timedelta(days=1),
        )
    assert list(excinfo.value.message_dict) == ["valid_until"]


# --- Urgent decisions ------------------------------------------------------------------------


@pytest.fixture
def visit_in_a_week(officer, therapist, codes):
    """A case awaiting its joint visit a week from now, the visit booked."""
    application = new_case(officer, therapist, codes)
    flow.book_visit(
        application,
        therapist=therapist,
        scheduled_at=timezone.now() + datetime.timedelta(days=7),
    )
    application.refresh_from_db()
    return application


def test_a_decision_before_the_visit_is_refused_on_its_date_without_an_urgent_reason(
    awaiting, officer, codes
):
    # The visit was yesterday: a decision dated the day before yesterday comes before it.
    day_before = timezone.localdate() - datetime.timedelta(days=2)
    with pytest.raises(ValidationError) as excinfo:
        record(awaiting, officer, lines(codes, **ALL_GRANTED), decided_on=day_before)
    assert list(excinfo.value.message_dict) == ["decided_on"]
    assert "brådskande beslut med skäl" in excinfo.value.message_dict["decided_on"][0]
    awaiting.refresh_from_db()
    assert awaiting.status == Application.Status.AWAITING_DECISION


def test_an_urgent_decision_before_the_visit_is_accepted_with_its_reason(awaiting, officer, codes):
    day_before = timezone.localdate() - datetime.timedelta(days=2)
    decision = record(
        awaiting,
        officer,
        lines(codes, **ALL_GRANTED),
        decided_on=day_before,
        urgent_reason="Utskriven från sjukhus utan hjälp i hemmet",
    )
    assert decision.urgent_reason == "Utskriven från sjukhus utan hjälp i hemmet"
    awaiting.refresh_from_db()
    assert awaiting.status == Application.Status.DECIDED


def test_not_even_an_urgent_decision_comes_before_the_receipt(awaiting, officer, codes):
    before_receipt = awaiting.received_on - datetime.timedelta(days=1)
    with pytest.raises(ValidationError) as excinfo:
        record(
            awaiting,
            officer,
            lines(codes, **ALL_GRANTED),
            decided_on=before_receipt,
            urgent_reason="Akut",
        )
    assert excinfo.value.message_dict == {
        "decided_on": ["Beslutet kan inte dateras före den dag ansökan kom in."]
    }


# --- The change history ----------------------------------------------------------------------


def test_granted_minutes_from_120_to_0_show_in_the_change_history(awaiting, officer, codes):
    decision = record(awaiting, officer, lines(codes, **ALL_GRANTED))
    record(
        awaiting,
        officer,
        lines(codes, **{**ALL_GRANTED, "stad": (Outcome.REFUSED, 0, "Dottern städar")}),
        expected_version=decision.version,
    )
    awaiting.refresh_from_db()
    changes = [
        change
        for entry in selectors.change_history(application=awaiting)
        for change in entry["changes"]
        if str(change["field"]) == "beviljade insatser"
    ]
    assert len(changes) >= 1
    latest = changes[0]
    assert "Städ: 120 min/vecka, beviljat" in str(latest["old"])
    assert "Städ: 0 min/vecka, avslag" in str(latest["new"])


# --- The work queue: decisions to review ------------------------------------------------------


def test_time_limited_decisions_come_up_for_review_in_the_queue(client, officer, therapist, codes):
    today = timezone.localdate()
    cases = {}
    for number, until in [
        ("19400307-3428", today + datetime.timedelta(days=20)),
        ("19391212-9875", today + datetime.timedelta(days=90)),
        ("19450101-1235", None),
    ]:
        application = new_case(officer, therapist, codes, number=number)
        flow.awaiting_decision(application, therapist=therapist)
        record(application, officer, lines(codes, **ALL_GRANTED), valid_until=until)
        cases[number] = application
    client.force_login(officer)
    url = reverse("assessments:work_queue")
    with CaptureQueriesContext(connection) as few:
        response = client.get(url, {"to_review": "on"})
    rows = [row.record for row in response.context["table"].page.object_list]
    assert [row.pk for row in rows] == [cases["19400307-3428"].pk]
    # A constant number of queries, however many cases are listed.
    for number in ("19300303-3333", "19310404-4445"):
        application = new_case(officer, therapist, codes, number=number)
        flow.awaiting_decision(application, therapist=therapist)
        record(
            application,
            officer,
            lines(codes, **ALL_GRANTED),
            # Taken urgently five days ago for four days: it has ended, the case is open.
            decided_on=today - datetime.timedelta(days=5),
            urgent_reason="Utskriven utan hjälp i hemmet",
            valid_until=today - datetime.timedelta(days=1),
        )
    with CaptureQueriesContext(connection) as more:
        response = client.get(url, {"to_review": "on"})
    assert len(response.context["table"].page.object_list) == 3
    assert len(more) == len(few)


# --- The form ---------------------------------------------------------------------------------


def form_post(basis, **overrides):
    data = {
        "decided_on": timezone.localdate().isoformat(),
        "legal_basis": str(basis.pk),
        "outcome_stad": "granted",
        "minutes_stad": "120",
        "reason_stad": "",
        "outcome_dusch": "granted",
        "minutes_dusch": "45",
        "reason_dusch": "",
        "outcome_trygghetslarm": "granted",
        "reason_trygghetslarm": "",
    }
    data.update(overrides)
    return data


def test_the_form_shows_each_applied_service_with_its_applied_minutes(
    client, officer, therapist, awaiting
):
    intervention(awaiting, actor=therapist, minutes=50, devices_prescribed="Duschpall")
    client.force_login(officer)
    response = client.get(reverse("assessments:decision_record", args=[awaiting.public_id]))
    page = response.content.decode()
    assert 'data-testid="applied-stad">120<' in page
    assert 'data-testid="applied-dusch">45<' in page
    assert 'name="outcome_trygghetslarm"' in page and 'name="minutes_trygghetslarm"' not in page
    # The therapist's recommendations beside the form, through the tracks app.
    assert "Spår 2" in page or "Spår" in page
    assert "Duschpall" in page
    assert "Sammanfattning" in page and "Fortsatt träning" in page


def test_the_form_records_a_partial_grant(client, officer, awaiting, legal_basis):
    client.force_login(officer)
    url = reverse("assessments:decision_record", args=[awaiting.public_id])
    response = client.post(
        url,
        form_post(
            legal_basis,
            outcome_stad="partly_granted",
            minutes_stad="60",
            reason_stad="Klarar lättare städ själv",
            outcome_dusch="refused",
            minutes_dusch="",
            reason_dusch="Duschar själv",
        ),
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    awaiting.refresh_from_db()
    assert selectors.applied_vs_granted(application=awaiting)["saved"] == 105


def test_the_form_asks_to_confirm_an_over_grant(client, officer, awaiting, legal_basis):
    client.force_login(officer)
    url = reverse("assessments:decision_record", args=[awaiting.public_id])
    response = client.post(url, form_post(legal_basis, minutes_stad="150"))
    assert response.status_code == 200
    form = response.context["form"]
    assert form.errors["confirm_over_grant"] == [
        "Fler minuter än ansökt beviljas för Städ: bekräfta att det är avsikten."
    ]
    assert 'data-testid="over-grant-warning"' in response.content.decode()
    response = client.post(url, form_post(legal_basis, minutes_stad="150", confirm_over_grant="on"))
    assert response.status_code == 302


def test_the_workflow_refusal_stands_next_to_the_decision_date(
    client, officer, awaiting, legal_basis
):
    client.force_login(officer)
    url = reverse("assessments:decision_record", args=[awaiting.public_id])
    day_before = (timezone.localdate() - datetime.timedelta(days=2)).isoformat()
    response = client.post(url, form_post(legal_basis, decided_on=day_before))
    assert response.status_code == 200
    assert "brådskande beslut med skäl" in response.context["form"].errors["decided_on"][0]
    response = client.post(url, form_post(legal_basis, decided_on=day_before, urgent="on"))
    assert response.context["form"].errors["urgent_reason"] == [
        "Ange skälet till att beslutet är brådskande."
    ]
    response = client.post(
        url,
        form_post(legal_basis, decided_on=day_before, urgent="on", urgent_reason="Akut behov"),
    )
    assert response.status_code == 302


def test_the_form_requires_the_legal_basis(client, officer, awaiting, legal_basis):
    client.force_login(officer)
    url = reverse("assessments:decision_record", args=[awaiting.public_id])
    response = client.post(url, form_post(legal_basis, legal_basis=""))
    assert "legal_basis" in response.context["form"].errors


def test_reopening_a_decision_shows_what_was_decided(client, officer, awaiting, codes):
    record(
        awaiting,
        officer,
        lines(
            codes,
            stad=(Outcome.PARTLY_GRANTED, 40, "Städar delvis själv"),
            dusch=(Outcome.REFUSED, 0, "Duschar själv"),
            trygghetslarm=(Outcome.REFUSED, None, "Har larm"),
        ),
    )
    client.force_login(officer)
    form = client.get(reverse("assessments:decision_record", args=[awaiting.public_id])).context[
        "form"
    ]
    assert form["outcome_stad"].initial == "partly_granted"
    assert form["minutes_stad"].initial == 40
    assert form["outcome_trygghetslarm"].initial == "refused"
    assert form["reason_dusch"].initial == "Duschar själv"
