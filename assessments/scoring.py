"""Scoring of the standardised instruments used in joint assessments.

Pure functions on plain values: no models, no database. Every scoring function returns a
frozen result carrying the instrument code, the instrument version, the score(s), the flags
and a short interpretation, and refuses missing or out-of-range answers with a
``ValidationError`` keyed by the name of the answer (the form field name).

The labels below are short labels of our own. Licensed questionnaire wording (EQ-5D-5L) is
never stored or shown: only codes and levels.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping, Sequence, Sized
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from typing import Any, NamedTuple, cast

from django.core.exceptions import ValidationError
from django.db.models import IntegerChoices, TextChoices
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

# Instrument codes.
DOWNTON = "downton"
FES_I = "fes_i"
FES_S = "fes_s"
TUG = "tug"
EQ5D5L = "eq5d5l"
TRAJECTORY = "trajectory"

# Instrument versions, stored with every result.
DOWNTON_VERSION = "Downton 1993"
FES_I_VERSION = "FES-I 16 items (Yardley 2005)"
FES_S_VERSION = "FES(S) 13 items"
TUG_VERSION = "TUG, 3 m"
EQ5D5L_VERSION = "EQ-5D-5L"
TRAJECTORY_VERSION = "Förlopp 1-3"

WHOLE_NUMBER = re.compile(r"[+-]?[0-9]+")

MSG_REQUIRED = _("This item must be answered.")
MSG_INVALID_CHOICE = _("“%(value)s” is not one of the available choices.")
MSG_NOT_WHOLE_NUMBER = _("Enter a whole number.")
MSG_OUT_OF_RANGE = _("Enter a value from %(low)s to %(high)s.")


class Item(NamedTuple):
    """One answer of an instrument: its field name and a short label of our own."""

    code: str
    label: Any


# --------------------------------------------------------------------------- results


@dataclass(frozen=True, kw_only=True)
class ScoreResult:
    """What every instrument result has in common."""

    instrument: str
    version: str
    interpretation: Any

    @property
    def score(self) -> int | Decimal:
        """The main numeric score, for lists and charts."""
        raise NotImplementedError

    @property
    def flags(self) -> dict[str, bool]:
        """Every flag this instrument defines, raised or not."""
        return {}

    @property
    def raised_flags(self) -> tuple[str, ...]:
        return tuple(name for name, raised in self.flags.items() if raised)


# --------------------------------------------------------------------------- helpers


def _is_missing(value: Any) -> bool:
    if value is None:
        return True
    if isinstance(value, str):
        return not value.strip()
    return isinstance(value, Sized) and len(value) == 0


def _error(message, code: str, **params) -> ValidationError:
    return ValidationError(message, code=code, params=params or None)


def _raise(errors: dict[str, list[ValidationError]]) -> None:
    if errors:
        raise ValidationError(errors)


def _whole_number(value: Any) -> int | None:
    """An int from an int, an integral Decimal or a string of digits; None otherwise."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, Decimal):
        return int(value) if value.is_finite() and value == value.to_integral_value() else None
    if isinstance(value, str):
        text = value.strip()
        if WHOLE_NUMBER.fullmatch(text):
            return int(text)
    return None


def _int_in_range(errors: dict, name: str, value: Any, low: int, high: int) -> int | None:
    if _is_missing(value):
        errors.setdefault(name, []).append(_error(MSG_REQUIRED, "required"))
        return None
    number = _whole_number(value)
    if number is None:
        errors.setdefault(name, []).append(_error(MSG_NOT_WHOLE_NUMBER, "invalid"))
        return None
    if not low <= number <= high:
        errors.setdefault(name, []).append(
            _error(MSG_OUT_OF_RANGE, "out_of_range", low=low, high=high)
        )
        return None
    return number


def _choice(errors: dict, name: str, value: Any, choices: type[TextChoices]) -> str | None:
    if _is_missing(value):
        errors.setdefault(name, []).append(_error(MSG_REQUIRED, "required"))
        return None
    if not isinstance(value, str) or value not in choices.values:
        errors.setdefault(name, []).append(
            _error(MSG_INVALID_CHOICE, "invalid_choice", value=value)
        )
        return None
    return choices(value).value


# --------------------------------------------------------------------------- Downton


class DowntonPreviousFalls(TextChoices):
    NO = "no", _("No")
    YES = "yes", _("Yes")


class DowntonMedication(TextChoices):
    NONE = "none", _("None")
    TRANQUILLISERS = "tranquillisers", _("Tranquillisers or sedatives")
    DIURETICS = "diuretics", _("Diuretics")
    ANTIHYPERTENSIVES = "antihypertensives", _("Antihypertensives (not diuretics)")
    ANTIPARKINSONIAN = "antiparkinsonian", _("Antiparkinsonian drugs")
    ANTIDEPRESSANTS = "antidepressants", _("Antidepressants")
    OTHER = "other", _("Other medications")


class DowntonSensoryDeficit(TextChoices):
    NONE = "none", _("None")
    VISUAL = "visual", _("Impaired vision")
    HEARING = "hearing", _("Impaired hearing")
    LIMB = "limb", _("Impaired limb function")


class DowntonMentalState(TextChoices):
    ORIENTED = "oriented", _("Oriented")
    CONFUSED = "confused", _("Confused")


class DowntonGait(TextChoices):
    NORMAL = "normal", _("Normal")
    SAFE_WITH_AIDS = "safe_with_aids", _("Safe with walking aid")
    UNSAFE = "unsafe", _("Unsafe, with or without aid")
    UNABLE = "unable", _("Unable to walk")


DOWNTON_ITEMS = (
    Item("previous_falls", _("Known previous falls")),
    Item("medications", _("Medications")),
    Item("sensory_deficits", _("Sensory deficits")),
    Item("mental_state", _("Mental state")),
    Item("gait", _("Gait")),
)

DOWNTON_POINTS: dict[str, dict[str, int]] = {
    "previous_falls": {DowntonPreviousFalls.NO: 0, DowntonPreviousFalls.YES: 1},
    "medications": {
        DowntonMedication.NONE: 0,
        DowntonMedication.TRANQUILLISERS: 1,
        DowntonMedication.DIURETICS: 1,
        DowntonMedication.ANTIHYPERTENSIVES: 1,
        DowntonMedication.ANTIPARKINSONIAN: 1,
        DowntonMedication.ANTIDEPRESSANTS: 1,
        DowntonMedication.OTHER: 0,
    },
    "sensory_deficits": {
        DowntonSensoryDeficit.NONE: 0,
        DowntonSensoryDeficit.VISUAL: 1,
        DowntonSensoryDeficit.HEARING: 1,
        DowntonSensoryDeficit.LIMB: 1,
    },
    "mental_state": {DowntonMentalState.ORIENTED: 0, DowntonMentalState.CONFUSED: 1},
    "gait": {
        DowntonGait.NORMAL: 0,
        DowntonGait.SAFE_WITH_AIDS: 1,
        DowntonGait.UNSAFE: 1,
        DowntonGait.UNABLE: 1,
    },
}
DOWNTON_MAX_TOTAL = 11
DOWNTON_HIGH_RISK_CUTOFF = 3


@dataclass(frozen=True, kw_only=True)
class DowntonResult(ScoreResult):
    instrument: str = field(default=DOWNTON, init=False)
    version: str = field(default=DOWNTON_VERSION, init=False)
    previous_falls: str
    medications: tuple[str, ...]
    sensory_deficits: tuple[str, ...]
    mental_state: str
    gait: str
    total: int
    high_risk: bool
    cutoff: int = DOWNTON_HIGH_RISK_CUTOFF

    @property
    def score(self) -> int:
        return self.total

    @property
    def flags(self) -> dict[str, bool]:
        return {"high_risk": self.high_risk}

    @property
    def item_scores(self) -> dict[str, int]:
        points = DOWNTON_POINTS
        return {
            "previous_falls": points["previous_falls"][self.previous_falls],
            "medications": sum(points["medications"][code] for code in self.medications),
            "sensory_deficits": sum(
                points["sensory_deficits"][code] for code in self.sensory_deficits
            ),
            "mental_state": points["mental_state"][self.mental_state],
            "gait": points["gait"][self.gait],
        }


def _choice_set(
    errors: dict, name: str, value: Any, choices: type[TextChoices]
) -> tuple[str, ...] | None:
    if isinstance(value, str):
        values = [value] if value.strip() else []
    elif isinstance(value, Iterable):
        values = list(value)
    elif value is None:
        values = []
    else:
        values = [value]
    if not values:
        errors.setdefault(name, []).append(
            _error(_("Choose at least one option, or “None”."), "required")
        )
        return None
    unknown = [item for item in values if not isinstance(item, str) or item not in choices.values]
    if unknown:
        for item in unknown:
            errors.setdefault(name, []).append(
                _error(MSG_INVALID_CHOICE, "invalid_choice", value=item)
            )
        return None
    chosen = set(values)
    if "none" in chosen and len(chosen) > 1:
        errors.setdefault(name, []).append(
            _error(_("“None” cannot be combined with other choices."), "none_combined")
        )
        return None
    return tuple(code for code in choices.values if code in chosen)


def score_downton(
    *,
    previous_falls: str | None = None,
    medications: Iterable[str] | None = None,
    sensory_deficits: Iterable[str] | None = None,
    mental_state: str | None = None,
    gait: str | None = None,
) -> DowntonResult:
    """Downton Fall Risk Index: 0-11 points, 3 or more means high fall risk."""
    errors: dict[str, list[ValidationError]] = {}
    falls = _choice(errors, "previous_falls", previous_falls, DowntonPreviousFalls)
    drugs = _choice_set(errors, "medications", medications, DowntonMedication)
    senses = _choice_set(errors, "sensory_deficits", sensory_deficits, DowntonSensoryDeficit)
    mental = _choice(errors, "mental_state", mental_state, DowntonMentalState)
    walking = _choice(errors, "gait", gait, DowntonGait)
    _raise(errors)
    # Past _raise every answer is a valid choice.
    falls, mental, walking = cast(str, falls), cast(str, mental), cast(str, walking)
    drugs, senses = cast(tuple[str, ...], drugs), cast(tuple[str, ...], senses)

    points = DOWNTON_POINTS
    total = (
        points["previous_falls"][falls]
        + sum(points["medications"][code] for code in drugs)
        + sum(points["sensory_deficits"][code] for code in senses)
        + points["mental_state"][mental]
        + points["gait"][walking]
    )
    high_risk = total >= DOWNTON_HIGH_RISK_CUTOFF
    return DowntonResult(
        previous_falls=falls,
        medications=drugs,
        sensory_deficits=senses,
        mental_state=mental,
        gait=walking,
        total=total,
        high_risk=high_risk,
        interpretation=(
            _("High risk of falling (3 points or more).")
            if high_risk
            else _("No high risk of falling by this index (under 3 points).")
        ),
    )


# --------------------------------------------------------------------------- FES-I


FES_I_ITEMS = (
    Item("item_1", _("Cleaning the home")),
    Item("item_2", _("Dressing and undressing")),
    Item("item_3", _("Preparing simple meals")),
    Item("item_4", _("Bath or shower")),
    Item("item_5", _("Going to the shop")),
    Item("item_6", _("Getting in or out of a chair")),
    Item("item_7", _("Stairs")),
    Item("item_8", _("Walking in the neighbourhood")),
    Item("item_9", _("Reaching up or down to the floor")),
    Item("item_10", _("Hurrying to the telephone")),
    Item("item_11", _("Slippery surface")),
    Item("item_12", _("Visiting friends or relatives")),
    Item("item_13", _("Crowded places")),
    Item("item_14", _("Uneven ground")),
    Item("item_15", _("Walking up or down a slope")),
    Item("item_16", _("Going out to a social event")),
)


class FesIConcernAnswer(IntegerChoices):
    NOT_AT_ALL = 1, _("Not at all concerned")
    SOMEWHAT = 2, _("Somewhat concerned")
    FAIRLY = 3, _("Fairly concerned")
    VERY = 4, _("Very concerned")


class FesIConcernLevel(TextChoices):
    LOW = "low", _("Low concern")
    MODERATE = "moderate", _("Moderate concern")
    HIGH = "high", _("High concern")


FES_I_MIN_TOTAL = 16
FES_I_MAX_TOTAL = 64
# Delbaere et al. 2010: lowest total of the moderate and of the high band.
FES_I_MODERATE_FROM = 20
FES_I_HIGH_FROM = 28


@dataclass(frozen=True, kw_only=True)
class FesIResult(ScoreResult):
    instrument: str = field(default=FES_I, init=False)
    version: str = field(default=FES_I_VERSION, init=False)
    items: tuple[int, ...]
    total: int
    concern: str
    high_concern: bool

    @property
    def score(self) -> int:
        return self.total

    @property
    def flags(self) -> dict[str, bool]:
        return {"high_concern": self.high_concern}


def _item_answers(
    answers: Mapping[str, Any] | Sequence[Any] | None,
    items: tuple[Item, ...],
    low: int,
    high: int,
) -> tuple[int, ...]:
    """Answers by item code (a mapping) or in item order (a sequence of exactly all items)."""
    errors: dict[str, list[ValidationError]] = {}
    if answers is None:
        answers = {}
    if isinstance(answers, Mapping):
        by_code = answers
    elif isinstance(answers, Sequence) and not isinstance(answers, str):
        if len(answers) != len(items):
            raise ValidationError(
                {
                    "items": _error(
                        _("Expected %(expected)s answers, got %(count)s."),
                        "item_count",
                        expected=len(items),
                        count=len(answers),
                    )
                }
            )
        by_code = {item.code: value for item, value in zip(items, answers, strict=True)}
    else:
        raise ValidationError({"items": _error(_("Answer every item."), "invalid")})
    values = [_int_in_range(errors, item.code, by_code.get(item.code), low, high) for item in items]
    _raise(errors)
    return cast(tuple[int, ...], tuple(values))


def score_fes_i(answers: Mapping[str, Any] | Sequence[Any]) -> FesIResult:
    """FES-I: 16 items 1-4, total 16-64; concern bands after Delbaere et al. 2010."""
    items = _item_answers(answers, FES_I_ITEMS, 1, 4)
    total = sum(items)
    if total >= FES_I_HIGH_FROM:
        concern = FesIConcernLevel.HIGH
        interpretation = _("High concern about falling (28-64).")
    elif total >= FES_I_MODERATE_FROM:
        concern = FesIConcernLevel.MODERATE
        interpretation = _("Moderate concern about falling (20-27).")
    else:
        concern = FesIConcernLevel.LOW
        interpretation = _("Low concern about falling (16-19).")
    return FesIResult(
        items=items,
        total=total,
        concern=concern.value,
        high_concern=concern == FesIConcernLevel.HIGH,
        interpretation=interpretation,
    )


# --------------------------------------------------------------------------- FES(S)


FES_S_ITEMS = (
    Item("item_1", _("Bath or shower")),
    Item("item_2", _("Reaching into cupboards")),
    Item("item_3", _("Walking around indoors")),
    Item("item_4", _("Preparing simple meals")),
    Item("item_5", _("Getting in and out of bed")),
    Item("item_6", _("Answering the door or telephone")),
    Item("item_7", _("Getting in and out of a chair")),
    Item("item_8", _("Dressing and undressing")),
    Item("item_9", _("Personal hygiene")),
    Item("item_10", _("Getting on and off the toilet")),
    Item("item_11", _("Simple shopping")),
    Item("item_12", _("Stairs")),
    Item("item_13", _("Walking outdoors")),
)
FES_S_MIN_ANSWER = 0
FES_S_MAX_ANSWER = 10
FES_S_MAX_TOTAL = 130


@dataclass(frozen=True, kw_only=True)
class FesSResult(ScoreResult):
    instrument: str = field(default=FES_S, init=False)
    version: str = field(default=FES_S_VERSION, init=False)
    items: tuple[int, ...]
    total: int

    @property
    def score(self) -> int:
        return self.total


def score_fes_s(answers: Mapping[str, Any] | Sequence[Any]) -> FesSResult:
    """FES(S): 13 activities 0-10 (10 = completely confident), total 0-130, no cut-off."""
    items = _item_answers(answers, FES_S_ITEMS, FES_S_MIN_ANSWER, FES_S_MAX_ANSWER)
    return FesSResult(
        items=items,
        total=sum(items),
        interpretation=_(
            "Total 0-130: a lower total means more fear of falling. No cut-off is applied."
        ),
    )


# --------------------------------------------------------------------------- TUG


# CDC STEADI: 12 seconds or more means an increased risk of falling.
TUG_CUTOFF_SECONDS = Decimal("12.0")
TUG_MAX_SECONDS = Decimal("300")
TUG_PRECISION = Decimal("0.1")


@dataclass(frozen=True, kw_only=True)
class TugResult(ScoreResult):
    instrument: str = field(default=TUG, init=False)
    version: str = field(default=TUG_VERSION, init=False)
    seconds: Decimal
    walking_aid_used: bool
    cutoff_seconds: Decimal
    increased_fall_risk: bool

    @property
    def score(self) -> Decimal:
        return self.seconds

    @property
    def flags(self) -> dict[str, bool]:
        return {"increased_fall_risk": self.increased_fall_risk}


def parse_seconds(value: Any) -> Decimal:
    """Seconds as a Decimal with one decimal; accepts str (point or comma), int, Decimal."""
    if _is_missing(value):
        raise ValidationError({"seconds": _error(MSG_REQUIRED, "required")})
    number: Decimal | None = None
    if isinstance(value, bool):
        number = None
    elif isinstance(value, Decimal | int):
        number = Decimal(value)
    elif isinstance(value, float):
        number = Decimal(str(value))
    elif isinstance(value, str):
        try:
            number = Decimal(value.strip().replace(",", "."))
        except InvalidOperation:
            number = None
    if number is None or not number.is_finite():
        raise ValidationError({"seconds": _error(_("Enter the time in seconds."), "invalid")})
    if number > TUG_MAX_SECONDS:
        raise ValidationError(
            {
                "seconds": _error(
                    _("The time cannot be more than %(max)s seconds."),
                    "max_value",
                    max=TUG_MAX_SECONDS,
                )
            }
        )
    seconds = number.quantize(TUG_PRECISION, rounding=ROUND_HALF_UP)
    if seconds <= 0:
        raise ValidationError(
            {"seconds": _error(_("The time must be more than 0 seconds."), "min_value")}
        )
    return seconds


def score_tug(seconds: Any = None, *, walking_aid_used: bool | None = False) -> TugResult:
    """Timed Up and Go over 3 m: 12 s or more flags an increased risk of falling."""
    errors: dict[str, list[ValidationError]] = {}
    parsed: Decimal | None = None
    try:
        parsed = parse_seconds(seconds)
    except ValidationError as error:
        errors.update(error.error_dict)
    if not isinstance(walking_aid_used, bool):
        errors.setdefault("walking_aid_used", []).append(
            _error(_("State whether a walking aid was used."), "required")
        )
    _raise(errors)
    parsed, walking_aid_used = cast(Decimal, parsed), cast(bool, walking_aid_used)
    increased = parsed >= TUG_CUTOFF_SECONDS
    cutoff = f"{TUG_CUTOFF_SECONDS.normalize():f}"
    return TugResult(
        seconds=parsed,
        walking_aid_used=walking_aid_used,
        cutoff_seconds=TUG_CUTOFF_SECONDS,
        increased_fall_risk=increased,
        interpretation=(
            format_lazy(_("{cutoff} s or more: increased risk of falling."), cutoff=cutoff)
            if increased
            else format_lazy(_("Under {cutoff} s: no increased risk by this test."), cutoff=cutoff)
        ),
    )


# --------------------------------------------------------------------------- EQ-5D-5L


class Eq5dDimension(TextChoices):
    MOBILITY = "MO", _("Mobility")
    SELF_CARE = "SC", _("Self-care")
    USUAL_ACTIVITIES = "UA", _("Usual activities")
    PAIN_DISCOMFORT = "PD", _("Pain/discomfort")
    ANXIETY_DEPRESSION = "AD", _("Anxiety/depression")


class Eq5dLevel(IntegerChoices):
    NONE = 1, _("no problems")
    SLIGHT = 2, _("slight problems")
    MODERATE = 3, _("moderate problems")
    SEVERE = 4, _("severe problems")
    EXTREME = 5, _("unable/extreme")


class Eq5dItem(NamedTuple):
    code: str
    dimension: str
    label: Any


# The fixed order of the health state.
EQ5D_DIMENSIONS = (
    Eq5dItem("mobility", Eq5dDimension.MOBILITY, Eq5dDimension.MOBILITY.label),
    Eq5dItem("self_care", Eq5dDimension.SELF_CARE, Eq5dDimension.SELF_CARE.label),
    Eq5dItem(
        "usual_activities",
        Eq5dDimension.USUAL_ACTIVITIES,
        Eq5dDimension.USUAL_ACTIVITIES.label,
    ),
    Eq5dItem(
        "pain_discomfort",
        Eq5dDimension.PAIN_DISCOMFORT,
        Eq5dDimension.PAIN_DISCOMFORT.label,
    ),
    Eq5dItem(
        "anxiety_depression",
        Eq5dDimension.ANXIETY_DEPRESSION,
        Eq5dDimension.ANXIETY_DEPRESSION.label,
    ),
)
EQ5D_VAS_MIN = 0
EQ5D_VAS_MAX = 100


@dataclass(frozen=True, kw_only=True)
class Eq5d5lResult(ScoreResult):
    instrument: str = field(default=EQ5D5L, init=False)
    version: str = field(default=EQ5D5L_VERSION, init=False)
    mobility: int
    self_care: int
    usual_activities: int
    pain_discomfort: int
    anxiety_depression: int
    health_state: str
    vas: int
    level_sum: int
    full_health: bool
    any_extreme: bool

    @property
    def levels(self) -> tuple[int, int, int, int, int]:
        return (
            self.mobility,
            self.self_care,
            self.usual_activities,
            self.pain_discomfort,
            self.anxiety_depression,
        )

    @property
    def score(self) -> int:
        return self.level_sum

    @property
    def flags(self) -> dict[str, bool]:
        return {"full_health": self.full_health, "any_extreme": self.any_extreme}


def parse_health_state(state: Any) -> tuple[int, int, int, int, int]:
    """'11232' -> (1, 1, 2, 3, 2), levels in the order MO, SC, UA, PD, AD."""
    text = state.strip() if isinstance(state, str) else ""
    if len(text) != len(EQ5D_DIMENSIONS) or any(char not in "12345" for char in text):
        raise ValidationError(
            {
                "health_state": _error(
                    _("Enter the health state as five digits, each from 1 to 5."),
                    "invalid",
                )
            }
        )
    return cast(tuple[int, int, int, int, int], tuple(int(char) for char in text))


def score_eq5d5l(
    *,
    mobility: Any = None,
    self_care: Any = None,
    usual_activities: Any = None,
    pain_discomfort: Any = None,
    anxiety_depression: Any = None,
    vas: Any = None,
) -> Eq5d5lResult:
    """EQ-5D-5L: five levels 1-5 in a fixed order and the VAS 0-100."""
    errors: dict[str, list[ValidationError]] = {}
    given = {
        "mobility": mobility,
        "self_care": self_care,
        "usual_activities": usual_activities,
        "pain_discomfort": pain_discomfort,
        "anxiety_depression": anxiety_depression,
    }
    levels = {
        item.code: _int_in_range(errors, item.code, given[item.code], 1, 5)
        for item in EQ5D_DIMENSIONS
    }
    scale = _int_in_range(errors, "vas", vas, EQ5D_VAS_MIN, EQ5D_VAS_MAX)
    _raise(errors)
    # Past _raise every level and the VAS are whole numbers in range.
    checked = cast(dict[str, int], levels)
    ordered = [checked[item.code] for item in EQ5D_DIMENSIONS]
    level_sum = sum(ordered)
    full_health = level_sum == len(ordered)
    return Eq5d5lResult(
        **checked,
        health_state="".join(str(level) for level in ordered),
        vas=cast(int, scale),
        level_sum=level_sum,
        full_health=full_health,
        any_extreme=Eq5dLevel.EXTREME in ordered,
        interpretation=(
            _("No problems in any dimension.")
            if full_health
            else _("Problems in at least one dimension; the level sum runs from 5 to 25.")
        ),
    )


# --------------------------------------------------------------------------- trajectory


class Trajectory(IntegerChoices):
    HIGH_CAPACITY = 1, _("High activity capacity, expected to become independent")
    CAN_IMPROVE = 2, _("Can improve and need less support")
    LASTING_NEEDS = 3, _("Lasting needs, keep the current level")


@dataclass(frozen=True, kw_only=True)
class TrajectoryResult(ScoreResult):
    instrument: str = field(default=TRAJECTORY, init=False)
    version: str = field(default=TRAJECTORY_VERSION, init=False)
    trajectory: int
    lasting_needs: bool

    @property
    def score(self) -> int:
        return self.trajectory

    @property
    def flags(self) -> dict[str, bool]:
        return {"lasting_needs": self.lasting_needs}


def score_trajectory(trajectory: Any = None) -> TrajectoryResult:
    """Activity-capacity trajectory (förlopp): 1, 2 or 3."""
    errors: dict[str, list[ValidationError]] = {}
    number: int | None = None
    if _is_missing(trajectory):
        errors["trajectory"] = [_error(MSG_REQUIRED, "required")]
    else:
        number = _whole_number(trajectory)
        if number not in Trajectory.values:
            errors["trajectory"] = [
                _error(_("Choose trajectory 1, 2 or 3."), "invalid_choice", value=trajectory)
            ]
    _raise(errors)
    choice = Trajectory(cast(int, number))
    return TrajectoryResult(
        trajectory=choice.value,
        lasting_needs=choice == Trajectory.LASTING_NEEDS,
        interpretation=choice.label,
    )


# --------------------------------------------------------------------------- registry


@dataclass(frozen=True)
class InstrumentSpec:
    """How a view finds an instrument by code and scores a form's cleaned data."""

    code: str
    name: Any
    version: str
    score: Callable[..., ScoreResult]
    fields: tuple[str, ...]
    takes_mapping: bool = False

    def score_answers(self, answers: Mapping[str, Any]) -> ScoreResult:
        """Score a mapping such as ``form.cleaned_data``; keys outside ``fields`` are ignored."""
        picked = {name: answers.get(name) for name in self.fields}
        if self.takes_mapping:
            return self.score(picked)
        return self.score(**picked)


INSTRUMENTS: dict[str, InstrumentSpec] = {
    spec.code: spec
    for spec in (
        InstrumentSpec(
            DOWNTON,
            _("Downton Fall Risk Index"),
            DOWNTON_VERSION,
            score_downton,
            tuple(item.code for item in DOWNTON_ITEMS),
        ),
        InstrumentSpec(
            FES_I,
            _("Falls Efficacy Scale-International (FES-I)"),
            FES_I_VERSION,
            score_fes_i,
            tuple(item.code for item in FES_I_ITEMS),
            takes_mapping=True,
        ),
        InstrumentSpec(
            FES_S,
            _("Falls Efficacy Scale, Swedish version (FES(S))"),
            FES_S_VERSION,
            score_fes_s,
            tuple(item.code for item in FES_S_ITEMS),
            takes_mapping=True,
        ),
        InstrumentSpec(
            TUG,
            _("Timed Up and Go (TUG)"),
            TUG_VERSION,
            score_tug,
            ("seconds", "walking_aid_used"),
        ),
        InstrumentSpec(
            EQ5D5L,
            _("EQ-5D-5L"),
            EQ5D5L_VERSION,
            score_eq5d5l,
            (*(item.code for item in EQ5D_DIMENSIONS), "vas"),
        ),
        InstrumentSpec(
            TRAJECTORY,
            _("Activity-capacity trajectory"),
            TRAJECTORY_VERSION,
            score_trajectory,
            ("trajectory",),
        ),
    )
}
