"""Printable documents of the assessment stage, rendered through rehab.pdf."""

from django.template.loader import render_to_string
from django.utils import timezone, translation

from rehab.pdf import render_pdf

from . import extension_points, scoring, selectors
from .display import citizen_display_name
from .models import Application


def _identity(application: Application) -> dict:
    """The citizen's name and personnummer as the document may carry them: by the same rule
    as the screen (``display.citizen_display_name``), a protected identity without the
    reader's grant shows neither, only the words "Protected identity"."""
    citizen = application.citizen
    granted = getattr(application, "name_granted", False)
    hidden = citizen.protected_identity and not granted
    number = citizen.personal_number
    return {
        "display_name": citizen_display_name(citizen, granted),
        "identity_hidden": hidden,
        "personal_number": "" if hidden else f"{number[:8]}-{number[8:]}",
    }


def assessment_basis_context(*, application: Application) -> dict:
    """What the case officer needs to decide: who the citizen is, the joint visit and its
    findings, goals, instruments, the applied services, what later apps add (the track and
    its reason, the interventions; ``extension_points.basis_document_sections``) and the
    therapist's summary and recommendation."""
    visit = selectors.current_visit(application=application)
    needs = list(visit.needs.select_related("life_area")) if visit else []
    results = selectors.instrument_results(application=application)
    for result in results:
        spec = scoring.INSTRUMENTS.get(result.instrument)
        result.name = spec.name if spec else result.instrument
    sections = [
        (section.template, context)
        for section in extension_points.basis_document_sections
        if (context := section.context(application)) is not None
    ]
    return {
        "application": application,
        "basis": application.assessment_basis,
        **_identity(application),
        "visit": visit,
        "needs": needs,
        "related_factors": (list(visit.related_factors.select_related("factor")) if visit else []),
        "goals": list(application.goals.select_related("life_area")),
        "results": results,
        "applied_services": list(application.applied_services.select_related("service")),
        "sections": sections,
        "printed_at": timezone.now(),
    }


def assessment_basis_pdf(*, application: Application) -> bytes:
    """The bedömningsunderlag, always in Swedish (it is a record of Swedish case work)."""
    with translation.override("sv"):
        html = render_to_string(
            "assessments/assessment_basis_pdf.html",
            assessment_basis_context(application=application),
        )
    return render_pdf(html)


def decision_letter_context(*, application: Application) -> dict:
    """The beslutsmeddelande: to whom, what was applied for, what was decided per service
    and why, on which legal basis, for how long, and how to appeal. A protected identity's
    address is never printed, and the name only for a user granted to see it."""
    decision = selectors.decision_letter(application=application)
    citizen = application.citizen
    granted = getattr(application, "name_granted", False)
    applied = {row.service_id: row for row in application.applied_services.all()}
    return {
        "application": application,
        "decision": decision,
        "display_name": citizen_display_name(citizen, granted),
        "show_address": not citizen.protected_identity,
        "lines": [
            {"line": line, "applied": applied.get(line.service_id)}
            for line in decision.granted_services.all()
        ],
        "printed_at": timezone.now(),
    }


def decision_letter_pdf(*, application: Application) -> bytes:
    """The decision letter to the citizen, always in Swedish."""
    with translation.override("sv"):
        html = render_to_string(
            "assessments/decision_letter_pdf.html",
            decision_letter_context(application=application),
        )
    return render_pdf(html)
