from django.urls import path

from followup.views import follow_up, overview, positive_example, reports, whatif

app_name = "followup"
urlpatterns = [
    path("overview/", overview.overview, name="overview"),
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
    path("whatif/", whatif.whatif, name="whatif"),
    path("reports/", reports.report_order, name="report_order"),
    path("reports/<uuid:public_id>/status/", reports.report_status, name="report_status"),
    path(
        "reports/<uuid:public_id>/download/",
        reports.report_download,
        name="report_download",
    ),
]
