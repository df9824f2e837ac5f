"""A study's results for the manager: the page and its CSV and XLSX downloads."""

import io

from django.http import HttpResponse
from django.shortcuts import render
from django.utils.text import slugify

from rehab.permissions import permission_required

from .. import exports
from ..results import result_tables
from .common import study_from_url


@permission_required("studies.view_results", fn=study_from_url)
def results(request, public_id):
    study = request.permission_object
    return render(request, "studies/results.html", {"study": study, "tables": result_tables(study)})


def _filename(study, extension: str) -> str:
    return f"studie-{slugify(study.name) or 'resultat'}.{extension}"


@permission_required("studies.view_results", fn=study_from_url)
def results_csv(request, public_id):
    study = request.permission_object
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{_filename(study, "csv")}"'
    exports.write_csv(response, result_tables(study))
    return response


@permission_required("studies.view_results", fn=study_from_url)
def results_xlsx(request, public_id):
    study = request.permission_object
    stream = io.BytesIO()
    exports.write_xlsx(stream, result_tables(study))
    response = HttpResponse(
        stream.getvalue(),
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
    response["Content-Disposition"] = f'attachment; filename="{_filename(study, "xlsx")}"'
    return response
