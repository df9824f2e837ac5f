"""IBIC's life areas (Socialstyrelsen 2021) and related factors: the defaults, the migration
that brings earlier rows to them, the visit form's related-factor section, and the case page
and assessment basis that show what was recorded."""

import importlib
import io
import json

import pytest
from django.apps import apps
from django.urls import reverse
from pypdf import PdfReader

from assessments import services
from assessments.models import (
    Goal,
    HomeCareArea,
    LifeArea,
    NeedAssessment,
    RelatedFactor,
    VisitRelatedFactor,
)
from tests import factories
from tests.support import flow

pytestmark = pytest.mark.django_db

migration = importlib.import_module("assessments.migrations.0017_ibic_life_areas")


def test_the_life_areas_are_the_nine_icf_chapters_and_ibics_two_own():
    assert list(LifeArea.objects.values_list("icf_code", "name")) == [
        ("d1", "Lärande och att tillämpa kunskap"),
        ("d2", "Allmänna uppgifter och krav"),
        ("d3", "Kommunikation"),
        ("d4", "Förflyttning"),
        ("d5", "Personlig vård"),
        ("d6", "Hemliv"),
        ("d7", "Mellanmänskliga interaktioner och relationer"),
        ("d8", "Större livsområden"),
        ("d9", "Samhällsgemenskap, socialt och medborgerligt liv"),
        ("", "Känsla av trygghet"),
        ("", "Personligt stöd från person som vårdar eller stödjer en närstående"),
    ]
    assert not LifeArea.objects.filter(name__in=["Psykiska funktioner", "Smärta"]).exists()


def test_the_related_factors_are_body_functions_with_their_icf_codes():
    assert list(RelatedFactor.objects.values_list("icf_code", "name")) == [
        ("b1", "Psykiska funktioner"),
        ("b2", "Sinnesfunktioner"),
        ("b280", "Smärta"),
        ("b3", "Röst- och talfunktioner"),
        ("b4", "Hjärt-, kärl- och andningsfunktioner"),
        ("b5", "Matsmältnings- och ämnesomsättningsfunktioner"),
        ("b6", "Urin- och könsfunktioner"),
        ("b7", "Rörelsefunktioner"),
        ("b8", "Hudens funktioner"),
    ]


@pytest.fixture
def earlier_rows(officer, therapist):
    """Life areas as an installation had them before IBIC's 2021 list, with a visit whose
    needs and goals were written on them (saved through the service, as the form did)."""
    LifeArea.objects.filter(code="viktiga_livsomraden").update(
        name="Utbildning, arbete, sysselsättning och ekonomiskt liv", icf_code="", sort_order=7
    )
    LifeArea.objects.filter(code="trygghet").update(sort_order=0)
    mental = LifeArea.objects.create(code="psykiska_funktioner", name="Psykiska funktioner")
    pain = LifeArea.objects.create(code="smarta", name="Smärta")
    home_copy = LifeArea.objects.create(code="hemliv_2", name="hemliv ")
    home = LifeArea.objects.get(code="hemliv")
    application = factories.received_case(officer=officer, therapist=therapist)
    visit = flow.book_visit(application, therapist=therapist)
    services.joint_visit_record(
        visit=visit,
        expected_version=visit.version,
        actor=therapist,
        goals=[
            services.GoalInput("Känna mig lugn på kvällarna", mental),
            services.GoalInput("Diska själv", home_copy),
        ],
        needs={
            mental: "Orolig på nätterna",
            pain: "Ont i höften vid förflyttning",
            home: "Städar själv",
            home_copy: "Behöver hjälp med disken",
        },
        related_factors={RelatedFactor.objects.get(code="smarta"): "Värk i knät"},
        complete=False,
    )
    return visit


def test_the_migration_brings_earlier_rows_to_the_list_and_loses_no_text(earlier_rows):
    visit = earlier_rows
    migration.bring_life_areas_to_ibic(apps, None)

    assert LifeArea.objects.count() == 11
    assert LifeArea.objects.get(code="viktiga_livsomraden").name == "Större livsområden"
    assert LifeArea.objects.get(code="viktiga_livsomraden").icf_code == "d8"
    assert LifeArea.objects.get(code="trygghet").sort_order == 9
    assert not LifeArea.objects.filter(code__in=["psykiska_funktioner", "smarta", "hemliv_2"])
    # The needs on body functions are the visit's related factors now, text kept; the
    # description already there comes first.
    assert list(
        VisitRelatedFactor.objects.filter(visit=visit).values_list("factor__code", "description")
    ) == [
        ("psykiska_funktioner", "Orolig på nätterna\n\nMål: Känna mig lugn på kvällarna"),
        ("smarta", "Värk i knät\n\nOnt i höften vid förflyttning"),
    ]
    # The two Hemliv rows are one; both needs are kept in it.
    assert list(
        NeedAssessment.objects.filter(visit=visit).values_list("life_area__code", "need")
    ) == [("hemliv", "Städar själv\n\nBehöver hjälp med disken")]
    # Every goal stays; the one on a body function has no life area, its text is in the factor.
    assert list(Goal.objects.values_list("text", "life_area__code")) == [
        ("Känna mig lugn på kvällarna", None),
        ("Diska själv", "hemliv"),
    ]


def test_the_migration_run_twice_changes_nothing_more(earlier_rows):
    migration.bring_life_areas_to_ibic(apps, None)
    before = list(VisitRelatedFactor.objects.values_list("factor__code", "description"))
    migration.bring_life_areas_to_ibic(apps, None)
    assert list(VisitRelatedFactor.objects.values_list("factor__code", "description")) == before
    assert LifeArea.objects.count() == 11


def test_an_area_the_administrator_renamed_keeps_its_name(earlier_rows):
    LifeArea.objects.filter(code="hemliv").update(name="Hemliv och hushåll")
    migration.bring_life_areas_to_ibic(apps, None)
    assert LifeArea.objects.get(code="hemliv").name == "Hemliv och hushåll"
    assert LifeArea.objects.get(code="hemliv").icf_code == "d6"


@pytest.fixture
def visit(officer, therapist):
    application = factories.received_case(officer=officer, therapist=therapist)
    return flow.book_visit(application, therapist=therapist)


def _record_url(visit):
    return reverse("assessments:visit_record", args=[visit.application.public_id])


def test_the_visit_form_records_related_factors_with_their_descriptions(client, therapist, visit):
    client.force_login(therapist)
    page = client.get(_record_url(visit)).content.decode()
    assert "Relaterade faktorer (IBIC)" in page
    assert "Smärta (b280)" in page
    assert "Personlig vård (d5)" in page
    response = client.post(
        _record_url(visit),
        {
            "version": visit.version,
            "action": "draft",
            "factor_smarta": " Ont i höger axel vid påklädning ",
            "factor_psykiska_funktioner": "",
            "need_personlig_vard": "Behöver stöd vid dusch",
        },
    )
    assert response.status_code == 302
    assert list(visit.related_factors.values_list("factor__code", "description")) == [
        ("smarta", "Ont i höger axel vid påklädning")
    ]
    assert list(visit.needs.values_list("life_area__code", "need")) == [
        ("personlig_vard", "Behöver stöd vid dusch")
    ]
    page = client.get(_record_url(visit)).content.decode()
    assert "Ont i höger axel vid påklädning" in page

    # Emptied, the factor is no longer recorded.
    visit.refresh_from_db()
    client.post(_record_url(visit), {"version": visit.version, "action": "draft"})
    assert not visit.related_factors.exists()


def test_a_too_long_description_is_refused_next_to_its_field(client, therapist, visit):
    client.force_login(therapist)
    response = client.post(
        _record_url(visit),
        {"version": visit.version, "action": "draft", "factor_smarta": "x" * 4001},
    )
    assert response.status_code == 200
    assert response.context["form"].errors["factor_smarta"] == [
        "Säkerställ att detta värde har som mest 4000 tecken (den har 4001)."
    ]
    assert not visit.related_factors.exists()


def test_a_retired_factor_the_visit_describes_stays_in_the_form(client, therapist, visit):
    sense = RelatedFactor.objects.get(code="sinnesfunktioner")
    VisitRelatedFactor.objects.create(visit=visit, factor=sense, description="Ser dåligt")
    RelatedFactor.objects.filter(pk=sense.pk).update(active=False)
    client.force_login(therapist)
    client.post(
        _record_url(visit),
        {"version": visit.version, "action": "draft", "factor_sinnesfunktioner": "Ser dåligt"},
    )
    assert list(visit.related_factors.values_list("description", flat=True)) == ["Ser dåligt"]


def test_the_case_page_and_the_assessment_basis_show_the_related_factors(
    client, officer, therapist
):
    application = factories.received_case(officer=officer, therapist=therapist)
    flow.assessed(
        application,
        therapist=therapist,
        related_factors={RelatedFactor.objects.get(code="smarta"): "Ont i höften"},
    )
    flow.confirm_track(application, therapist=therapist)
    flow.hand_over_basis(application, therapist=therapist)
    client.force_login(officer)
    page = client.get(
        reverse("assessments:application_detail", args=[application.public_id])
    ).content.decode()
    assert "Relaterade faktorer (IBIC)" in page
    assert "Smärta" in page and "(b280)" in page and "Ont i höften" in page

    response = client.get(reverse("assessments:assessment_basis_pdf", args=[application.public_id]))
    text = " ".join(page.extract_text() for page in PdfReader(io.BytesIO(response.content)).pages)
    assert "Relaterade faktorer" in text
    assert "Smärta (b280)" in text
    assert "Ont i höften" in text


def test_the_register_extract_holds_the_related_factors_and_the_home_care_area(
    client, officer, therapist
):
    area = HomeCareArea.objects.create(team=officer.team, name="Norra")
    application = factories.received_case(
        officer=officer, therapist=therapist, citizen__home_care_area=area
    )
    flow.assessed(
        application,
        therapist=therapist,
        related_factors={RelatedFactor.objects.get(code="psykiska_funktioner"): "Glömsk"},
    )
    client.force_login(officer)
    response = client.get(
        reverse("assessments:citizen_export_json", args=[application.citizen.public_id])
    )
    data = json.loads(response.content)["citizen"]
    assert data["home_care_area"] == "Norra"
    [visit] = data["applications"][0]["visits"]
    assert visit["related_factors"] == [{"factor": "Psykiska funktioner", "description": "Glömsk"}]
