"""What later apps (tracks, followup) add to a case, declared here and registered by them.

The case page, the workflow's facts and the decision belong to this app, but the track,
the interventions, the handover and the follow-ups belong to later apps, which this app
may not import (see ``rehab.extensions``). Each later app registers its contributions in
its ``AppConfig.ready``; ``assessments.apps`` registers this app's own steps the same way,
so the case page has one path for every link.
"""

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.utils.functional import Promise

from rehab.extensions import ExtensionPoint

from .workflow import Step

if TYPE_CHECKING:
    from django.db.models import QuerySet
    from django.http import HttpRequest

    from .models import Application


@dataclass(frozen=True)
class CaseLink:
    """The link of one workflow step on the case page: the page shows it when the workflow
    offers ``step`` (``workflow.next_steps``) and the user has ``permission`` on the case."""

    step: Step
    label: str | Promise
    url_name: str
    permission: str
    # Opens a document rather than a page to act on (shown as a secondary button).
    document: bool = False


@dataclass(frozen=True)
class CaseSection:
    """A section a later app adds below the case page's own: a template and its context."""

    template: str
    # The section's context, or ``None`` to leave the section out for this case.
    context: Callable[["HttpRequest", "Application"], Mapping[str, Any] | None]
    # "facts": rows (``<dt>``/``<dd>``) in the case's own description list; "below": a
    # section of its own under the case's.
    slot: str = "below"


# Facts kept by later apps, merged into ``workflow.CaseFacts`` by
# ``selectors.case_facts_for``: each provider is given the applications' ids (a ``values("pk")``
# queryset, for ``application__in=``) and returns, by application id, the fields it knows
# (e.g. ``{12: {"track_confirmed": True}}``), reading all the applications at once.
case_facts: ExtensionPoint[Callable[["QuerySet[Any]"], Mapping[int, Mapping[str, Any]]]] = (
    ExtensionPoint("case_facts")
)
case_links: ExtensionPoint[CaseLink] = ExtensionPoint("case_links")
case_sections: ExtensionPoint[CaseSection] = ExtensionPoint("case_sections")
# What later apps show beside the decision form: the therapist's recommendations (the track
# and why, the interventions, the assistive devices prescribed), as a template and context.
decision_sections: ExtensionPoint[CaseSection] = ExtensionPoint("decision_sections")
# Run after a decision is recorded, in the same transaction (the follow-up stage schedules
# its follow-ups). Called with ``decision=``.
after_decision: ExtensionPoint[Callable[..., None]] = ExtensionPoint("after_decision")
# Run after a write that changes what a case's figures are worked out from (its applied
# services, its joint visit, an instrument result), in the same transaction. Called with
# ``application_ids=``; the follow-up stage writes the cases' figures again (ADR 0016).
case_changed: ExtensionPoint[Callable[..., None]] = ExtensionPoint("case_changed")
# Run after cases were written in bulk around the services (the generator), in the same
# transaction. Called with no arguments; the follow-up stage works out every case's figures.
cases_loaded: ExtensionPoint[Callable[[], Any]] = ExtensionPoint("cases_loaded")
# The change-history rows (django-simple-history records) of a later app's records of a
# case, shown in words beside the case's own by ``selectors.change_history``.
case_history: ExtensionPoint[Callable[["Application"], Iterable[Any]]] = ExtensionPoint(
    "case_history"
)


@dataclass(frozen=True)
class DocumentSection:
    """A section a later app adds to the assessment basis PDF: a template and its context
    (``None`` leaves the section out for this case)."""

    template: str
    context: Callable[["Application"], Mapping[str, Any] | None]


basis_document_sections: ExtensionPoint[DocumentSection] = ExtensionPoint("basis_document_sections")


def link_for(step: Step) -> CaseLink | None:
    return next((link for link in case_links if link.step == step), None)
