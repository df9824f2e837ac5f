from django.urls import path

from studies.views import answers, results, studies

app_name = "studies"
urlpatterns = [
    path("studies/", studies.study_list, name="study_list"),
    path("studies/new/", studies.study_create, name="study_create"),
    path("studies/<uuid:public_id>/", studies.study_detail, name="study_detail"),
    path("studies/<uuid:public_id>/sample/", studies.sample_draw, name="sample_draw"),
    path("studies/<uuid:public_id>/results/", results.results, name="results"),
    path("studies/<uuid:public_id>/results.csv", results.results_csv, name="results_csv"),
    path("studies/<uuid:public_id>/results.xlsx", results.results_xlsx, name="results_xlsx"),
    path(
        "study-cases/<uuid:public_id>/case-officer/",
        answers.answer_case_officer,
        name="answer_case_officer",
    ),
    path("study-cases/<uuid:public_id>/provider/", answers.answer_provider, name="answer_provider"),
    path("study-cases/<uuid:public_id>/citizen/", answers.answer_citizen, name="answer_citizen"),
]
