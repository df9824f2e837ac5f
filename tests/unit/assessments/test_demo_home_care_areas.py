"""The demo and the bulk generator give the demo team its home-care areas and every
fictional citizen one of them, by postal code."""

import pytest

from assessments import demo_data
from assessments.models import Citizen, HomeCareArea
from followup.demo import generate_through_services
from rehab.demo import DEMO_TEAM

pytestmark = pytest.mark.django_db


def _areas_by_postal_code() -> dict[str, set[str]]:
    found: dict[str, set[str]] = {}
    for code, area in Citizen.objects.values_list("postal_code", "home_care_area__name"):
        found.setdefault(code, set()).add(area)
    return found


def test_the_bulk_generator_puts_every_citizen_in_an_area_of_the_demo_team():
    demo_data.generate(citizens=40, seed=3)
    assert sorted(HomeCareArea.objects.values_list("team__name", "name")) == [
        (DEMO_TEAM, "Centrum"),
        (DEMO_TEAM, "Landsbygd"),
        (DEMO_TEAM, "Norra"),
        (DEMO_TEAM, "Södra"),
    ]
    assert not Citizen.objects.filter(home_care_area=None).exists()
    assert not Citizen.objects.exclude(home_care_area__team__name=DEMO_TEAM).exists()
    assert Citizen.objects.values("home_care_area").distinct().count() > 1
    assert all(len(areas) == 1 for areas in _areas_by_postal_code().values())


def test_the_demo_through_the_services_does_too_and_a_second_run_adds_no_areas():
    generate_through_services(citizens=4, seed=5)
    generate_through_services(citizens=2, seed=6)
    assert HomeCareArea.objects.count() == 4
    assert not Citizen.objects.filter(home_care_area=None).exists()


def test_an_area_follows_from_the_postal_code():
    areas = ["Centrum", "Landsbygd", "Norra", "Södra"]
    assert demo_data.home_care_area_for("861 31", areas) == "Södra"  # 86131 % 4 == 3
    assert demo_data.home_care_area_for("852 40", areas) == "Centrum"  # 85240 % 4 == 0
    assert demo_data.home_care_area_for("", areas) is None
    assert demo_data.home_care_area_for("861 31", []) is None
