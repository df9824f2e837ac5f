"""Brings the life areas to IBIC's current list (Socialstyrelsen 2021) and the body functions
recorded as life areas to related factors, keeping every need and goal written on them."""

from django.db import migrations
from django.db.models import ProtectedError

# The lists as of this migration (reference_data may change later).
LIFE_AREAS = [
    ("larande", "Lärande och att tillämpa kunskap", "d1"),
    ("allmanna_uppgifter", "Allmänna uppgifter och krav", "d2"),
    ("kommunikation", "Kommunikation", "d3"),
    ("forflyttning", "Förflyttning", "d4"),
    ("personlig_vard", "Personlig vård", "d5"),
    ("hemliv", "Hemliv", "d6"),
    ("relationer", "Mellanmänskliga interaktioner och relationer", "d7"),
    ("viktiga_livsomraden", "Större livsområden", "d8"),
    ("samhallsgemenskap", "Samhällsgemenskap, socialt och medborgerligt liv", "d9"),
    ("trygghet", "Känsla av trygghet", ""),
    ("personligt_stod", "Personligt stöd från person som vårdar eller stödjer en närstående", ""),
]
RELATED_FACTORS = [
    ("psykiska_funktioner", "Psykiska funktioner", "b1"),
    ("sinnesfunktioner", "Sinnesfunktioner", "b2"),
    ("smarta", "Smärta", "b280"),
    ("rost_tal", "Röst- och talfunktioner", "b3"),
    ("hjarta_andning", "Hjärt-, kärl- och andningsfunktioner", "b4"),
    ("matsmaltning", "Matsmältnings- och ämnesomsättningsfunktioner", "b5"),
    ("urin_konsfunktioner", "Urin- och könsfunktioner", "b6"),
    ("rorelsefunktioner", "Rörelsefunktioner", "b7"),
    ("hud", "Hudens funktioner", "b8"),
]
# Names the defaults had before; a name an administrator wrote is kept.
EARLIER_NAMES = {"viktiga_livsomraden": {"Utbildning, arbete, sysselsättning och ekonomiskt liv"}}
# The goal's text, written into the related factor it moves to.
GOAL_PREFIX = "Mål: "


def _key(name):
    return " ".join(name.split()).casefold()


def _append(text, addition):
    return f"{text}\n\n{addition}" if text.strip() else addition


def _write_factor(VisitRelatedFactor, visit_id, factor, text):
    record = VisitRelatedFactor.objects.filter(visit_id=visit_id, factor=factor).first()
    if record is None:
        VisitRelatedFactor.objects.create(visit_id=visit_id, factor=factor, description=text)
    else:
        record.description = _append(record.description, text)
        record.save(update_fields=["description"])


def _retire(area):
    """Deletes an area nothing refers to any more; one that some other record still refers
    to is only made inactive."""
    try:
        area.delete()
    except ProtectedError:
        area.active = False
        area.save(update_fields=["active"])


def _merge_area(NeedAssessment, Goal, duplicate, area):
    """Moves the needs and goals of ``duplicate`` to ``area`` and deletes ``duplicate``."""
    for need in NeedAssessment.objects.filter(life_area=duplicate):
        kept = NeedAssessment.objects.filter(visit_id=need.visit_id, life_area=area).first()
        if kept is None:
            need.life_area = area
            need.save(update_fields=["life_area"])
        else:
            kept.need = _append(kept.need, need.need)
            kept.save(update_fields=["need"])
            need.delete()
    Goal.objects.filter(life_area=duplicate).update(life_area=area)
    _retire(duplicate)


def bring_life_areas_to_ibic(apps, schema_editor):
    LifeArea = apps.get_model("assessments", "LifeArea")
    RelatedFactor = apps.get_model("assessments", "RelatedFactor")
    VisitRelatedFactor = apps.get_model("assessments", "VisitRelatedFactor")
    NeedAssessment = apps.get_model("assessments", "NeedAssessment")
    Goal = apps.get_model("assessments", "Goal")
    JointVisit = apps.get_model("assessments", "JointVisit")

    for order, (code, name, icf_code) in enumerate(RELATED_FACTORS):
        RelatedFactor.objects.get_or_create(
            code=code, defaults={"name": name, "icf_code": icf_code, "sort_order": order}
        )
    factor_by_code = {factor.code: factor for factor in RelatedFactor.objects.all()}
    factor_by_name = {_key(factor.name): factor for factor in factor_by_code.values()}

    # Rename, add and merge: one row per area of the list, found by code or by name.
    listed_codes = set()
    for order, (code, name, icf_code) in enumerate(LIFE_AREAS):
        listed_codes.add(code)
        area = LifeArea.objects.filter(code=code).first()
        namesakes = [
            other
            for other in LifeArea.objects.exclude(code=code)
            if _key(other.name) == _key(name) and other.code not in listed_codes
        ]
        if area is None and namesakes:
            area = namesakes.pop(0)
            area.code = code
        if area is None:
            area = LifeArea(code=code, name=name, active=True)
        elif area.name in EARLIER_NAMES.get(code, ()):
            area.name = name
        area.icf_code = icf_code
        area.sort_order = order
        area.save()
        for duplicate in namesakes:
            _merge_area(NeedAssessment, Goal, duplicate, area)

    # Body functions recorded as life areas become related factors of the same visit.
    for area in LifeArea.objects.exclude(code__in=listed_codes):
        factor = factor_by_code.get(area.code) or factor_by_name.get(_key(area.name))
        if factor is None:
            continue
        for need in NeedAssessment.objects.filter(life_area=area).order_by("pk"):
            _write_factor(VisitRelatedFactor, need.visit_id, factor, need.need)
            need.delete()
        for goal in Goal.objects.filter(life_area=area).order_by("sort_order", "pk"):
            visit = (
                JointVisit.objects.filter(application_id=goal.application_id)
                .order_by("-scheduled_at", "-pk")
                .first()
            )
            if visit is None:
                continue
            _write_factor(VisitRelatedFactor, visit.pk, factor, GOAL_PREFIX + goal.text)
            goal.life_area = None
            goal.save(update_fields=["life_area"])
        _retire(area)


class Migration(migrations.Migration):
    dependencies = [("assessments", "0016_related_factors_home_care_areas")]
    operations = [migrations.RunPython(bring_life_areas_to_ibic, migrations.RunPython.noop)]
