"""Registerutdrag: everything held about one citizen, as JSON and as a PDF.

The document is built generically from the models' fields. Data of the later stages
(tracks, follow-up) is reached through the reverse relations by name only, since this app
may not import those apps. The personnummer is included: it is the citizen's own data.
"""

from __future__ import annotations

import datetime
import json
from dataclasses import dataclass, field
from decimal import Decimal

from django.core.serializers.json import DjangoJSONEncoder
from django.db import models
from django.template.loader import render_to_string
from django.utils import timezone, translation

from rehab.pdf import render_pdf

from .models import Citizen

# Internal bookkeeping, not information about the citizen.
SKIPPED_FIELDS = {"id", "version", "import_key", "sort_order"}
# Swedish labels for fields that have no translated verbose name.
LABELS = {
    "created_at": "Registrerad",
    "updated_at": "Senast ändrad",
    "public_id": "Referens",
    "occasion": "Tillfälle",
    "answers": "Svar (kod och nivå)",
    "flag": "Flaggad",
    "recorded_by": "Registrerad av",
    "recorded_at": "Registrerad",
    "written_by": "Skriven av",
    "decided_by": "Beslutad av",
    "closed_by": "Avslutad av",
    "created_by": "Registrerad av",
    "granted_by": "Beviljad av",
    "granted_at": "Beviljad",
    "user": "Användare",
    "proposal_reasons": "Skäl till föreslaget spår",
    "confirmed_by": "Bekräftad av",
    "confirmed_at": "Bekräftad",
    "chosen_by": "Vald av",
    "chosen_at": "Vald",
    "service": "Insats",
    "minutes_per_week": "Minuter per vecka",
    "goal": "Mål",
}

# Child relations: (relation name, heading, one object rather than many). Each level lists
# what hangs under the objects of the level above it.
CITIZEN_CHILDREN = [
    ("grants", "Behörighet till skyddade personuppgifter", False),
    ("performed_minutes", "Utförd tid enligt utföraren", False),
]
APPLICATION_CHILDREN = [
    ("applied_services", "Ansökta insatser", False),
    ("visits", "Gemensamma hembesök", False),
    ("goals", "Mål", False),
    ("instrument_results", "Bedömningsinstrument", False),
    ("assessment_basis", "Bedömningsunderlag", True),
    ("track_assignment", "Spår", True),
    ("interventions", "Insatser i spåret", False),
    ("handover", "Överlämning", True),
    ("decision", "Beslut", True),
    ("follow_ups", "Uppföljningar", False),
    ("closure", "Avslut", True),
    ("positive_example", "Gott exempel", True),
    ("temporary_increases", "Tillfälliga utökningar", False),
    ("study_samples", "Uppföljningsstudier", False),
]
NESTED_CHILDREN = {
    "visits": [
        ("needs", "Behov per livsområde", False),
        ("related_factors", "Relaterade faktorer", False),
    ],
    "decision": [("granted_services", "Beviljade insatser", False)],
    "follow_ups": [
        ("services", "Insatser vid uppföljningen", False),
        ("goal_attainments", "Måluppfyllelse", False),
    ],
    "study_samples": [("responses", "Svar", False)],
    "responses": [("answers", "Svar på frågorna", False)],
}


@dataclass
class Field:
    name: str
    label: str
    value: object
    text: str


@dataclass
class Group:
    key: str
    title: str
    single: bool
    items: list[Section] = field(default_factory=list)


@dataclass
class Section:
    title: str
    fields: list[Field]
    groups: list[Group] = field(default_factory=list)


def _text(value) -> str:
    if value is None or value == "":
        return "–"
    if isinstance(value, bool):
        return "Ja" if value else "Nej"
    if isinstance(value, datetime.datetime):
        return f"{timezone.localtime(value):%Y-%m-%d %H:%M}"
    if isinstance(value, datetime.date):
        return f"{value:%Y-%m-%d}"
    if isinstance(value, dict | list):
        return json.dumps(value, ensure_ascii=False, cls=DjangoJSONEncoder)
    if isinstance(value, Decimal):
        return str(value).replace(".", ",")
    return str(value)


def _fields(obj: models.Model, parent: models.Model | None) -> list[Field]:
    """Every concrete field but the primary key, bookkeeping and the link to ``parent``."""
    fields = []
    for model_field in obj._meta.concrete_fields:
        if model_field.name in SKIPPED_FIELDS or model_field.primary_key:
            continue
        if model_field.is_relation:
            if parent is not None and model_field.related_model is type(parent):
                continue
            related = getattr(obj, model_field.name)
            value = str(related) if related is not None else None
            text = _text(value)
        else:
            value = model_field.value_from_object(obj)
            if isinstance(value, list | tuple) and model_field.get_internal_type() != "JSONField":
                value = list(value)
            text = _text(value)
            if model_field.choices and value not in (None, ""):
                text = str(getattr(obj, f"get_{model_field.name}_display")())
        label = str(model_field.verbose_name)
        if label == model_field.name.replace("_", " "):  # no verbose name of its own
            label = LABELS.get(model_field.name, label)
        fields.append(Field(model_field.name, label, value, text))
    return fields


def _related(obj: models.Model, name: str, single: bool) -> list[models.Model]:
    if single:
        related = getattr(obj, name, None)  # a missing one-to-one raises AttributeError
        return [related] if related is not None else []
    manager = getattr(obj, name, None)
    return list(manager.all()) if manager is not None else []


def _section(obj, title: str, parent, children) -> Section:
    section = Section(title=title, fields=_fields(obj, parent))
    for name, heading, single in children:
        group = Group(key=name, title=heading, single=single)
        for child in _related(obj, name, single):
            group.items.append(_section(child, heading, obj, NESTED_CHILDREN.get(name, [])))
        section.groups.append(group)
    return section


def build(citizen: Citizen) -> Section:
    """The whole register extract as a tree of sections (labels in Swedish)."""
    with translation.override("sv"):
        root = _section(citizen, "Personuppgifter", None, CITIZEN_CHILDREN)
        applications = Group(key="applications", title="Ärenden", single=False)
        for application in citizen.applications.order_by("received_on", "pk"):
            title = f"Ärende inkommet {application.received_on:%Y-%m-%d}"
            applications.items.append(_section(application, title, citizen, APPLICATION_CHILDREN))
        root.groups.append(applications)
    return root


def _as_json(section: Section) -> dict:
    data = {f.name: f.value for f in section.fields}
    for group in section.groups:
        items = [_as_json(item) for item in group.items]
        data[group.key] = (items[0] if items else None) if group.single else items
    return data


def export_json(*, citizen: Citizen) -> dict:
    """A JSON-ready document (dates and UUIDs need ``DjangoJSONEncoder``)."""
    return {
        "document": "registerutdrag",
        "generated_at": timezone.now(),
        "citizen": _as_json(build(citizen)),
    }


def _flatten(section: Section, level: int, out: list) -> None:
    out.append({"level": min(level, 6), "title": section.title, "fields": section.fields})
    for group in section.groups:
        if group.key == "applications":
            for item in group.items:
                _flatten(item, level, out)
        elif group.items:
            for item in group.items:
                _flatten(item, level + 1, out)


def export_pdf(*, citizen: Citizen) -> bytes:
    """The same document as a PDF, in Swedish."""
    root = build(citizen)
    sections: list = []
    _flatten(root, 2, sections)
    with translation.override("sv"):
        html = render_to_string(
            "assessments/citizen_export_pdf.html",
            {
                "name": f"{citizen.first_name} {citizen.last_name}",
                "sections": sections,
                "printed_at": timezone.now(),
            },
        )
    return render_pdf(html)
