"""The demo's follow-up study: the demo manager's study of shower, with its sample drawn,
so that the demo shows a study to answer."""

from django.db import transaction
from django.utils import timezone

from assessments.models import ServiceType
from rehab.demo import DEMO_TEAM
from rehab.models import User

from . import services
from .models import Study

DEMO_STUDY = "Dusch – systematisk uppföljning"
DEMO_SEED = 20261


@transaction.atomic
def ensure_demo_study() -> Study | None:
    """Define and draw the demo study once (None when the demo manager is missing)."""
    manager = User.objects.filter(username="enhetschef", team__name=DEMO_TEAM).first()
    if manager is None:
        return None
    existing = Study.objects.filter(team=manager.team, name=DEMO_STUDY).first()
    if existing is not None:
        return existing
    study = services.study_create(
        actor=manager,
        name=DEMO_STUDY,
        service=ServiceType.objects.get(code="dusch"),
        sampling_day=timezone.localdate(),
        sample_size=10,
        seed=DEMO_SEED,
    )
    services.sample_draw(study=study, actor=manager)
    return study
