import pytest
from django.core.management import call_command
from django.urls import reverse

pytestmark = pytest.mark.django_db


def test_the_manager_sees_the_pilot_cohorts_savings_and_the_chart(client, demo_users):
    call_command("load_pilot_cohort")
    client.force_login(demo_users["enhetschef"])
    page = client.get(reverse("followup:overview")).content.decode()
    assert "13 h 10 min" in page
    assert "11\u00a0850\u00a0kr" in page
    assert "68 %" in page or "68\u00a0%" in page
    assert "<svg" in page and 'role="img"' in page
    # The cohort is 14 people, but no name or identity number of any of them is on the page.
    assert "Pilotsson" not in page


def test_a_small_team_is_shown_as_fewer_than_five(client, demo_users):
    client.force_login(demo_users["enhetschef"])
    page = client.get(reverse("followup:overview")).content.decode()
    assert "&lt;5" in page
    assert "Too few" in page or "För få" in page


def test_the_overview_is_for_managers(client, demo_users):
    client.force_login(demo_users["handlaggare"])
    assert client.get(reverse("followup:overview")).status_code == 403


def test_the_flow_is_labelled_in_swedish(client, demo_users):
    client.force_login(demo_users["enhetschef"])
    page = client.get(reverse("followup:overview"), HTTP_ACCEPT_LANGUAGE="sv").content.decode()
    for label in [
        "Inkomna ansökningar",
        "Genomförda gemensamma hembesök",
        "Spår 1: fallförebyggande",
        "Spår 2: aktivitetsbedömning",
        "Spår 3: intensiv hemrehabilitering",
        "Överlämnade för beslut",
        "Beslutade ärenden",
        "Uppföljda",
    ]:
        assert f'<th scope="row">{label}</th>' in page
    assert "Applications received" not in page
    assert "Followed up" not in page
