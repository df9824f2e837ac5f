"""The study pages: who may define, draw, answer and see results; answers and
non-responses recorded in the browser, each read of a sampled citizen in the access log."""

import datetime

import pytest
from django.urls import reverse

from rehab.models import AccessLogEntry
from studies.models import NonResponseReason, Question, Respondent, Response
from tests.unit.studies.helpers import granted_case, study

pytestmark = pytest.mark.django_db

SAMPLING_DAY = datetime.date(2026, 6, 15)


@pytest.fixture
def drawn(officer, therapist, manager):
    application = granted_case(
        officer=officer,
        therapist=therapist,
        decided_on=datetime.date(2025, 1, 10),
        citizen__first_name="Greta",
        citizen__last_name="Holm",
    )
    made = study(manager=manager, sampling_day=SAMPLING_DAY)
    from studies import services

    services.sample_draw(study=made, actor=manager)
    return made, made.sampled_cases.get(), application


def url(name, obj):
    return reverse(f"studies:{name}", args=[obj.public_id])


def test_the_manager_defines_a_study_and_draws_its_sample(client, manager, officer, therapist):
    granted_case(officer=officer, therapist=therapist, decided_on=datetime.date(2025, 1, 10))
    client.force_login(manager)
    response = client.post(
        reverse("studies:study_create"),
        {
            "name": "Dusch 2026",
            "service": _service_pk("dusch"),
            "sampling_day": "2026-06-15",
            "min_months": 3,
            "max_months": 24,
            "sample_size": "",
            "seed": "",
        },
    )
    assert response.status_code == 302
    detail = response.url
    page = client.get(detail)
    assert "Urvalet har inte dragits än." in page.content.decode()
    response = client.post(detail + "sample/")
    assert response.status_code == 302
    page = client.get(detail).content.decode()
    assert "Urvalet drogs: 1 ärende." in page
    assert "Pågått minst 3 och högst 24 månader den 2026-06-15" in page
    assert "påbörjad 2024-06-15–2026-03-15" in page


def _first_choice(sampled) -> int:
    questionnaire = sampled.study.case_officer_questionnaire
    return questionnaire.questions.filter(kind=Question.Kind.CHOICE).first().pk


def _service_pk(code):
    from assessments.models import ServiceType

    return ServiceType.objects.get(code=code).pk


def test_a_bad_definition_is_refused_next_to_the_field(client, manager):
    client.force_login(manager)
    page = client.post(
        reverse("studies:study_create"),
        {
            "name": "Dusch",
            "service": _service_pk("dusch"),
            "sampling_day": "2026-06-15",
            "min_months": 12,
            "max_months": 6,
        },
    )
    assert page.status_code == 200
    assert page.context["form"].errors["max_months"] == [
        "Den övre gränsen kan inte vara lägre än den nedre."
    ]


def test_the_sample_page_logs_every_citizen_it_shows(client, officer, drawn):
    made, sampled, application = drawn
    client.force_login(officer)
    page = client.get(url("study_detail", made)).content.decode()
    assert "Greta Holm" in page
    entry = AccessLogEntry.objects.get(citizen_ref=application.citizen.public_id, user=officer)
    assert entry.purpose == "Öppnade urvalet i en uppföljningsstudie"
    assert entry.action == AccessLogEntry.Action.LIST


def test_the_case_officer_answers_and_the_answer_page_is_logged(client, officer, drawn):
    made, sampled, application = drawn
    client.force_login(officer)
    page = client.get(url("answer_case_officer", sampled))
    assert page.status_code == 200
    questions = list(made.case_officer_questionnaire.questions.prefetch_related("options"))
    data = {"version": ""}
    for question in questions:
        if question.kind == Question.Kind.CHOICE:
            data[f"q{question.pk}"] = question.options.first().pk
        else:
            data[f"q{question.pk}_text"] = "Dusch två gånger i veckan"
    response = client.post(url("answer_case_officer", sampled), data)
    assert response.status_code == 302
    saved = Response.objects.get(sampled_case=sampled, respondent=Respondent.CASE_OFFICER)
    assert (saved.status, saved.answers.count(), saved.recorded_by) == ("answered", 6, officer)
    purposes = set(
        AccessLogEntry.objects.filter(citizen_ref=application.citizen.public_id).values_list(
            "action", "purpose"
        )
    )
    assert purposes == {
        ("read", "Besvarade frågor i en uppföljningsstudie"),
        ("update", "Besvarade frågor i en uppföljningsstudie"),
    }
    # Saving again from the page opened before that save is refused.
    stale = client.post(url("answer_case_officer", sampled), data)
    assert stale.status_code == 200
    assert "Någon annan har sparat" in str(stale.context["form"].non_field_errors())


def test_a_missing_answer_and_another_reason_without_text_are_refused(client, officer, drawn):
    _made, sampled, _application = drawn
    client.force_login(officer)
    page = client.post(url("answer_case_officer", sampled), {"version": ""})
    assert page.status_code == 200
    assert page.context["form"].errors[f"q{_first_choice(sampled)}"] == ["Välj ett av svaren."]
    page = client.post(
        url("answer_citizen", sampled),
        {"record_non_response": "1", "non_response-reason": NonResponseReason.OTHER},
    )
    assert page.context["non_response_form"].errors["other_text"] == ["Beskriv den andra orsaken."]
    assert not Response.objects.exists()


def test_the_interviewer_records_the_citizens_non_response(client, officer, drawn):
    _made, sampled, _application = drawn
    client.force_login(officer)
    response = client.post(
        url("answer_citizen", sampled),
        {"record_non_response": "1", "non_response-reason": NonResponseReason.DEMENTIA},
    )
    assert response.status_code == 302
    saved = Response.objects.get(sampled_case=sampled)
    assert (saved.respondent, saved.status, saved.non_response_reason) == (
        "citizen",
        "non_response",
        "dementia",
    )


def test_the_manager_records_the_providers_answers_with_the_contact_persons_name(
    client, manager, drawn
):
    _made, sampled, _application = drawn
    client.force_login(manager)
    page = client.post(url("answer_provider", sampled), {"version": ""})
    assert page.context["form"].errors["respondent_name"] == [
        "Skriv namnet på utförarens kontaktperson."
    ]


@pytest.mark.parametrize(
    ("username", "expected"),
    [
        (
            "handlaggare",
            {
                "study_detail": 200,
                "answer_case_officer": 200,
                "answer_citizen": 200,
                "answer_provider": 403,
                "results": 403,
                "results_csv": 403,
            },
        ),
        (
            "enhetschef",
            {
                "study_detail": 200,
                "answer_case_officer": 403,
                "answer_citizen": 200,
                "answer_provider": 200,
                "results": 200,
                "results_xlsx": 200,
            },
        ),
        ("arbetsterapeut", {"study_detail": 403, "answer_citizen": 403, "results": 403}),
        ("admin", {"study_detail": 403, "answer_citizen": 403, "results": 403}),
    ],
)
def test_who_may_open_which_page_of_the_teams_study(client, demo_users, drawn, username, expected):
    made, sampled, _application = drawn
    client.force_login(demo_users[username])
    answers = {
        name: client.get(url(name, sampled if name.startswith("answer") else made)).status_code
        for name in expected
    }
    assert answers == expected
    draw = client.post(url("sample_draw", made)).status_code
    assert draw == (302 if username == "enhetschef" else 403)


def test_the_seed_is_shown_as_typed_without_a_thousands_separator(client, manager):
    from django.utils import timezone

    from assessments.models import ServiceType
    from studies import services

    study = services.study_create(
        actor=manager,
        name="Städ",
        service=ServiceType.objects.get(code="stad"),
        sampling_day=timezone.localdate(),
        sample_size=10,
        seed=20261,
    )
    client.force_login(manager)
    page = client.get(reverse("studies:study_detail", args=[study.public_id])).content.decode()
    assert "ett slumpmässigt urval av 10, startvärde 20261" in page
