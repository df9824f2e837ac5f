from django.urls import path

from studies.views import answers, results, studies

app_name = "studies"
urlpatterns = [
    path("studier/", studies.study_list, name="study_list"),
    path("studier/ny/", studies.study_create, name="study_create"),
    path("studier/<uuid:public_id>/", studies.study_detail, name="study_detail"),
    path("studier/<uuid:public_id>/urval/", studies.sample_draw, name="sample_draw"),
    path("studier/<uuid:public_id>/resultat/", results.results, name="results"),
    path("studier/<uuid:public_id>/resultat.csv", results.results_csv, name="results_csv"),
    path("studier/<uuid:public_id>/resultat.xlsx", results.results_xlsx, name="results_xlsx"),
    path(
        "studiefall/<uuid:public_id>/handlaggare/",
        answers.answer_case_officer,
        name="answer_case_officer",
    ),
    path("studiefall/<uuid:public_id>/utforare/", answers.answer_provider, name="answer_provider"),
    path("studiefall/<uuid:public_id>/medborgare/", answers.answer_citizen, name="answer_citizen"),
]
