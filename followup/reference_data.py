"""Defaults every installation starts with: follow-up intervals per track and the savings
parameters' first version (200 kr/h, 4.5 weeks per month, 337.50 kr/h for the therapist)."""

import datetime

from followup.calc import HOURLY_COST, THERAPIST_HOURLY_COST, WEEKS_PER_MONTH

DEFAULT_INTERVALS = [(track, months) for track in (None, 1, 2, 3) for months in (3, 6)]
FIRST_PARAMETERS = {
    "valid_from": datetime.date(2020, 1, 1),
    "hourly_cost": HOURLY_COST,
    "weeks_per_month": WEEKS_PER_MONTH,
    "therapist_hourly_cost": THERAPIST_HOURLY_COST,
}


def ensure_reference_data(interval_model, parameters_model) -> None:
    """Works with the real models and with a migration's historical models."""
    if not interval_model.objects.exists():
        for track, months in DEFAULT_INTERVALS:
            interval_model.objects.get_or_create(track=track, months=months)
    if not parameters_model.objects.exists():
        parameters_model.objects.create(**FIRST_PARAMETERS)
