"""Every dash and space a person may paste between the date and the serial is the same."""

import pytest
from django.urls import reverse

from assessments.identity import looks_like_identity_number, parse_identity_number

VARIANTS = [
    "19410317-2385",
    "19410317\u20132385",  # en dash
    "19410317\u20142385",  # em dash
    "19410317\u22122385",  # minus sign
    "19410317\u20112385",  # non-breaking hyphen
    "19410317 2385",
    "19410317\u00a02385",  # non-breaking space
    " 19410317\u2013 2385 ",
]


@pytest.mark.parametrize("typed", VARIANTS)
def test_every_separator_gives_the_same_number(typed):
    assert looks_like_identity_number(typed)
    assert parse_identity_number(typed).normalised == "194103172385"


@pytest.mark.django_db
@pytest.mark.parametrize("typed", ["19410317\u20132385", "19410317\u00a02385"])
def test_a_number_with_an_en_dash_does_not_stay_in_the_queue_url(client, officer, typed):
    client.force_login(officer)
    response = client.get(reverse("assessments:work_queue"), {"q": typed, "status": "received"})
    assert response.status_code == 302
    assert "2385" not in response["Location"]
    assert "status=received" in response["Location"]
