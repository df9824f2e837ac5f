"""Every URL × every role, against a case of another team: nobody outside the case gets in.

Built from the URL configuration, so a URL added later fails here until it has an expected
answer: the roles that may open a page without an object are listed in ``OPEN_TO``; every
page about a case, a citizen or a report must answer 403 or 404 to every demo role when the
object belongs to another team (404 for the roles that work on cases, which are not told
that the case exists; 403 for managers and administrators, who see no case records), and
another manager's report answers 403 to everyone."""

import pytest
from django.urls import NoReverseMatch, get_resolver, reverse

from tests.unit.rehab.test_every_view_has_a_permission import walk
from tests.unit.studies.helpers import other_team_study_objects

pytestmark = pytest.mark.django_db

CASE_OFFICER, THERAPIST, PHYSIO, MANAGER, ADMIN = (
    "handlaggare",
    "arbetsterapeut",
    "fysioterapeut",
    "enhetschef",
    "admin",
)
ROLES = [CASE_OFFICER, THERAPIST, PHYSIO, MANAGER, ADMIN]
CASE_ROLES = {CASE_OFFICER, THERAPIST, PHYSIO}

# Pages without an object in the URL: who gets the page (200); everyone else gets 403.
OPEN_TO = {
    "system": {ADMIN},
    "access_log": {ADMIN},
    "access_log_export": {ADMIN},
    "citizen_access_report": {ADMIN},
    "work_queue": {CASE_OFFICER},
    "my_visits": {THERAPIST, PHYSIO},
    "citizen_search": {CASE_OFFICER},
    "citizen_create": {CASE_OFFICER},
    "import_applications": {CASE_OFFICER},
    "import_status": {CASE_OFFICER},
    "my_follow_ups": {CASE_OFFICER},
    "overview": {MANAGER},
    "dashboard": {MANAGER},
    "dashboard_download": {MANAGER},
    "protected_identities": {MANAGER},
    "whatif": {MANAGER, ADMIN},
    "projection": {MANAGER, ADMIN},
    "performed_import": {MANAGER},
    "report_order": {MANAGER, ADMIN},
    "study_list": {CASE_OFFICER, MANAGER},
    "study_create": {MANAGER},
}
# Views anyone reaches, or that only redirect: their answers are fixed and the same for all.
FIXED = {
    "home": 302,
    "login": 200,
    "logout": 405,
    # Single sign-on is not configured here: no start, a bare callback goes to the login
    # page, and the refusal page explains (tests/e2e/test_single_sign_on.py has the rest).
    "sso_refused": 403,
    "oidc_authentication_init": 404,
    "oidc_authentication_callback": 302,
    "set_language": 302,
    "healthz": 200,
    "two_factor": 200,
}


def url_for(route: str, pattern, objects) -> str:
    kwargs = {}
    if "<uuid:public_id>" in route:
        kwargs["public_id"] = objects[route.split("/", 1)[0]]
    if "<int:months>" in route:
        kwargs["months"] = 3
    if "<slug:code>" in route:
        kwargs["code"] = "tug"
    if "<int:intervention_id>" in route:
        kwargs["intervention_id"] = 1
    for namespace in ("assessments:", "tracks:", "followup:", "studies:", ""):
        try:
            return reverse(namespace + pattern.name, kwargs=kwargs)
        except NoReverseMatch:
            continue
    raise AssertionError(f"cannot build a URL for {route}")


def routes():
    return list(walk(get_resolver().url_patterns))


def test_every_url_has_an_expected_answer():
    names = {pattern.name for route, pattern in routes() if "<" not in route}
    assert names <= set(OPEN_TO) | set(FIXED), names - set(OPEN_TO) - set(FIXED)


@pytest.mark.parametrize("username", ROLES)
def test_every_role_gets_the_expected_answer_from_every_url(
    client, demo_users, other_team_objects, username
):
    client.force_login(demo_users[username])
    other_team_objects = {**other_team_objects, **other_team_study_objects()}
    unexpected = []
    for route, pattern in routes():
        url = url_for(route, pattern, other_team_objects)
        if route.startswith("reports/<"):  # another manager's report
            expected = {403}
            answers = {client.get(url).status_code, client.post(url, {}).status_code}
            if not answers <= expected:
                unexpected.append((route, answers, expected))
        elif "<" in route:  # a page about another team's case or citizen
            expected = {404} if username in CASE_ROLES else {403}
            answers = {client.get(url).status_code, client.post(url, {}).status_code}
            if not answers <= expected:
                unexpected.append((route, answers, expected))
        else:
            expected = FIXED.get(pattern.name) or (
                200 if username in OPEN_TO[pattern.name] else 403
            )
            answer = client.get(url).status_code
            if answer != expected:
                unexpected.append((route, answer, expected))
    assert unexpected == []
