"""Questionnaires are versioned: a study pins the versions it started with, and an edit of
a question in use makes a new version, so the answers of earlier studies stay unchanged."""

import datetime

import pytest
from django.urls import reverse

from studies import services
from studies.models import Answer, Question, Questionnaire, Respondent
from tests.unit.studies.helpers import answer_all, granted_case, study

pytestmark = pytest.mark.django_db

SAMPLING_DAY = datetime.date(2026, 6, 15)


def options_of(question):
    return [services.OptionInput(o.code, o.label, o.sort_order) for o in question.options.all()]


def revise(question, **changes):
    fields = {
        "text": question.text,
        "kind": question.kind,
        "text_prompt": question.text_prompt,
        "life_area": question.life_area,
        "sort_order": question.sort_order,
        "options": options_of(question),
    }
    fields.update(changes)
    return services.question_revise(question=question, **fields)


def test_an_edit_of_a_question_in_use_makes_a_new_version(officer, therapist, manager):
    granted_case(officer=officer, therapist=therapist, decided_on=datetime.date(2025, 1, 10))
    first = study(manager=manager, sampling_day=SAMPLING_DAY)
    services.sample_draw(study=first, actor=manager)
    answer_all(first.sampled_cases.get(), respondent=Respondent.CASE_OFFICER, actor=officer)
    old = first.case_officer_questionnaire.questions.get(key="goal_written")
    answered = Answer.objects.get(question=old)
    assert answered.option.label == "Ja"

    revised = revise(
        old,
        text="Är målet med insatsen skrivet i beslutet?",
        options=[*options_of(old)[:3], services.OptionInput("ja_tydligt", "Ja, tydligt", 4)],
    )

    assert revised.pk != old.pk
    assert revised.questionnaire.version == 2
    assert revised.questionnaire.respondent == Respondent.CASE_OFFICER
    assert [o.label for o in revised.options.all()] == ["Ja", "Nej", "Delvis", "Ja, tydligt"]
    # The new version has every question of the old one.
    assert revised.questionnaire.questions.count() == old.questionnaire.questions.count() == 6
    # The first study, its question and its answer are as they were.
    old.refresh_from_db()
    first.refresh_from_db()
    assert old.text == "Är målet med insatsen skrivet?"
    assert [o.label for o in old.options.all()] == ["Ja", "Nej", "Delvis", "Vet ej"]
    assert first.case_officer_questionnaire.version == 1
    answered.refresh_from_db()
    assert (answered.question_id, answered.option.label) == (old.pk, "Ja")
    # A new study pins the new version; the other questionnaires stay at version 1.
    second = study(manager=manager, sampling_day=SAMPLING_DAY)
    assert second.case_officer_questionnaire == revised.questionnaire
    assert second.citizen_questionnaire.version == 1


def test_a_questionnaire_no_study_uses_is_changed_where_it_is():
    question = Questionnaire.objects.get(respondent=Respondent.PROVIDER).questions.get(
        key="plan_followed_up"
    )
    revised = revise(question, text="Följs genomförandeplanen upp?")
    assert revised.pk == question.pk
    assert Questionnaire.objects.filter(respondent=Respondent.PROVIDER).count() == 1


def test_the_administrator_edits_a_question_in_use_in_the_admin(client, demo_users, manager):
    study(manager=manager, sampling_day=SAMPLING_DAY)  # pins every version 1
    question = Questionnaire.objects.get(respondent=Respondent.CITIZEN).questions.get(
        key="satisfied"
    )
    options = list(question.options.all())
    data = {
        "text": "Är du nöjd med hjälpen?",
        "kind": "choice",
        "text_prompt": "",
        "life_area": "",
        "sort_order": question.sort_order,
        "options-TOTAL_FORMS": len(options),
        "options-INITIAL_FORMS": len(options),
        "options-MIN_NUM_FORMS": 0,
        "options-MAX_NUM_FORMS": 1000,
        "_save": "Spara",
    }
    for n, option in enumerate(options):
        data |= {
            f"options-{n}-id": option.pk,
            f"options-{n}-question": question.pk,
            f"options-{n}-code": option.code,
            f"options-{n}-label": option.label,
            f"options-{n}-sort_order": option.sort_order,
        }
    client.force_login(demo_users["admin"])
    response = client.post(reverse("admin:studies_question_change", args=[question.pk]), data)
    assert response.status_code == 302
    question.refresh_from_db()
    assert question.text == "Är du nöjd med insatsen?"
    new = Question.objects.get(questionnaire__version=2, key="satisfied")
    assert new.text == "Är du nöjd med hjälpen?"
    assert [o.label for o in new.options.all()] == ["Ja", "Nej", "Delvis", "Vet ej"]
