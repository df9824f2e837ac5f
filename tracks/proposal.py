"""Which track the system proposes, from plain facts. No database, no HTTP.

The joint team confirms the track (see ``services.track_confirm``); this only proposes one
and says why, so that the page can show the reasoning and an override can be argued.
"""

from dataclasses import dataclass, field

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

FALL_PREVENTION = 1
ACTIVITY_ASSESSMENT = 2
INTENSIVE_REHAB = 3

# Applicants for only these services get the fall prevention home visit (track 1).
SAFETY_AND_SHOWER = frozenset({"trygghetslarm", "dusch"})

REASON_POTENTIAL = _("The joint visit found potential for independence.")
REASON_MOTIVATED = _("The citizen is motivated to train.")
REASON_INPATIENT = _("Applies after an inpatient stay.")
REASON_NOT_INTENSIVE = _(
    "Intensive home rehabilitation needs potential for independence, motivation to train "
    "and a recent inpatient stay; not all of these apply."
)
REASON_ONLY_SAFETY_OR_SHOWER = _("Applies only for a safety alarm or shower help.")
REASON_NOT_REVIEW = _("This is not a review of existing services.")
REASON_REVIEW = _("This is a review (aktualisering) of existing services.")
REASON_OTHER_SERVICES = _("Applies for services other than a safety alarm or shower help.")
REASON_NO_SERVICES = _("No applied services are recorded.")


@dataclass(frozen=True)
class Proposal:
    track: int
    reasons: list[str | Promise] = field(default_factory=list)


def propose_track(
    *,
    applied_service_codes: set[str],
    is_review: bool,
    after_inpatient_stay: bool,
    potential_for_independence: bool | None,
    motivated_to_train: bool | None,
) -> Proposal:
    """Track 3 for rehab potential, motivation and a recent inpatient stay; else track 1 for
    new applicants for only a safety alarm and/or shower help; else track 2.

    An unanswered question (``None``) counts as "no": the team can still choose track 3
    with a reason.
    """
    codes = set(applied_service_codes)
    if potential_for_independence is True and motivated_to_train is True and after_inpatient_stay:
        return Proposal(INTENSIVE_REHAB, [REASON_POTENTIAL, REASON_MOTIVATED, REASON_INPATIENT])

    reasons: list[str | Promise] = []
    if after_inpatient_stay:
        reasons.append(REASON_NOT_INTENSIVE)
    if codes and codes <= SAFETY_AND_SHOWER and not is_review:
        return Proposal(
            FALL_PREVENTION, [REASON_ONLY_SAFETY_OR_SHOWER, REASON_NOT_REVIEW, *reasons]
        )

    if is_review:
        reasons.insert(0, REASON_REVIEW)
    if codes - SAFETY_AND_SHOWER:
        reasons.insert(0, REASON_OTHER_SERVICES)
    elif not codes:
        reasons.insert(0, REASON_NO_SERVICES)
    return Proposal(ACTIVITY_ASSESSMENT, reasons)
