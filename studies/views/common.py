"""Loading the study or sampled case a URL names, within the user's team."""

from django.http import Http404

from .. import selectors
from ..models import SampledCase, Study


def study_from_url(request, public_id, **kwargs) -> Study:
    """``fn`` for ``permission_required``: the study of the user's team (404 otherwise;
    403 for managers and administrators, see rehab.permissions)."""
    try:
        return selectors.study_for(request.user, public_id)
    except Study.DoesNotExist:
        raise Http404 from None


def sampled_case_from_url(request, public_id, **kwargs) -> SampledCase:
    try:
        return selectors.sampled_case_for(request.user, public_id)
    except SampledCase.DoesNotExist:
        raise Http404 from None
