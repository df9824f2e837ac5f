import re

import pytest
from django.urls import reverse

from rehab.demo import DEMO_USERS
from rehab.roles import START_PAGES

pytestmark = pytest.mark.django_db

START_PAGE_HEADINGS = {
    "handlaggare": ("assessments:work_queue", "Arbetskö"),
    "arbetsterapeut": ("assessments:my_visits", "Mina besök"),
    "fysioterapeut": ("assessments:my_visits", "Mina besök"),
    "enhetschef": ("followup:overview", "Översikt"),
    "admin": ("system", "Systemförvaltning"),
}


def test_every_role_has_a_demo_user_and_a_start_page():
    assert {demo.role for demo in DEMO_USERS} == set(START_PAGES)


@pytest.mark.parametrize("username", list(START_PAGE_HEADINGS))
def test_each_role_lands_on_its_own_start_page(client, demo_users, demo_password, username):
    response = client.post(
        reverse("login"), {"username": username, "password": demo_password}, follow=True
    )
    url_name, heading = START_PAGE_HEADINGS[username]
    assert response.redirect_chain[-1][0] == reverse(url_name)
    assert re.search(rf"<h1[^>]*>{heading}</h1>", response.content.decode())


def test_a_wrong_password_is_refused_in_swedish(client, demo_users):
    response = client.post(reverse("login"), {"username": "handlaggare", "password": "fel"})
    assert response.status_code == 200
    assert "Ange ett korrekt användarnamn och lösenord" in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_anonymous_users_are_sent_to_the_login_page(client):
    response = client.get(reverse("assessments:work_queue"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


@pytest.mark.parametrize(
    ("username", "url_name"),
    [
        ("arbetsterapeut", "assessments:work_queue"),
        ("handlaggare", "followup:overview"),
        ("enhetschef", "system"),
        ("admin", "assessments:my_visits"),
    ],
)
def test_another_roles_start_page_is_forbidden(client, demo_users, username, url_name):
    client.force_login(demo_users[username])
    assert client.get(reverse(url_name)).status_code == 403


def test_a_user_without_a_role_is_told_so(client, django_user_model):
    client.force_login(django_user_model.objects.create_user("utan-roll", password="x"))
    response = client.get(reverse("home"))
    assert response.status_code == 403
    assert "Ditt konto har ingen roll" in response.content.decode()


def test_logout_is_a_post_and_ends_the_session(client, demo_users):
    client.force_login(demo_users["handlaggare"])
    response = client.post(reverse("logout"))
    assert response.status_code == 302
    assert "_auth_user_id" not in client.session


def test_english_can_be_chosen(client, demo_users):
    client.force_login(demo_users["handlaggare"])
    client.post(reverse("set_language"), {"language": "en", "next": "/queue/"})
    page = client.get(reverse("assessments:work_queue")).content.decode()
    assert re.search(r"<h1[^>]*>Work queue</h1>", page)


def test_passwords_are_hashed_with_argon2_outside_tests():
    from rehab.settings import base

    assert base.PASSWORD_HASHERS[0].endswith("Argon2PasswordHasher")


@pytest.mark.parametrize(
    "url",
    [
        "/admin/assessments/servicetype/",
        "/admin/assessments/lifearea/",
        "/admin/assessments/relatedfactor/",
        "/admin/assessments/homecarearea/add/",
        "/admin/followup/followupinterval/",
        "/admin/followup/savingsparameters/",
        "/admin/followup/tariff/add/",
        "/admin/rehab/user/",
    ],
)
def test_the_administrator_edits_catalogues_intervals_and_tariffs(client, demo_users, url):
    client.force_login(demo_users["admin"])
    assert client.get(url).status_code == 200


def test_the_administrator_does_not_read_case_records_in_the_admin(client, demo_users):
    client.force_login(demo_users["admin"])
    assert client.get("/admin/assessments/citizen/").status_code == 404
    assert client.get(reverse("assessments:work_queue")).status_code == 403


def test_repeated_failed_logins_lock_the_account_out(client, demo_users, demo_password):
    url = reverse("login")
    for _ in range(5):
        client.post(url, {"username": "handlaggare", "password": "fel"})
    response = client.post(url, {"username": "handlaggare", "password": demo_password})
    assert response.status_code == 429
    assert "För många misslyckade inloggningar" in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_sessions_end_after_30_idle_minutes_and_with_the_browser(client, demo_users, settings):
    assert settings.SESSION_COOKIE_AGE == 30 * 60
    assert settings.SESSION_SAVE_EVERY_REQUEST  # each request restarts the idle clock
    assert settings.SESSION_EXPIRE_AT_BROWSER_CLOSE
    client.force_login(demo_users["handlaggare"])
    client.get(reverse("assessments:work_queue"))
    assert client.session.get_expire_at_browser_close()
    assert 29 * 60 < client.session.get_expiry_age() <= 30 * 60
