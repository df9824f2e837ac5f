"""The work queue's own columns (the visit that counts, the applied minutes) follow the
visits and services as the services change them, and the queue pages by keyset in a fixed
number of queries."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from assessments import services
from assessments.integrity import QUEUE_COLUMNS_STALE, untruthful_cases
from assessments.models import Application, ServiceType
from tests.factories import received_case
from tests.support import flow

pytestmark = pytest.mark.django_db


def _columns(application):
    return Application.objects.values_list("visit_at", "visit_done", "applied_minutes").get(
        pk=application.pk
    )


def test_booking_rebooking_and_recording_the_visit_keep_the_queue_columns(officer, therapist):
    application = received_case(
        officer=officer, services=(), received_on=datetime.date(2026, 10, 1)
    )
    assert _columns(application) == (None, False, None)
    first = flow.at_ten(datetime.date(2026, 10, 5))
    flow.book_visit(application, therapist=therapist, scheduled_at=first)
    assert _columns(application) == (first, False, None)
    # Booking again cancels the first booking: the new time counts.
    later = flow.at_ten(datetime.date(2026, 10, 7))
    flow.book_visit(application, therapist=therapist, scheduled_at=later)
    assert _columns(application) == (later, False, None)
    flow.complete_visit(application, therapist=therapist)
    assert _columns(application) == (later, True, None)
    assert untruthful_cases() == []


def test_replacing_the_applied_services_keeps_the_applied_minutes(officer):
    dusch = ServiceType.objects.get(code="dusch")
    larm = ServiceType.objects.get(code="trygghetslarm")  # a service without minutes
    application = services.application_create(
        citizen=received_case(officer=officer).citizen,
        received_on=datetime.date(2026, 10, 1),
        channel=Application.Channel.PHONE,
        case_officer=officer,
        services=[services.ServiceRequest(dusch, 45), services.ServiceRequest(larm, None)],
    )
    assert _columns(application)[2] == 45
    services.application_update(
        application=application,
        expected_version=application.version,
        services=[services.ServiceRequest(dusch, 30)],
    )
    assert _columns(application)[2] == 30
    services.application_update(
        application=application,
        expected_version=application.version,
        services=[services.ServiceRequest(larm, None)],
    )
    assert _columns(application)[2] is None


def test_check_cases_names_a_case_whose_queue_columns_are_stale(officer, therapist):
    application = received_case(officer=officer, received_on=datetime.date(2026, 10, 1))
    flow.book_visit(application, therapist=therapist)
    Application.objects.filter(pk=application.pk).update(visit_at=None)
    (found,) = untruthful_cases()
    assert found.application_id == application.pk
    assert [str(m) for m in found.missing] == [str(QUEUE_COLUMNS_STALE)]


def _queries(client, url, **query) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url, query)
    assert response.status_code == 200
    return len(queries)


@pytest.mark.parametrize("sort", ["", "citizen", "-visit_at", "therapist"])
def test_the_queue_pages_in_a_fixed_number_of_queries_at_30_and_90_cases(
    client, officer, therapist, sort
):
    client.force_login(officer)
    url = reverse("assessments:work_queue")
    counts = []
    for size in (30, 90):
        while Application.objects.count() < size:
            application = received_case(officer=officer)
            if application.pk % 3 == 0:
                flow.book_visit(application, therapist=therapist)
        first = client.get(url, {"scope": "team", "sort": sort}).context["page"]
        second = client.get(url, {"scope": "team", "sort": sort, "after": first.next_cursor})
        back = second.context["page"].previous_cursor
        counts.append(
            (
                _queries(client, url, scope="team", sort=sort),
                _queries(client, url, scope="team", sort=sort, after=first.next_cursor),
                _queries(client, url, scope="team", sort=sort, before=back),
            )
        )
    assert counts[0] == counts[1], counts


def test_my_visits_page_in_a_fixed_number_of_queries_at_30_and_90_visits(
    client, officer, therapist
):
    client.force_login(therapist)
    url = reverse("assessments:my_visits")
    counts = []
    for size in (30, 90):
        while Application.objects.count() < size:
            flow.book_visit(received_case(officer=officer), therapist=therapist)
        first = client.get(url).context["page"]
        assert len(first) == 25 and first.next_cursor
        counts.append((_queries(client, url), _queries(client, url, after=first.next_cursor)))
    assert counts[0] == counts[1], counts


def test_my_visits_pages_forward_and_back_through_every_visit(client, officer, therapist):
    for n in range(30):
        application = received_case(officer=officer)
        day = datetime.date(2026, 10, 1) + datetime.timedelta(days=n % 4)
        flow.book_visit(application, therapist=therapist, scheduled_at=flow.at_ten(day))
        if n % 3 == 0:
            flow.complete_visit(application, therapist=therapist)
    client.force_login(therapist)
    url = reverse("assessments:my_visits")
    first = client.get(url).context["page"]
    second = client.get(url, {"after": first.next_cursor}).context["page"]
    seen = [visit.pk for visit in first] + [visit.pk for visit in second]
    assert (len(first), len(second), second.next_cursor) == (25, 5, None)
    assert len(set(seen)) == 30
    back = client.get(url, {"before": second.previous_cursor}).context["page"]
    assert [visit.pk for visit in back] == [visit.pk for visit in first]
