from django.urls import path

from .views import applications, citizens, decision, imports, instruments, queue, visits

app_name = "assessments"
urlpatterns = [
    path("queue/", queue.work_queue, name="work_queue"),
    path("visits/", queue.my_visits, name="my_visits"),
    path("citizens/search/", citizens.citizen_search, name="citizen_search"),
    path("citizens/new/", citizens.citizen_create, name="citizen_create"),
    path("citizens/<uuid:public_id>/", citizens.citizen_detail, name="citizen_detail"),
    path("citizens/<uuid:public_id>/edit/", citizens.citizen_update, name="citizen_update"),
    path(
        "citizens/<uuid:public_id>/protection/",
        citizens.citizen_protection,
        name="citizen_protection",
    ),
    path("citizens/<uuid:public_id>/grants/", citizens.citizen_grants, name="citizen_grants"),
    path("citizens/protected/", citizens.protected_identities, name="protected_identities"),
    path(
        "citizens/<uuid:public_id>/export.json",
        citizens.citizen_export_json,
        name="citizen_export_json",
    ),
    path(
        "citizens/<uuid:public_id>/export.pdf",
        citizens.citizen_export_pdf,
        name="citizen_export_pdf",
    ),
    path(
        "citizens/<uuid:public_id>/applications/new/",
        applications.application_create,
        name="application_create",
    ),
    path(
        "applications/<uuid:public_id>/", applications.application_detail, name="application_detail"
    ),
    path(
        "applications/<uuid:public_id>/history/",
        applications.application_history,
        name="application_history",
    ),
    path(
        "applications/<uuid:public_id>/edit/",
        applications.application_update,
        name="application_update",
    ),
    path("applications/<uuid:public_id>/visit/", visits.visit_book, name="visit_book"),
    path("applications/<uuid:public_id>/visit/record/", visits.visit_record, name="visit_record"),
    path("applications/<uuid:public_id>/visit/draft/", visits.visit_draft, name="visit_draft"),
    path(
        "applications/<uuid:public_id>/instruments/",
        instruments.instruments,
        name="instruments",
    ),
    path(
        "applications/<uuid:public_id>/instruments/<slug:code>/",
        instruments.instrument_record,
        name="instrument_record",
    ),
    path(
        "applications/<uuid:public_id>/basis/", decision.assessment_basis, name="assessment_basis"
    ),
    path(
        "applications/<uuid:public_id>/basis.pdf",
        decision.assessment_basis_pdf,
        name="assessment_basis_pdf",
    ),
    path(
        "applications/<uuid:public_id>/decision/", decision.decision_record, name="decision_record"
    ),
    path(
        "applications/<uuid:public_id>/decision.pdf",
        decision.decision_letter_pdf,
        name="decision_letter_pdf",
    ),
    path("import/", imports.import_applications, name="import_applications"),
    path("import/status/", imports.import_status, name="import_status"),
]
