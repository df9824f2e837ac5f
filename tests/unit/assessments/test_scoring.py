"""Instrument scoring against the published scoring rules, without a database."""

import dataclasses
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.utils import translation

from assessments.scoring import (
    DOWNTON_ITEMS,
    DOWNTON_MAX_TOTAL,
    EQ5D_DIMENSIONS,
    FES_I_ITEMS,
    FES_S_ITEMS,
    INSTRUMENTS,
    TUG_CUTOFF_SECONDS,
    DowntonGait,
    DowntonMedication,
    DowntonMentalState,
    DowntonPreviousFalls,
    DowntonSensoryDeficit,
    Eq5dLevel,
    FesIConcernLevel,
    Trajectory,
    parse_health_state,
    score_downton,
    score_eq5d5l,
    score_fes_i,
    score_fes_s,
    score_trajectory,
    score_tug,
)


def refused(call, *args, **kwargs):
    """The field names of the refusal and their messages, rendered in English."""
    with pytest.raises(ValidationError) as caught:
        call(*args, **kwargs)
    with translation.override("en"):
        return caught.value.message_dict


# --------------------------------------------------------------------------- Downton

NO_RISK = {
    "previous_falls": "no",
    "medications": ["none"],
    "sensory_deficits": ["none"],
    "mental_state": "oriented",
    "gait": "normal",
}


def test_downton_all_zero_is_not_high_risk():
    result = score_downton(**NO_RISK)
    assert result.total == 0
    assert result.high_risk is False
    assert result.flags == {"high_risk": False}
    assert result.instrument == "downton"
    assert result.version == "Downton 1993"
    assert str(result.interpretation)


def test_downton_other_medication_scores_zero():
    result = score_downton(**{**NO_RISK, "medications": ["other"]})
    assert result.total == 0


def test_downton_exactly_three_is_high_risk():
    result = score_downton(
        **{
            **NO_RISK,
            "previous_falls": "yes",
            "medications": ["diuretics", "other"],
            "gait": "safe_with_aids",
        }
    )
    assert result.total == 3
    assert result.high_risk is True
    assert result.raised_flags == ("high_risk",)
    assert result.item_scores == {
        "previous_falls": 1,
        "medications": 1,
        "sensory_deficits": 0,
        "mental_state": 0,
        "gait": 1,
    }


def test_downton_two_is_not_high_risk():
    result = score_downton(**{**NO_RISK, "previous_falls": "yes", "mental_state": "confused"})
    assert result.total == 2
    assert result.high_risk is False


def test_downton_maximum_is_eleven():
    result = score_downton(
        previous_falls=DowntonPreviousFalls.YES,
        medications=[
            DowntonMedication.TRANQUILLISERS,
            DowntonMedication.DIURETICS,
            DowntonMedication.ANTIHYPERTENSIVES,
            DowntonMedication.ANTIPARKINSONIAN,
            DowntonMedication.ANTIDEPRESSANTS,
            DowntonMedication.OTHER,
        ],
        sensory_deficits={
            DowntonSensoryDeficit.VISUAL,
            DowntonSensoryDeficit.HEARING,
            DowntonSensoryDeficit.LIMB,
        },
        mental_state=DowntonMentalState.CONFUSED,
        gait=DowntonGait.UNSAFE,
    )
    assert result.total == DOWNTON_MAX_TOTAL == 11
    assert result.high_risk is True


@pytest.mark.parametrize("gait", ["safe_with_aids", "unsafe", "unable"])
def test_downton_every_impaired_gait_scores_one(gait):
    assert score_downton(**{**NO_RISK, "gait": gait}).total == 1


def test_downton_sets_are_stored_in_a_fixed_order_without_duplicates():
    result = score_downton(
        **{**NO_RISK, "medications": ["antidepressants", "diuretics", "diuretics"]}
    )
    assert result.medications == ("diuretics", "antidepressants")
    assert result.total == 2


@pytest.mark.parametrize("item", ["medications", "sensory_deficits"])
def test_downton_none_mixed_with_another_choice_is_refused(item):
    other = "diuretics" if item == "medications" else "visual"
    errors = refused(score_downton, **{**NO_RISK, item: ["none", other]})
    assert list(errors) == [item]
    assert "cannot be combined" in errors[item][0]


def test_downton_none_with_other_medication_is_refused():
    errors = refused(score_downton, **{**NO_RISK, "medications": ["none", "other"]})
    assert list(errors) == ["medications"]


@pytest.mark.parametrize(
    ("item", "value"),
    [
        ("previous_falls", "maybe"),
        ("medications", ["aspirin"]),
        ("sensory_deficits", ["smell"]),
        ("mental_state", "sleepy"),
        ("gait", "running"),
    ],
)
def test_downton_unknown_code_is_refused(item, value):
    errors = refused(score_downton, **{**NO_RISK, item: value})
    assert list(errors) == [item]
    assert "not one of the available choices" in errors[item][0]


@pytest.mark.parametrize("item", [item.code for item in DOWNTON_ITEMS])
@pytest.mark.parametrize("missing", [None, "", []])
def test_downton_missing_item_is_refused(item, missing):
    errors = refused(score_downton, **{**NO_RISK, item: missing})
    assert list(errors) == [item]


def test_downton_reports_every_bad_item_at_once():
    errors = refused(score_downton, previous_falls="no")
    assert set(errors) == {"medications", "sensory_deficits", "mental_state", "gait"}


def test_downton_choices_have_labels_for_forms():
    assert DowntonMedication.NONE.value == "none"
    assert all(str(label) for _value, label in DowntonMedication.choices)
    assert [item.code for item in DOWNTON_ITEMS] == [
        "previous_falls",
        "medications",
        "sensory_deficits",
        "mental_state",
        "gait",
    ]


# --------------------------------------------------------------------------- FES-I


def fes_i_answers(total):
    """Sixteen answers 1-4 adding up to total."""
    answers = [1] * 16
    extra = total - 16
    for index in range(16):
        step = min(3, extra)
        answers[index] += step
        extra -= step
    assert sum(answers) == total
    return answers


@pytest.mark.parametrize(
    ("total", "concern"),
    [
        (16, FesIConcernLevel.LOW),
        (19, FesIConcernLevel.LOW),
        (20, FesIConcernLevel.MODERATE),
        (27, FesIConcernLevel.MODERATE),
        (28, FesIConcernLevel.HIGH),
        (64, FesIConcernLevel.HIGH),
    ],
)
def test_fes_i_concern_bands(total, concern):
    result = score_fes_i(fes_i_answers(total))
    assert result.total == total
    assert result.concern == concern
    assert result.high_concern is (concern == FesIConcernLevel.HIGH)
    assert result.instrument == "fes_i"
    assert result.version == "FES-I 16 items (Yardley 2005)"


def test_fes_i_lowest_total_is_low_concern():
    result = score_fes_i([1] * 16)
    assert result.total == 16
    assert result.concern == "low"
    assert result.flags == {"high_concern": False}
    assert result.items == (1,) * 16


def test_fes_i_accepts_answers_by_item_code():
    answers = {item.code: 2 for item in FES_I_ITEMS}
    answers["unrelated_field"] = "ignored"
    assert score_fes_i(answers).total == 32


@pytest.mark.parametrize("value", [0, 5, -1, "x", 2.5, "--3", "٣"])
def test_fes_i_answer_outside_one_to_four_is_refused(value):
    answers = [2] * 16
    answers[3] = value
    errors = refused(score_fes_i, answers)
    assert list(errors) == ["item_4"]


def test_fes_i_fifteen_answers_are_refused():
    errors = refused(score_fes_i, [2] * 15)
    assert list(errors) == ["items"]
    assert "16" in errors["items"][0]


def test_fes_i_missing_item_is_refused():
    answers = {item.code: 2 for item in FES_I_ITEMS}
    del answers["item_16"]
    errors = refused(score_fes_i, answers)
    assert list(errors) == ["item_16"]
    assert errors["item_16"] == ["This item must be answered."]


def test_fes_i_has_sixteen_labelled_items():
    assert len(FES_I_ITEMS) == 16
    assert len({item.code for item in FES_I_ITEMS}) == 16


# --------------------------------------------------------------------------- FES(S)


def test_fes_s_bounds():
    lowest = score_fes_s([0] * 13)
    highest = score_fes_s([10] * 13)
    assert lowest.total == 0
    assert highest.total == 130
    assert lowest.flags == {}
    assert lowest.instrument == "fes_s"
    assert lowest.version == "FES(S) 13 items"
    with translation.override("en"):
        assert "lower" in str(lowest.interpretation)


def test_fes_s_answer_eleven_is_refused():
    answers = [10] * 13
    answers[12] = 11
    errors = refused(score_fes_s, answers)
    assert list(errors) == ["item_13"]
    assert errors["item_13"] == ["Enter a value from 0 to 10."]


def test_fes_s_wrong_number_of_answers_is_refused():
    assert list(refused(score_fes_s, [5] * 16)) == ["items"]


def test_fes_s_has_thirteen_labelled_items():
    assert len(FES_S_ITEMS) == 13


# --------------------------------------------------------------------------- TUG


def test_tug_just_under_the_cutoff_is_not_flagged():
    result = score_tug("11.9")
    assert result.seconds == Decimal("11.9")
    assert result.increased_fall_risk is False
    assert result.flags == {"increased_fall_risk": False}


def test_tug_at_the_cutoff_is_flagged():
    result = score_tug(Decimal("12.0"))
    assert result.increased_fall_risk is True
    assert result.cutoff_seconds == TUG_CUTOFF_SECONDS == Decimal("12")
    assert result.instrument == "tug"
    assert result.version == "TUG, 3 m"
    with translation.override("en"):
        assert str(result.interpretation).startswith("12 s")


@pytest.mark.parametrize(
    ("given", "seconds"),
    [(12, Decimal("12.0")), ("9,46", Decimal("9.5")), (Decimal("8.04"), Decimal("8.0"))],
)
def test_tug_keeps_one_decimal(given, seconds):
    result = score_tug(given)
    assert result.seconds == seconds
    assert result.seconds.as_tuple().exponent == -1


@pytest.mark.parametrize("seconds", [0, "0", "-3", "0.04", 301, "300.5"])
def test_tug_out_of_range_is_refused(seconds):
    assert list(refused(score_tug, seconds)) == ["seconds"]


def test_tug_upper_bound_is_accepted():
    assert score_tug(300).seconds == Decimal("300.0")


@pytest.mark.parametrize("seconds", ["abc", "", None, "NaN", "Infinity", True])
def test_tug_non_number_is_refused(seconds):
    assert list(refused(score_tug, seconds)) == ["seconds"]


def test_tug_walking_aid_is_stored():
    assert score_tug("10", walking_aid_used=True).walking_aid_used is True
    assert score_tug("10").walking_aid_used is False


def test_tug_missing_walking_aid_answer_is_refused():
    assert list(refused(score_tug, "10", walking_aid_used=None)) == ["walking_aid_used"]


# --------------------------------------------------------------------------- EQ-5D-5L

LEVELS = {
    "mobility": 1,
    "self_care": 1,
    "usual_activities": 2,
    "pain_discomfort": 3,
    "anxiety_depression": 2,
}


def test_eq5d5l_health_state_follows_the_dimension_order():
    result = score_eq5d5l(**LEVELS, vas=70)
    assert result.health_state == "11232"
    assert result.levels == (1, 1, 2, 3, 2)
    assert result.level_sum == 9
    assert result.vas == 70
    assert result.flags == {"full_health": False, "any_extreme": False}
    assert result.instrument == "eq5d5l"
    assert result.version == "EQ-5D-5L"


def test_eq5d5l_best_and_worst_states():
    best = score_eq5d5l(**dict.fromkeys(LEVELS, 1), vas=100)
    worst = score_eq5d5l(**dict.fromkeys(LEVELS, 5), vas=0)
    assert (best.health_state, best.level_sum, best.full_health) == ("11111", 5, True)
    assert (worst.health_state, worst.level_sum, worst.any_extreme) == ("55555", 25, True)


@pytest.mark.parametrize("vas", [0, 100, "55"])
def test_eq5d5l_vas_bounds_are_accepted(vas):
    assert score_eq5d5l(**LEVELS, vas=vas).vas == int(vas)


@pytest.mark.parametrize("vas", [101, -1, None, "high", 50.5])
def test_eq5d5l_vas_outside_zero_to_hundred_is_refused(vas):
    assert list(refused(score_eq5d5l, **LEVELS, vas=vas)) == ["vas"]


@pytest.mark.parametrize("level", [0, 6])
@pytest.mark.parametrize("dimension", list(LEVELS))
def test_eq5d5l_level_outside_one_to_five_is_refused(dimension, level):
    errors = refused(score_eq5d5l, **{**LEVELS, dimension: level}, vas=50)
    assert list(errors) == [dimension]
    assert errors[dimension] == ["Enter a value from 1 to 5."]


def test_eq5d5l_labels_are_our_own_short_labels():
    assert [item.dimension for item in EQ5D_DIMENSIONS] == ["MO", "SC", "UA", "PD", "AD"]
    assert [item.code for item in EQ5D_DIMENSIONS] == list(LEVELS)
    with translation.override("en"):
        assert str(Eq5dLevel(1).label) == "no problems"
        assert str(Eq5dLevel(5).label) == "unable/extreme"
        assert all(len(str(label)) < 30 for _value, label in Eq5dLevel.choices)


def test_parse_health_state():
    assert parse_health_state("12345") == (1, 2, 3, 4, 5)
    assert parse_health_state(" 11232 ") == (1, 1, 2, 3, 2)


@pytest.mark.parametrize("state", ["123", "61111", "11110", "123456", "1 232", "", None, 11232])
def test_parse_health_state_refuses_anything_but_five_levels(state):
    assert list(refused(parse_health_state, state)) == ["health_state"]


# --------------------------------------------------------------------------- trajectory


@pytest.mark.parametrize("value", [1, 2, 3, "2"])
def test_trajectory_levels(value):
    result = score_trajectory(value)
    assert result.trajectory == int(value)
    assert result.score == int(value)
    assert result.lasting_needs is (int(value) == 3)
    assert result.interpretation == Trajectory(int(value)).label
    assert result.instrument == "trajectory"


@pytest.mark.parametrize("value", [0, 4, None, "", "x", True, 1.5])
def test_trajectory_anything_else_is_refused(value):
    assert list(refused(score_trajectory, value)) == ["trajectory"]


# --------------------------------------------------------------------------- registry and results


def test_registry_lists_every_instrument():
    assert set(INSTRUMENTS) == {"downton", "fes_i", "fes_s", "tug", "eq5d5l", "trajectory"}
    for code, spec in INSTRUMENTS.items():
        assert spec.code == code
        assert str(spec.name)
        assert spec.version


@pytest.mark.parametrize(
    ("code", "answers", "score"),
    [
        ("downton", {**NO_RISK, "date": "2026-03-01"}, 0),
        ("fes_i", {item.code: 2 for item in FES_I_ITEMS}, 32),
        ("fes_s", {item.code: 5 for item in FES_S_ITEMS}, 65),
        ("tug", {"seconds": Decimal("13.2"), "walking_aid_used": False}, Decimal("13.2")),
        ("eq5d5l", {**LEVELS, "vas": 80}, 9),
        ("trajectory", {"trajectory": 3}, 3),
    ],
)
def test_registry_scores_cleaned_data(code, answers, score):
    result = INSTRUMENTS[code].score_answers(answers)
    assert result.instrument == code
    assert result.version == INSTRUMENTS[code].version
    assert result.score == score


def test_registry_refuses_missing_answers():
    errors = refused(INSTRUMENTS["tug"].score_answers, {"seconds": "10"})
    assert list(errors) == ["walking_aid_used"]


def test_results_are_frozen():
    result = score_trajectory(1)
    with pytest.raises(dataclasses.FrozenInstanceError):
        result.trajectory = 2


def test_interpretations_translate_lazily():
    result = score_downton(**NO_RISK)
    with translation.override("en"):
        english = str(result.interpretation)
    assert english.startswith("No high risk")
