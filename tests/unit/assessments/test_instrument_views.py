import re
from decimal import Decimal

import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import timezone

from assessments import scoring, services
from assessments.forms.instruments import FORMS
from assessments.models import Application, InstrumentResult, ServiceType
from rehab.models import AccessLogEntry
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

NUMBER = "19400307-3428"


@pytest.fixture
def client(client):
    """Pages in English, so that the assertions read like the source strings."""
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return client


@pytest.fixture
def manager(demo_users):
    return demo_users["enhetschef"]


@pytest.fixture
def application(officer, therapist):
    citizen = services.citizen_create(
        personal_number=NUMBER, team=officer.team, first_name="Astrid", last_name="Lind"
    )
    return services.application_create(
        citizen=citizen,
        received_on=timezone.localdate(),
        channel=Application.Channel.PHONE,
        case_officer=officer,
        therapist=therapist,
        services=[services.ServiceRequest(ServiceType.objects.get(code="dusch"), 30)],
    )


def record_url(application, code):
    return reverse("assessments:instrument_record", args=[application.public_id, code])


def list_url(application):
    return reverse("assessments:instruments", args=[application.public_id])


def field_errors(response, name):
    """The error texts crispy renders inside the field's own wrapper."""
    html = response.content.decode()
    block = re.search(rf'<div id="div_id_{name}".*?(?=<div id="div_id_|</form>)', html, re.S)
    assert block, f"no wrapper for {name}"
    return re.findall(rf'id="error_\d+_id_{name}"[^>]*>\s*<strong>(.*?)</strong>', block.group(0))


DOWNTON_POST = {
    "previous_falls": "yes",
    "medications": ["diuretics"],
    "sensory_deficits": ["visual"],
    "mental_state": "oriented",
    "gait": "normal",
}


def test_every_form_has_the_fields_its_scoring_function_takes():
    assert set(FORMS) == set(scoring.INSTRUMENTS)
    for code, form_class in FORMS.items():
        assert list(form_class.base_fields) == list(scoring.INSTRUMENTS[code].fields), code


def test_the_therapist_records_downton_and_a_high_risk_is_flagged(client, therapist, application):
    client.force_login(therapist)
    response = client.post(record_url(application, "downton"), DOWNTON_POST)
    assert response.status_code == 302
    assert response["Location"] == list_url(application)
    result = InstrumentResult.objects.get()
    assert result.application == application
    assert result.instrument == "downton"
    assert result.version == scoring.DOWNTON_VERSION
    assert result.score_text == "3"
    assert result.flag is True
    assert result.occasion == InstrumentResult.Occasion.ASSESSMENT
    assert result.recorded_by == therapist
    assert result.answers["medications"] == ["diuretics"]
    assert AccessLogEntry.objects.filter(
        citizen_ref=application.citizen.public_id,
        action=AccessLogEntry.Action.CREATE,
        view="assessments:instrument_record",
    ).exists()


def test_downton_none_with_another_medication_is_refused_next_to_the_field(
    client, therapist, application
):
    client.force_login(therapist)
    post = {**DOWNTON_POST, "medications": ["none", "diuretics"]}
    response = client.post(record_url(application, "downton"), post)
    assert response.status_code == 200
    assert field_errors(response, "medications")
    assert not InstrumentResult.objects.exists()


@pytest.mark.parametrize("seconds", ["12,5", "12.5"])
def test_tug_takes_a_comma_or_a_point(client, therapist, application, seconds):
    client.force_login(therapist)
    response = client.post(
        record_url(application, "tug"), {"seconds": seconds, "walking_aid_used": "True"}
    )
    assert response.status_code == 302
    result = InstrumentResult.objects.get()
    assert result.score_text == "12.5 s"
    assert result.score == Decimal("12.5")
    assert result.variant == "med gånghjälpmedel"
    assert result.version == scoring.TUG_VERSION
    assert result.flag is True


def test_tug_without_aid_under_the_cutoff_is_not_flagged(client, therapist, application):
    client.force_login(therapist)
    client.post(record_url(application, "tug"), {"seconds": "9", "walking_aid_used": "False"})
    result = InstrumentResult.objects.get()
    assert (result.score_text, result.variant, result.flag) == (
        "9.0 s",
        "utan gånghjälpmedel",
        False,
    )


def test_an_out_of_range_tug_is_refused_next_to_the_field_and_kept(client, therapist, application):
    client.force_login(therapist)
    response = client.post(
        record_url(application, "tug"), {"seconds": "0", "walking_aid_used": "True"}
    )
    assert response.status_code == 200
    assert field_errors(response, "seconds") == ["The time must be more than 0 seconds."]
    assert field_errors(response, "walking_aid_used") == []
    html = response.content.decode()
    assert re.search(r'<input[^>]*name="seconds"[^>]*value="0"', html)
    assert re.search(
        r'<input[^>]*value="True"[^>]*checked|<input[^>]*checked[^>]*value="True"', html
    )
    assert not InstrumentResult.objects.exists()


def test_the_walking_aid_must_be_answered(client, therapist, application):
    client.force_login(therapist)
    response = client.post(record_url(application, "tug"), {"seconds": "10"})
    assert response.status_code == 200
    assert field_errors(response, "walking_aid_used")
    assert not InstrumentResult.objects.exists()


EQ5D_POST = {
    "mobility": "1",
    "self_care": "1",
    "usual_activities": "2",
    "pain_discomfort": "3",
    "anxiety_depression": "2",
    "vas": "70",
}


def test_eq5d5l_is_stored_as_the_health_state_and_the_vas(client, therapist, application):
    client.force_login(therapist)
    response = client.post(record_url(application, "eq5d5l"), EQ5D_POST)
    assert response.status_code == 302
    result = InstrumentResult.objects.get()
    assert result.score_text == "11232, VAS 70"
    assert result.version == scoring.EQ5D5L_VERSION
    assert result.flag is False


def test_a_vas_over_100_is_refused_next_to_the_field(client, therapist, application):
    client.force_login(therapist)
    response = client.post(record_url(application, "eq5d5l"), {**EQ5D_POST, "vas": "101"})
    assert response.status_code == 200
    assert field_errors(response, "vas") == ["Enter a value from 0 to 100."]
    assert field_errors(response, "mobility") == []
    assert re.search(r'<input[^>]*name="vas"[^>]*value="101"', response.content.decode())
    assert not InstrumentResult.objects.exists()


def test_the_eq5d5l_form_says_its_labels_are_our_own(client, therapist, application):
    client.force_login(therapist)
    response = client.get(record_url(application, "eq5d5l"))
    html = response.content.decode()
    assert response.status_code == 200
    assert "EuroQol" in html
    assert scoring.EQ5D5L_VERSION in html


def test_fes_i_all_twos_is_high_concern(client, therapist, application):
    client.force_login(therapist)
    post = {item.code: "2" for item in scoring.FES_I_ITEMS}
    response = client.post(record_url(application, "fes_i"), post)
    assert response.status_code == 302
    result = InstrumentResult.objects.get()
    assert result.score_text == "32"
    assert result.flag is True
    assert result.version == scoring.FES_I_VERSION
    assert result.answers["concern"] == "high"


def test_fes_s_is_summed(client, therapist, application):
    client.force_login(therapist)
    post = {item.code: "10" for item in scoring.FES_S_ITEMS}
    post["item_1"] = "0"
    response = client.post(record_url(application, "fes_s"), post)
    assert response.status_code == 302
    result = InstrumentResult.objects.get()
    assert (result.score_text, result.version) == ("120", scoring.FES_S_VERSION)


def test_trajectory_is_recorded(client, therapist, application):
    client.force_login(therapist)
    response = client.post(record_url(application, "trajectory"), {"trajectory": "2"})
    assert response.status_code == 302
    result = InstrumentResult.objects.get()
    assert result.score_text == "2"
    assert result.version == scoring.TRAJECTORY_VERSION
    assert result.flag is False


def test_every_form_renders_with_its_version_and_radio_groups_in_fieldsets(
    client, therapist, application
):
    client.force_login(therapist)
    for code, spec in scoring.INSTRUMENTS.items():
        response = client.get(record_url(application, code))
        html = response.content.decode()
        assert response.status_code == 200, code
        assert "<h1>" in html and "Astrid Lind" in html
        assert spec.version in html
        radios = html.count('type="radio"') + html.count('type="checkbox"')
        if radios:
            assert "<fieldset" in html and "<legend" in html, code
    assert AccessLogEntry.objects.filter(
        action=AccessLogEntry.Action.READ, view="assessments:instrument_record"
    ).exists()


def test_the_list_shows_the_results_and_the_links_to_record(client, therapist, application):
    services.instrument_record(
        application=application,
        instrument="tug",
        answers={"seconds": "12,5", "walking_aid_used": True},
        actor=therapist,
    )
    services.instrument_record(
        application=application,
        instrument="trajectory",
        answers={"trajectory": 1},
        actor=therapist,
    )
    client.force_login(therapist)
    response = client.get(list_url(application))
    html = response.content.decode()
    assert response.status_code == 200
    assert "Timed Up and Go (TUG)" in html
    assert "12.5 s" in html
    assert "med gånghjälpmedel" in html
    assert scoring.TUG_VERSION in html
    assert html.count("Needs attention") == 1
    assert html.count('data-testid="instrument-result"') == 2
    for code in scoring.INSTRUMENTS:
        assert record_url(application, code) in html
    assert AccessLogEntry.objects.filter(
        citizen_ref=application.citizen.public_id,
        action=AccessLogEntry.Action.READ,
        view="assessments:instruments",
    ).exists()


def test_the_case_officer_sees_the_list_but_does_not_record(client, officer, application):
    client.force_login(officer)
    response = client.get(list_url(application))
    assert response.status_code == 200
    assert record_url(application, "tug") not in response.content.decode()
    assert client.get(record_url(application, "tug")).status_code == 403


def test_a_therapist_not_assigned_gets_404(client, officer, application):
    other = UserFactory(therapist=True, team=officer.team)
    client.force_login(other)
    assert client.get(list_url(application)).status_code == 404
    assert client.get(record_url(application, "tug")).status_code == 404
    response = client.post(
        record_url(application, "tug"), {"seconds": "10", "walking_aid_used": "False"}
    )
    assert response.status_code == 404
    assert not InstrumentResult.objects.exists()


def test_a_manager_gets_403(client, manager, application):
    client.force_login(manager)
    assert client.get(list_url(application)).status_code == 403
    assert client.get(record_url(application, "tug")).status_code == 403


def test_an_unknown_instrument_is_404(client, therapist, application):
    client.force_login(therapist)
    assert client.get(record_url(application, "mmse")).status_code == 404
    assert client.post(record_url(application, "mmse"), {"score": "30"}).status_code == 404
