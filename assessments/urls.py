from django.urls import path

from . import import_views, instrument_views, views

app_name = "assessments"
urlpatterns = [
    path("queue/", views.work_queue, name="work_queue"),
    path("visits/", views.my_visits, name="my_visits"),
    path("citizens/search/", views.citizen_search, name="citizen_search"),
    path("citizens/new/", views.citizen_create, name="citizen_create"),
    path("citizens/<uuid:public_id>/", views.citizen_detail, name="citizen_detail"),
    path("citizens/<uuid:public_id>/edit/", views.citizen_update, name="citizen_update"),
    path(
        "citizens/<uuid:public_id>/export.json",
        views.citizen_export_json,
        name="citizen_export_json",
    ),
    path(
        "citizens/<uuid:public_id>/export.pdf",
        views.citizen_export_pdf,
        name="citizen_export_pdf",
    ),
    path(
        "citizens/<uuid:public_id>/applications/new/",
        views.application_create,
        name="application_create",
    ),
    path("applications/<uuid:public_id>/", views.application_detail, name="application_detail"),
    path(
        "applications/<uuid:public_id>/history/",
        views.application_history,
        name="application_history",
    ),
    path(
        "applications/<uuid:public_id>/edit/", views.application_update, name="application_update"
    ),
    path("applications/<uuid:public_id>/visit/", views.visit_book, name="visit_book"),
    path("applications/<uuid:public_id>/visit/record/", views.visit_record, name="visit_record"),
    path(
        "applications/<uuid:public_id>/instruments/",
        instrument_views.instruments,
        name="instruments",
    ),
    path(
        "applications/<uuid:public_id>/instruments/<slug:code>/",
        instrument_views.instrument_record,
        name="instrument_record",
    ),
    path("applications/<uuid:public_id>/basis/", views.assessment_basis, name="assessment_basis"),
    path(
        "applications/<uuid:public_id>/basis.pdf",
        views.assessment_basis_pdf,
        name="assessment_basis_pdf",
    ),
    path("applications/<uuid:public_id>/decision/", views.decision_record, name="decision_record"),
    path("import/", import_views.import_applications, name="import_applications"),
]
