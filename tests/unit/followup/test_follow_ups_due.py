"""The follow-ups a case officer lives with: falling due, her list, the case page's step,
recording early with a reason, the visit's instruments again, and a decision's new date."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone, translation

from assessments import services as assessment_services
from assessments.models import Application, InstrumentResult
from followup import selectors
from followup.models import FollowUp
from rehab.models import AccessLogEntry
from tests.factories import received_case
from tests.support import flow
from tracks import services as track_services
from tracks.models import Handover

pytestmark = pytest.mark.django_db

DAY = datetime.timedelta(days=1)


def decided_case(officer, therapist, *, decided_on, tug_seconds=None, **citizen):
    """A case walked through the services with its dates in order: received two weeks,
    visited a week and handed over (no potential for independence) five days before the
    decision on ``decided_on``; cleaning 40 of 60 minutes and a safety alarm granted. Cases
    without a track follow up at 3 and 6 months."""
    fields = {f"citizen__{key}": value for key, value in citizen.items()}
    application = received_case(
        officer=officer,
        therapist=therapist,
        services=("stad", "trygghetslarm"),
        received_on=decided_on - 14 * DAY,
        **fields,
    )
    visit_at = datetime.datetime.combine(
        decided_on - 7 * DAY, datetime.time(10), timezone.get_default_timezone()
    )
    flow.book_visit(application, therapist=therapist, scheduled_at=visit_at)
    flow.complete_visit(
        application, therapist=therapist, potential=False, goals=["Städa köket själv"]
    )
    if tug_seconds is not None:
        assessment_services.instrument_record(
            application=application,
            instrument="tug",
            answers={"seconds": tug_seconds, "walking_aid_used": False},
            actor=therapist,
        )
    track_services.handover_record(
        application=application,
        actor=therapist,
        recipient=Handover.Recipient.HOME_HEALTH_CARE,
        recipient_detail="",
        handed_over_on=decided_on - 5 * DAY,
        summary="Hemsjukvården tar över.",
    )
    flow.decide(
        application,
        officer=officer,
        decided_on=decided_on,
        granted=[("stad", 40), ("trygghetslarm", None)],
    )
    return application


def due_dates(application):
    return [
        (item.months, item.due_on, item.status)
        for item in application.follow_ups.order_by("months")
    ]


# --- The daily job and the work queue ---------------------------------------------------------


def test_a_follow_up_due_last_month_falls_due_and_puts_the_case_in_the_queue(officer, therapist):
    application = decided_case(officer, therapist, decided_on=datetime.date(2026, 5, 15))
    assert due_dates(application) == [
        (3, datetime.date(2026, 8, 15), FollowUp.Status.SCHEDULED),
        (6, datetime.date(2026, 11, 15), FollowUp.Status.SCHEDULED),
    ]
    # A month after the 3-month follow-up fell due.
    result = flow.follow_ups_fall_due(today=datetime.date(2026, 9, 15))
    assert result == {"scheduled": 0, "due": 1, "queued": 1}
    assert due_dates(application) == [
        (3, datetime.date(2026, 8, 15), FollowUp.Status.DUE),
        (6, datetime.date(2026, 11, 15), FollowUp.Status.SCHEDULED),
    ]
    application.refresh_from_db()
    assert application.status == Application.Status.FOLLOW_UP_DUE


def test_a_case_the_workflow_refuses_does_not_keep_the_others_out(officer, therapist, monkeypatch):
    from followup import services

    first = decided_case(officer, therapist, decided_on=datetime.date(2026, 5, 15))
    second = decided_case(officer, therapist, decided_on=datetime.date(2026, 5, 20))
    real_move = services.move_status

    def refuse_the_first(application, move, **kwargs):
        if application.pk == first.pk:
            raise ValidationError("refused")
        return real_move(application, move, **kwargs)

    monkeypatch.setattr(services, "move_status", refuse_the_first)
    result = flow.follow_ups_fall_due(today=datetime.date(2026, 9, 15))
    assert result == {"scheduled": 0, "due": 2, "queued": 1}
    first.refresh_from_db()
    second.refresh_from_db()
    assert (first.status, second.status) == (
        Application.Status.DECIDED,
        Application.Status.FOLLOW_UP_DUE,
    )


def test_the_queue_filter_lists_the_cases_its_count_shows(client, officer, therapist):
    due = decided_case(
        officer, therapist, decided_on=datetime.date(2026, 5, 15), first_name="Astrid"
    )
    decided_case(officer, therapist, decided_on=timezone.localdate() - 10 * DAY)
    flow.follow_ups_fall_due(today=timezone.localdate())
    client.force_login(officer)
    response = client.get(reverse("assessments:work_queue"), {"status": "follow_up_due"})
    rows = [row.record for row in response.context["table"].page.object_list]
    assert [row.pk for row in rows] == [due.pk]
    assert response.context["counts"]["follow_up_due"] == 1
    with translation.override("sv"):
        page = client.get(reverse("assessments:work_queue")).content.decode()
    assert 'href="?scope=mine&amp;status=follow_up_due"' in page


# --- My follow-ups ----------------------------------------------------------------------------


def test_my_follow_ups_are_grouped_with_their_dates_in_words(officer, therapist, demo_users):
    late = decided_case(officer, therapist, decided_on=datetime.date(2026, 5, 15))
    today_ = decided_case(officer, therapist, decided_on=datetime.date(2026, 5, 27))
    soon = decided_case(officer, therapist, decided_on=datetime.date(2026, 6, 1))
    other_officer = type(officer).objects.create(username="annan", team=officer.team)
    decided_case(other_officer, therapist, decided_on=datetime.date(2026, 5, 15))
    with translation.override("sv"):
        groups = selectors.my_follow_ups(user=officer, today=datetime.date(2026, 8, 27))
        words = {
            key: [(i.application_id, i.months, i.when) for i in v] for key, v in groups.items()
        }
    # 15 Aug + 12 days = 27 Aug; 1 Jun + 3 months = 1 Sep, 5 days on; the 6-month ones are
    # in November, more than 30 days away.
    assert words == {
        "overdue": [(late.pk, 3, "förfallen sedan 12 dagar")],
        "due": [(today_.pk, 3, "förfaller i dag")],
        "coming": [(soon.pk, 3, "förfaller om 5 dagar")],
    }


def test_one_day_is_said_in_the_singular():
    item = FollowUp(due_on=datetime.date(2026, 8, 26), status=FollowUp.Status.DUE)
    with translation.override("sv"):
        assert selectors.when_in_words(item, datetime.date(2026, 8, 27)) == (
            "förfallen sedan 1 dag"
        )
        assert selectors.when_in_words(item, datetime.date(2026, 8, 25)) == "förfaller om 1 dag"


def test_the_list_names_citizens_as_the_user_may_and_logs_the_listing(client, officer, therapist):
    decided_case(
        officer,
        therapist,
        decided_on=datetime.date(2026, 5, 15),
        first_name="Astrid",
        last_name="Lind",
    )
    hidden = decided_case(
        officer,
        therapist,
        decided_on=datetime.date(2026, 5, 20),
        first_name="Hemlig",
        last_name="Person",
        protected_identity=True,
    )
    client.force_login(officer)
    with translation.override("sv"):
        response = client.get(reverse("followup:my_follow_ups"))
    page = response.content.decode()
    assert response.status_code == 200
    assert "Astrid Lind" in page and "Skyddad identitet" in page
    assert "Hemlig" not in page
    assert "förfallen sedan" in page
    logged = AccessLogEntry.objects.filter(
        view="followup:my_follow_ups", action=AccessLogEntry.Action.LIST
    )
    assert logged.count() == 2
    assert hidden.citizen.public_id in set(logged.values_list("citizen_ref", flat=True))


def test_the_list_takes_the_same_number_of_queries_for_one_case_or_four(client, officer, therapist):
    client.force_login(officer)
    decided_case(officer, therapist, decided_on=datetime.date(2026, 5, 15))
    with CaptureQueriesContext(connection) as one:
        client.get(reverse("followup:my_follow_ups"))
    for day in (16, 17, 18):
        decided_case(officer, therapist, decided_on=datetime.date(2026, 5, day))
    with CaptureQueriesContext(connection) as four:
        response = client.get(reverse("followup:my_follow_ups"))
    assert sum(len(items) for items in response.context["groups"].values()) == 8
    assert len(four) == len(one)


def test_the_menu_links_my_follow_ups_for_the_case_officer_only(client, officer, therapist):
    client.force_login(officer)
    with translation.override("sv"):
        assert (
            "Mina uppföljningar" in client.get(reverse("assessments:work_queue")).content.decode()
        )
    client.force_login(therapist)
    assert client.get(reverse("followup:my_follow_ups")).status_code == 403


# --- The case page's step ---------------------------------------------------------------------


def test_the_case_page_offers_the_due_follow_up_as_its_next_step(client, officer, therapist):
    application = decided_case(officer, therapist, decided_on=datetime.date(2026, 5, 15))
    client.force_login(officer)
    page = client.get(reverse("assessments:application_detail", args=[application.public_id]))
    assert b'data-step="follow_up"' not in page.content
    flow.follow_ups_fall_due(today=timezone.localdate())
    with translation.override("sv"):
        page = client.get(
            reverse("assessments:application_detail", args=[application.public_id])
        ).content.decode()
    next_url = reverse("followup:next_follow_up", args=[application.public_id])
    assert f'class="btn btn-primary" href="{next_url}" data-step="follow_up"' in page
    assert reverse("followup:follow_up", args=[application.public_id, 3]) in page
    assert reverse("followup:follow_up", args=[application.public_id, 6]) in page
    assert "förfallen sedan" in page


def test_the_next_follow_up_opens_the_earliest_not_done(client, officer, therapist):
    application = decided_case(officer, therapist, decided_on=datetime.date(2026, 5, 15))
    url = reverse("followup:next_follow_up", args=[application.public_id])
    client.force_login(officer)
    assert client.get(url).url == reverse("followup:follow_up", args=[application.public_id, 3])
    FollowUp.objects.filter(application=application, months=3).update(status=FollowUp.Status.DONE)
    assert client.get(url).url == reverse("followup:follow_up", args=[application.public_id, 6])
    FollowUp.objects.filter(application=application).update(status=FollowUp.Status.DONE)
    assert client.get(url).url == reverse(
        "assessments:application_detail", args=[application.public_id]
    )
    client.force_login(therapist)
    assert client.get(url).status_code == 403


# --- Recording --------------------------------------------------------------------------------


def test_recording_the_due_follow_up_puts_the_case_back_to_decided(client, officer, therapist):
    application = decided_case(officer, therapist, decided_on=datetime.date(2026, 5, 15))
    flow.follow_ups_fall_due(today=datetime.date(2026, 9, 15))
    item = application.follow_ups.get(months=3)
    client.force_login(officer)
    response = client.post(
        reverse("followup:follow_up", args=[application.public_id, 3]),
        {"version": item.version, "minutes_stad": "30", "minutes_trygghetslarm": "on"},
    )
    assert response.status_code == 302
    application.refresh_from_db()
    assert application.status == Application.Status.DECIDED


def test_a_follow_up_not_yet_due_needs_a_reason_to_be_recorded_early(client, officer, therapist):
    decided_on = timezone.localdate() - 20 * DAY
    application = decided_case(officer, therapist, decided_on=decided_on)
    item = application.follow_ups.get(months=3)
    url = reverse("followup:follow_up", args=[application.public_id, 3])
    client.force_login(officer)
    with translation.override("sv"):
        response = client.post(url, {"version": item.version, "minutes_stad": "30"})
    assert response.status_code == 200
    [error] = response.context["form"].errors["early_reason"]
    assert error.startswith(f"Uppföljningen ska göras {item.due_on:%Y-%m-%d}.")
    item.refresh_from_db()
    assert item.status == FollowUp.Status.SCHEDULED
    response = client.post(
        url,
        {
            "version": item.version,
            "minutes_stad": "30",
            "early_reason": "Brukaren ringde och vill följas upp nu.",
        },
    )
    assert response.status_code == 302
    item.refresh_from_db()
    assert (item.status, item.early_reason) == (
        FollowUp.Status.DONE,
        "Brukaren ringde och vill följas upp nu.",
    )
    application.refresh_from_db()
    assert application.status == Application.Status.DECIDED


def test_a_due_follow_up_needs_no_reason(officer, therapist):
    from followup.services import follow_up_record

    application = decided_case(officer, therapist, decided_on=datetime.date(2026, 5, 15))
    item = application.follow_ups.get(months=3)  # due 15 Aug, still "scheduled"
    follow_up_record(follow_up=item, actor=officer, expected_version=item.version, services=[])
    item.refresh_from_db()
    assert (item.status, item.early_reason) == (FollowUp.Status.DONE, "")


def test_the_form_repeats_the_visits_instruments_beside_their_results(client, officer, therapist):
    application = decided_case(
        officer, therapist, decided_on=datetime.date(2026, 5, 15), tug_seconds="14,2"
    )
    flow.follow_ups_fall_due(today=datetime.date(2026, 9, 15))
    url = reverse("followup:follow_up", args=[application.public_id, 3])
    client.force_login(officer)
    with translation.override("sv"):
        response = client.get(url)
    form = response.context["form"]
    assert [entry["spec"].code for entry in form.instrument_forms] == ["tug", "eq5d5l"]
    assert [str(entry["at_assessment"]) for entry in form.instrument_forms] == [
        "tug 14.2 s",
        "None",
    ]
    page = response.content.decode()
    assert "Vid hembesöket: <strong>14.2 s</strong>" in page
    # The decision granted 40 minutes of cleaning and the safety alarm.
    assert form["minutes_stad"].value() == 40
    assert form["minutes_trygghetslarm"].value() is True
    item = application.follow_ups.get(months=3)
    response = client.post(
        url,
        {
            "version": item.version,
            "minutes_stad": "40",
            "tug-seconds": "11,0",
            "tug-walking_aid_used": "False",
        },
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    results = InstrumentResult.objects.filter(application=application).order_by("pk")
    assert [(r.instrument, r.occasion, r.score_text) for r in results] == [
        ("tug", "assessment", "14.2 s"),
        ("tug", "follow_up", "11.0 s"),
    ]


def test_an_instrument_begun_but_refused_is_marked_and_nothing_is_saved(client, officer, therapist):
    application = decided_case(
        officer, therapist, decided_on=datetime.date(2026, 5, 15), tug_seconds="14,2"
    )
    flow.follow_ups_fall_due(today=datetime.date(2026, 9, 15))
    item = application.follow_ups.get(months=3)
    client.force_login(officer)
    response = client.post(
        reverse("followup:follow_up", args=[application.public_id, 3]),
        {"version": item.version, "tug-seconds": "1000", "tug-walking_aid_used": "False"},
    )
    assert response.status_code == 200
    tug = response.context["form"].instrument_forms[0]["form"]
    assert tug.errors.get("seconds")
    item.refresh_from_db()
    assert item.status == FollowUp.Status.DUE
    assert not InstrumentResult.objects.filter(occasion="follow_up").exists()


# --- A decision's new date --------------------------------------------------------------------


def test_a_new_decision_date_moves_the_follow_ups_not_yet_done(officer, therapist):
    application = decided_case(officer, therapist, decided_on=datetime.date(2026, 5, 15))
    flow.follow_ups_fall_due(today=datetime.date(2026, 9, 15))
    from followup.services import follow_up_record

    item = application.follow_ups.get(months=3)
    follow_up_record(follow_up=item, actor=officer, expected_version=item.version, services=[])
    application.refresh_from_db()
    assert application.status == Application.Status.DECIDED
    flow.decide(
        application,
        officer=officer,
        decided_on=datetime.date(2026, 5, 20),
        granted=[("stad", 40), ("trygghetslarm", None)],
        expected_version=application.decision.version,
    )
    # The done 3-month one keeps its date; the 6-month one is 20 May + 6 months.
    assert due_dates(application) == [
        (3, datetime.date(2026, 8, 15), FollowUp.Status.DONE),
        (6, datetime.date(2026, 11, 20), FollowUp.Status.SCHEDULED),
    ]


def test_a_new_decision_date_before_any_follow_up_moves_both(officer, therapist):
    application = decided_case(officer, therapist, decided_on=datetime.date(2026, 5, 15))
    flow.decide(
        application,
        officer=officer,
        decided_on=datetime.date(2026, 5, 29),
        granted=[("stad", 40), ("trygghetslarm", None)],
        expected_version=application.decision.version,
    )
    assert due_dates(application) == [
        (3, datetime.date(2026, 8, 29), FollowUp.Status.SCHEDULED),
        (6, datetime.date(2026, 11, 29), FollowUp.Status.SCHEDULED),
    ]


def test_closing_the_case_at_a_follow_up_drops_the_follow_ups_still_ahead(officer, therapist):
    from followup import services as followup_services
    from followup.models import CaseClosure

    application = decided_case(officer, therapist, decided_on=datetime.date(2026, 5, 15))
    flow.follow_ups_fall_due(today=datetime.date(2026, 9, 15))
    item = application.follow_ups.get(months=3)
    followup_services.follow_up_record(
        follow_up=item,
        actor=officer,
        expected_version=item.version,
        services=[],
        close_reason=CaseClosure.Reason.NEEDS_ENDED,
    )
    application.refresh_from_db()
    assert application.status == Application.Status.CLOSED
    # The 6-month follow-up (due 2026-11-15) will not happen; the 3-month one is kept, done.
    assert list(application.follow_ups.values_list("months", "status")) == [(3, "done")]
    assert flow.follow_ups_fall_due(today=datetime.date(2026, 12, 1))["due"] == 0


def test_every_mistake_of_a_follow_up_shows_at_once_and_nothing_looks_saved(
    client, officer, therapist
):
    application = decided_case(officer, therapist, decided_on=datetime.date(2026, 5, 15))
    flow.follow_ups_fall_due(today=datetime.date(2026, 9, 15))
    item = application.follow_ups.get(months=3)
    client.force_login(officer)
    with translation.override("sv"):
        response = client.post(
            reverse("followup:follow_up", args=[application.public_id, 3]),
            # VAS out of range and only one of the five dimensions answered.
            {"version": item.version, "eq5d5l-mobility": "2", "eq5d5l-vas": "150"},
        )
    assert response.status_code == 200
    eq5d = next(
        e["form"] for e in response.context["form"].instrument_forms if e["spec"].code == "eq5d5l"
    )
    assert "vas" in eq5d.errors
    assert {"self_care", "usual_activities", "pain_discomfort", "anxiety_depression"} <= set(
        eq5d.errors
    )
    page = response.content.decode()
    assert "Det finns problem" in page
    assert "EQ-5D-5L" in page.split("Det finns problem")[1][:2000]
    item.refresh_from_db()
    assert item.status == FollowUp.Status.DUE
    assert "Genomfört" not in page


def test_a_time_limited_decision_has_no_follow_up_after_it_ends(officer, therapist):
    application = received_case(
        officer=officer, therapist=therapist, received_on=datetime.date(2026, 5, 4)
    )
    flow.awaiting_decision(application, therapist=therapist, on=datetime.date(2026, 5, 10))
    # Decided 15 May, valid to 31 October: the 3-month follow-up (15 August) falls within,
    # the 6-month one (15 November) after the end; the decision comes up for review instead.
    flow.decide(
        application,
        officer=officer,
        decided_on=datetime.date(2026, 5, 15),
        valid_from=datetime.date(2026, 5, 15),
        valid_until=datetime.date(2026, 10, 31),
    )
    assert due_dates(application) == [(3, datetime.date(2026, 8, 15), "scheduled")]
    # Made open-ended again: the 6-month follow-up is scheduled.
    decision = application.decision
    flow.decide(
        application,
        officer=officer,
        decided_on=datetime.date(2026, 5, 15),
        expected_version=decision.version,
    )
    assert due_dates(application) == [
        (3, datetime.date(2026, 8, 15), "scheduled"),
        (6, datetime.date(2026, 11, 15), "scheduled"),
    ]
