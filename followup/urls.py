from django.urls import path

from followup.views import (
    dashboard,
    follow_up,
    my_follow_ups,
    overview,
    performed,
    positive_example,
    projection,
    reports,
    temporary_increase,
    whatif,
)

app_name = "followup"
urlpatterns = [
    path("overview/", overview.overview, name="overview"),
    path("indicators/", dashboard.dashboard, name="dashboard"),
    path("indicators/download/", dashboard.dashboard_download, name="dashboard_download"),
    path("follow-ups/", my_follow_ups.my_follow_ups, name="my_follow_ups"),
    path(
        "applications/<uuid:public_id>/follow-ups/next/",
        follow_up.next_follow_up,
        name="next_follow_up",
    ),
    path(
        "applications/<uuid:public_id>/follow-ups/<int:months>/",
        follow_up.follow_up,
        name="follow_up",
    ),
    path(
        "applications/<uuid:public_id>/positive-example/",
        positive_example.positive_example,
        name="positive_example",
    ),
    path(
        "applications/<uuid:public_id>/temporary-increases/new/",
        temporary_increase.temporary_increase,
        name="temporary_increase",
    ),
    path("whatif/", whatif.whatif, name="whatif"),
    path("projection/", projection.projection_page, name="projection"),
    path(
        "performed-minutes/import/",
        performed.performed_import_page,
        name="performed_import",
    ),
    path("reports/", reports.report_order, name="report_order"),
    path("reports/<uuid:public_id>/status/", reports.report_status, name="report_status"),
    path(
        "reports/<uuid:public_id>/download/",
        reports.report_download,
        name="report_download",
    ),
]
