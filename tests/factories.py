"""factory_boy factories, one per model, with realistic Swedish values.

Names, addresses, phone numbers and identity numbers come from the demo data generator, so
a factory citizen looks like a generated one and always has a valid personnummer.
"""

import datetime
import unicodedata

import factory
import factory.random
from django.contrib.auth.models import Group
from django.utils import timezone

from assessments import demo_data
from assessments import services as assessment_services
from assessments.models import (
    Application,
    AppliedService,
    Citizen,
    JointVisit,
    ProtectedIdentityGrant,
    ServiceType,
)
from rehab.demo import DEMO_PASSWORD
from rehab.models import Team, User
from rehab.roles import Role
from tests.support import flow

CATALOGUE = {
    "trygghetslarm": ("Trygghetslarm", False),
    "dusch": ("Dusch", True),
    "stad": ("Städ", True),
    "mathallning": ("Mathållning", True),
    "tvatt": ("Tvätt", True),
    "hushall_baddning": ("Hushållsarbete/bäddning", True),
    "ovrigt": ("Övrigt", True),
}
TEAM_NAMES = ["Team Söder", "Team Väster", "Team Öster", "Team Centrum", "Team Ådalen"]
TITLES = {
    Role.CASE_OFFICER: "Biståndshandläggare",
    Role.THERAPIST: "Arbetsterapeut",
    Role.PHYSIO: "Fysioterapeut",
    Role.MANAGER: "Enhetschef",
    Role.ADMIN: "Systemförvaltare",
}
# Factory citizens are born on different days of a 65-97 year age band: 7919 is prime, so
# n -> n * 7919 mod BIRTH_DAY_BAND reaches every day once before repeating. The birth number
# repeats every 396 citizens, so a number repeats only after lcm(11 700, 396) = 128 700.
BIRTH_DAY_BAND = 11_700


def _rng():
    return factory.random.randgen


def _ascii(text: str) -> str:
    folded = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return "".join(char for char in folded.lower() if char.isalnum())


def _birth_date(n: int) -> datetime.date:
    youngest = timezone.localdate() - datetime.timedelta(days=round(65.2 * 365.25))
    return youngest - datetime.timedelta(days=(n * 7919) % BIRTH_DAY_BAND)


def _serial(n: int, male: bool) -> int:
    return (n % 99 + 1) * 10 + (1 if male else 2) + 2 * ((n // 99) % 4)


class TeamFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Team
        django_get_or_create = ("name",)

    name = factory.Sequence(lambda n: f"{TEAM_NAMES[n % len(TEAM_NAMES)]} {n // 5 + 1}")


class UserFactory(factory.django.DjangoModelFactory):
    """A staff member; a trait (``therapist=True``) or ``roles=[...]`` gives the role groups."""

    class Meta:
        model = User
        django_get_or_create = ("username",)
        skip_postgeneration_save = True

    class Params:
        male = factory.LazyFunction(lambda: _rng().random() < 0.4)
        case_officer = factory.Trait(title=TITLES[Role.CASE_OFFICER])
        therapist = factory.Trait(title=TITLES[Role.THERAPIST])
        physio = factory.Trait(title=TITLES[Role.PHYSIO])
        manager = factory.Trait(title=TITLES[Role.MANAGER])
        admin = factory.Trait(title=TITLES[Role.ADMIN], is_staff=True)

    first_name = factory.LazyAttribute(lambda o: demo_data.random_name(_rng(), male=o.male)[0])
    last_name = factory.LazyFunction(lambda: _rng().choice(demo_data.LAST_NAMES))
    username = factory.LazyAttributeSequence(
        lambda o, n: f"{_ascii(o.first_name)}.{_ascii(o.last_name)}{n}"
    )
    email = factory.LazyAttribute(lambda o: f"{o.username}@kommun.example")
    title = ""
    team = factory.SubFactory(TeamFactory)
    password = factory.django.Password(DEMO_PASSWORD)

    @factory.post_generation
    def roles(self, create, extracted, **kwargs):
        """Without ``roles=``, the role that goes with the title (set by the traits)."""
        if not create:
            return
        if extracted is None:
            extracted = [role for role, title in TITLES.items() if title == self.title]
        self.groups.add(*(Group.objects.get_or_create(name=Role(r).value)[0] for r in extracted))


class ServiceTypeFactory(factory.django.DjangoModelFactory):
    """An entry of the service catalogue; the migration's entries are reused by code."""

    class Meta:
        model = ServiceType
        django_get_or_create = ("code",)

    code = factory.Iterator(CATALOGUE)
    name = factory.LazyAttribute(lambda o: CATALOGUE.get(o.code, (o.code.title(), True))[0])
    has_minutes = factory.LazyAttribute(lambda o: CATALOGUE.get(o.code, ("", True))[1])
    sort_order = factory.LazyAttribute(
        lambda o: list(CATALOGUE).index(o.code) if o.code in CATALOGUE else len(CATALOGUE)
    )


class CitizenFactory(factory.django.DjangoModelFactory):
    """An older citizen; the personnummer matches the birth date and the sex."""

    class Meta:
        model = Citizen

    class Params:
        male = factory.LazyFunction(lambda: _rng().random() < 0.38)
        address = factory.LazyFunction(lambda: demo_data.random_address(_rng()))

    birth_date = factory.Sequence(_birth_date)
    personal_number = factory.LazyAttributeSequence(
        lambda o, n: demo_data.personal_number(
            o.birth_date, serial=_serial(n, o.male), coordination=o.is_coordination_number
        )
    )
    is_coordination_number = False
    sex = factory.LazyAttribute(lambda o: Citizen.Sex.MALE if o.male else Citizen.Sex.FEMALE)
    first_name = factory.LazyAttribute(lambda o: demo_data.random_name(_rng(), male=o.male)[0])
    last_name = factory.LazyFunction(lambda: _rng().choice(demo_data.LAST_NAMES))
    street_address = factory.LazyAttribute(lambda o: o.address[0])
    postal_code = factory.LazyAttribute(lambda o: o.address[1])
    city = factory.LazyAttribute(lambda o: o.address[2])
    phone = factory.LazyFunction(lambda: demo_data.fictional_phone(_rng()))
    lives_alone = factory.LazyFunction(lambda: _rng().random() < 0.6)
    protected_identity = False
    next_of_kin_name = factory.LazyAttribute(
        lambda o: f"{demo_data.random_name(_rng(), male=False)[0]} {o.last_name}"
    )
    next_of_kin_relation = "Dotter"
    next_of_kin_phone = factory.LazyFunction(lambda: demo_data.fictional_phone(_rng()))
    team = factory.SubFactory(TeamFactory)


class ProtectedIdentityGrantFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ProtectedIdentityGrant

    citizen = factory.SubFactory(CitizenFactory, protected_identity=True)
    user = factory.SubFactory(UserFactory, case_officer=True, team=factory.SelfAttribute("..team"))
    granted_by = factory.SubFactory(UserFactory, admin=True)
    reason = "Ansvarig handläggare i pågående ärende"

    class Params:
        team = factory.SelfAttribute("citizen.team")


class ApplicationFactory(factory.django.DjangoModelFactory):
    """An application received in the last weeks, handled by a case officer in the team."""

    class Meta:
        model = Application
        skip_postgeneration_save = True

    citizen = factory.SubFactory(CitizenFactory)
    kind = Application.Kind.APPLICATION
    received_on = factory.LazyFunction(
        lambda: timezone.localdate() - datetime.timedelta(days=_rng().randint(0, 6))
    )
    channel = factory.LazyFunction(
        lambda: demo_data.weighted_choice(_rng(), demo_data.CHANNEL_WEIGHTS)
    )
    after_inpatient_stay = False
    existing_services = ""
    status = Application.Status.RECEIVED
    case_officer = factory.SubFactory(
        UserFactory, case_officer=True, team=factory.SelfAttribute("..citizen.team")
    )
    therapist = None
    team = factory.SelfAttribute("case_officer.team")

    @factory.post_generation
    def services(self, create, extracted, **kwargs):
        """``services=["dusch", "trygghetslarm"]`` adds applied services by catalogue code."""
        if not create or not extracted:
            return
        for code in extracted:
            AppliedServiceFactory(application=self, service__code=code)
        assessment_services.refresh_queue_columns(self)  # the queue's applied minutes


class AppliedServiceFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = AppliedService

    application = factory.SubFactory(ApplicationFactory)
    service = factory.SubFactory(ServiceTypeFactory)
    minutes_per_week = factory.LazyAttribute(lambda o: demo_data.random_minutes(_rng(), o.service))


def _next_weekday_at_ten() -> datetime.datetime:
    day = timezone.localdate() + datetime.timedelta(days=_rng().randint(1, 14))
    while day.weekday() >= 5:
        day += datetime.timedelta(days=1)
    return datetime.datetime.combine(day, datetime.time(10), timezone.get_default_timezone())


class JointVisitFactory(factory.django.DjangoModelFactory):
    """A booked joint home visit; the application gets the therapist and "visit booked"."""

    class Meta:
        model = JointVisit

    application = factory.SubFactory(
        ApplicationFactory,
        status=Application.Status.VISIT_BOOKED,
        therapist=factory.SubFactory(
            UserFactory, therapist=True, team=factory.SelfAttribute("..citizen.team")
        ),
    )
    scheduled_at = factory.LazyFunction(_next_weekday_at_ten)
    case_officer = factory.SelfAttribute("application.case_officer")
    therapist = factory.SelfAttribute("application.therapist")
    status = JointVisit.Status.BOOKED

    @factory.post_generation
    def queue_columns(self, create, extracted, **kwargs):
        """The application's queue columns say what its visits say, as the services keep."""
        if create:
            assessment_services.refresh_queue_columns(self.application)


# --- cases built through the services ------------------------------------------------------
# A case past "received" is walked through the services (tests/support/flow.py), never
# created with its status set, so a test cannot build a state the UI cannot reach.


def received_case(*, officer, therapist=None, services=("dusch",), **fields) -> Application:
    """A received application in the officer's team, with applied services by code."""
    fields.setdefault("citizen__team", officer.team)
    return ApplicationFactory(
        case_officer=officer, therapist=therapist, services=list(services), **fields
    )


def assessed_case(*, officer, therapist, potential=True, motivated=False, **fields):
    """A case whose joint visit is done: "assessed"."""
    application = received_case(officer=officer, therapist=therapist, **fields)
    return flow.assessed(application, therapist=therapist, potential=potential, motivated=motivated)


def case_in_track(*, officer, therapist, track=None, reason="", **fields) -> Application:
    """A case in its confirmed track (the proposed one unless ``track`` is given)."""
    application = assessed_case(officer=officer, therapist=therapist, **fields)
    flow.confirm_track(application, therapist=therapist, track=track, reason=reason)
    return application


def decided_case(*, officer, therapist, decided_on=None, granted=None, **fields) -> Application:
    """A decided case (granting what was applied for unless ``granted`` is given)."""
    application = received_case(officer=officer, therapist=therapist, **fields)
    return flow.decided(
        application, officer=officer, therapist=therapist, decided_on=decided_on, granted=granted
    )


def intervention(application: Application, *, actor, minutes=45, performed_on=None, **fields):
    """An intervention recorded by ``actor`` on a case in a track."""
    from tracks import services as track_services
    from tracks.models import Intervention

    return track_services.intervention_add(
        application=application,
        actor=actor,
        performed_on=performed_on or timezone.localdate(),
        minutes=minutes,
        kind=fields.pop("kind", Intervention.Kind.TRAINING),
        **fields,
    )


def follow_up_due(*, officer, therapist, months=3, **fields):
    """The ``months`` follow-up of a case decided ``months`` months ago, fallen due by the
    daily job: the case is in the officer's queue."""
    from followup.models import FollowUp
    from followup.services import add_months

    today = timezone.localdate()
    decided_on = add_months(today, -months)
    fields.setdefault("received_on", decided_on - datetime.timedelta(days=40))
    application = decided_case(
        officer=officer, therapist=therapist, decided_on=decided_on, **fields
    )
    flow.follow_ups_fall_due(today=today)
    return FollowUp.objects.select_related("application").get(
        application=application, months=months, status=FollowUp.Status.DUE
    )
