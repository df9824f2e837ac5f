"""Fictional citizens and applications for the demo and the benchmarks.

Everything is invented and follows from the seed: names from common Swedish name lists,
identity numbers with correct check digits, phone numbers from the range that Post- och
telestyrelsen keeps for fiction (070-174 06 05 to 070-174 06 99). Each case's history is
planned backwards from today (``plan_case``), so its status comes with the records the
workflow requires and its dates run in order. ``generate`` writes the rows with
``bulk_create`` in batches (for any size); the demo walks the same plans through the
services instead (``followup.demo``). The values are ones the services accept.
"""

import calendar
import datetime
import random
import time
import uuid
from dataclasses import dataclass, field
from types import SimpleNamespace

from django.apps import apps
from django.contrib.auth.models import Group
from django.db import transaction
from django.utils import timezone

from rehab.demo import DEMO_TEAM, DemoUser, ensure_demo_users
from rehab.models import Team, User
from rehab.roles import Role

from . import scoring
from .models import (
    Application,
    AppliedService,
    AssessmentBasis,
    Citizen,
    Decision,
    GrantedService,
    HomeCareArea,
    JointVisit,
    LegalBasis,
    ServiceType,
)

FEMALE_FIRST_NAMES = [
    "Agneta", "Anna", "Ann-Marie", "Astrid", "Barbro", "Berit", "Birgitta", "Britt",
    "Britt-Marie", "Dagmar", "Ebba", "Elisabeth", "Elsa", "Elvy", "Ester", "Eva", "Gerd",
    "Greta", "Gudrun", "Gun", "Gunborg", "Gunilla", "Gunnel", "Gunvor", "Hjördis", "Inga",
    "Ingeborg", "Ingegerd", "Inger", "Ingrid", "Irene", "Iris", "Jenny", "Karin", "Kerstin",
    "Lena", "Lilian", "Maj", "Maj-Britt", "Margareta", "Margit", "Marianne", "Märta",
    "Monica", "Rut", "Signe", "Siv", "Solveig", "Sonja", "Svea", "Ulla", "Viola", "Yvonne",
]  # fmt: skip
MALE_FIRST_NAMES = [
    "Anders", "Arne", "Bengt", "Bertil", "Björn", "Bo", "Curt", "Egon", "Erik", "Evert",
    "Folke", "Gunnar", "Gustav", "Göran", "Hans", "Harry", "Helge", "Ingemar", "Ingvar",
    "Jan", "Karl", "Kent", "Kjell", "Lars", "Leif", "Lennart", "Nils", "Olle", "Ove", "Per",
    "Ragnar", "Roland", "Rolf", "Rune", "Sten", "Stig", "Sune", "Sven", "Tage", "Tore",
    "Torsten", "Ulf", "Valter", "Yngve", "Åke", "Östen",
]  # fmt: skip
LAST_NAMES = [
    "Andersson", "Johansson", "Karlsson", "Nilsson", "Eriksson", "Larsson", "Olsson",
    "Persson", "Svensson", "Gustafsson", "Pettersson", "Jonsson", "Jansson", "Hansson",
    "Bengtsson", "Jönsson", "Lindberg", "Jakobsson", "Magnusson", "Olofsson", "Lindström",
    "Lindqvist", "Lindgren", "Berg", "Axelsson", "Bergström", "Lundberg", "Lind", "Lundgren",
    "Lundqvist", "Mattsson", "Berglund", "Fredriksson", "Sandberg", "Henriksson", "Forsberg",
    "Sjöberg", "Wallin", "Engström", "Eklund", "Danielsson", "Håkansson", "Lundin", "Björk",
    "Bergman", "Gunnarsson", "Holm", "Wikström", "Samuelsson", "Isaksson", "Fransson",
    "Bergqvist", "Nyström", "Holmberg", "Arvidsson", "Löfgren", "Söderberg", "Nyberg",
    "Blomqvist", "Claesson", "Nordström", "Mårtensson", "Lundström", "Viklund", "Björklund",
    "Eliasson", "Pålsson", "Berggren", "Sandström", "Nordin", "Ström", "Åberg", "Hermansson",
    "Ekström", "Holmgren", "Sundberg", "Hedlund", "Dahlberg", "Hellström", "Sjögren",
    "Öberg", "Strömberg", "Månsson", "Åkesson", "Lindholm", "Norberg", "Holmqvist",
    "Sundqvist", "Marklund", "Öhman", "Wiklund", "Nordlund", "Edlund", "Hägglund",
    "Virtanen", "Korhonen", "Nieminen", "Jovanović", "Novak", "Yilmaz", "Hussein",
]  # fmt: skip
STREETS = [
    "Storgatan", "Kyrkogatan", "Skolgatan", "Järnvägsgatan", "Trädgårdsgatan", "Nygatan",
    "Södra vägen", "Björkvägen", "Tallvägen", "Granvägen", "Lönnvägen", "Ekvägen",
    "Rönnvägen", "Aspvägen", "Sjövägen", "Parkvägen", "Ringvägen", "Kvarngatan",
    "Bruksgatan", "Solvägen", "Backvägen", "Ängsvägen", "Vallgatan", "Strandvägen",
    "Bergsgatan", "Stationsgatan", "Hantverkargatan", "Prästgårdsvägen", "Älvvägen",
    "Skogsvägen", "Lingonvägen", "Blåbärsvägen", "Hagavägen", "Norra Tjärnvägen",
]  # fmt: skip
# Town, first three digits of its postal codes, weight.
TOWNS = [
    ("Timrå", (861,), 14), ("Sundsvall", (852, 853, 854, 856), 20), ("Härnösand", (871,), 6),
    ("Kramfors", (872,), 4), ("Sollefteå", (881,), 3), ("Örnsköldsvik", (891, 892), 6),
    ("Östersund", (831,), 6), ("Umeå", (903, 904, 906), 6), ("Skellefteå", (931,), 3),
    ("Gävle", (802, 803, 806), 6), ("Hudiksvall", (824,), 3), ("Söderhamn", (826,), 2),
    ("Falun", (791,), 3), ("Örebro", (702, 703), 10), ("Kumla", (692,), 2),
    ("Karlskoga", (691,), 2), ("Lindesberg", (711,), 2),
]  # fmt: skip
# The demo team's home-care areas (hemtjänstområden); a citizen's area follows from the
# postal code, so that the random stream (and every seed's data) stays as it was.
DEMO_HOME_CARE_AREAS = ["Centrum", "Norra", "Södra", "Landsbygd"]
RELATIONS_WHEN_ALONE = ["Dotter", "Son", "Dotter", "Son", "Barnbarn", "Syster", "Bror",
                        "Systerdotter", "God man", "Granne"]  # fmt: skip
EXISTING_SERVICES = [
    "Trygghetslarm",
    "Hemtjänst: städ 60 min/vecka",
    "Matdistribution",
    "Hemtjänst: inköp och tvätt",
    "Dagverksamhet två dagar i veckan",
    "Hemsjukvård: läkemedelsgivning",
]

# Applied minutes per week for services measured in minutes: (lowest, highest), in steps of 5.
MINUTES_BY_SERVICE = {
    "dusch": (30, 120),
    "stad": (30, 120),
    "mathallning": (60, 210),
    "tvatt": (15, 60),
    "hushall_baddning": (15, 90),
    "ovrigt": (15, 120),
}
DEFAULT_MINUTES = (15, 210)
SERVICE_WEIGHTS = {
    "trygghetslarm": 9,
    "dusch": 8,
    "stad": 7,
    "mathallning": 5,
    "tvatt": 4,
    "hushall_baddning": 3,
    "ovrigt": 1,
}

FICTIONAL_PHONE_PREFIX = "070-174 06 "
FICTIONAL_PHONE_ENDINGS = range(5, 100)  # 070-174 06 05 .. 070-174 06 99

EXTRA_STAFF = [
    DemoUser("handlaggare2", "Johan", "Sundqvist", Role.CASE_OFFICER, "Biståndshandläggare"),
    DemoUser("handlaggare3", "Eva", "Marklund", Role.CASE_OFFICER, "Biståndshandläggare"),
    DemoUser("arbetsterapeut2", "Linnea", "Öhman", Role.THERAPIST, "Arbetsterapeut"),
    DemoUser("arbetsterapeut3", "Anders", "Wiklund", Role.THERAPIST, "Arbetsterapeut"),
]

Status = Application.Status
STATUS_WEIGHTS = {
    Status.RECEIVED: 22,
    Status.VISIT_BOOKED: 18,
    Status.ASSESSED: 8,
    Status.IN_TRACK: 20,
    Status.AWAITING_DECISION: 10,
    Status.DECIDED: 8,
    Status.FOLLOW_UP_DUE: 10,
    Status.CLOSED: 12,
}
# Follow-ups fall due this many months after the decision (the default intervals).
FOLLOW_UP_MONTHS = (3, 6)
# Why a case was closed at its follow-up (CaseClosure.Reason), when it had a track.
CLOSE_REASON_WEIGHTS = {
    "needs_ended": 55,
    "declined": 12,
    "moved": 10,
    "deceased": 13,
    "handed_over": 10,
}
INTERVENTION_KIND_WEIGHTS = {"training": 60, "device_fitting": 25, "advice": 15}
CHANNEL_WEIGHTS = {
    Application.Channel.PHONE: 40,
    Application.Channel.E_SERVICE: 12,
    Application.Channel.LETTER: 6,
    Application.Channel.IN_PERSON: 4,
    Application.Channel.HOSPITAL: 8,
    Application.Channel.NEXT_OF_KIN: 25,
    Application.Channel.OTHER: 5,
}
KIND_WEIGHTS = {
    Application.Kind.APPLICATION: 75,
    Application.Kind.NOTIFICATION: 15,
    Application.Kind.REVIEW: 10,
}
VISIT_SLOTS = [datetime.time(h, m) for h in range(8, 15) for m in (0, 30)][1:]  # 08:30-14:30


@dataclass(frozen=True)
class GenerationResult:
    citizens: int
    applications: int
    services: int
    visits: int
    seconds: float

    @property
    def rows(self) -> int:
        return self.citizens + self.applications + self.services + self.visits


def luhn_check_digit(digits: str) -> int:
    """The check digit of a personnummer, computed over YYMMDDNNN."""
    total = 0
    for index, char in enumerate(digits):
        product = int(char) * (2 - index % 2)
        total += product - 9 if product > 9 else product
    return (10 - total % 10) % 10


def personal_number(birth_date: datetime.date, *, serial: int, coordination: bool = False) -> str:
    """12 digits YYYYMMDDNNNC; ``serial`` is the birth number 1-999 (odd last digit = male).

    A samordningsnummer adds 60 to the day.
    """
    if not 1 <= serial <= 999:
        raise ValueError("serial must be 1-999")
    day = birth_date.day + (60 if coordination else 0)
    body = f"{birth_date:%y%m}{day:02d}{serial:03d}"
    return f"{birth_date:%Y}"[:2] + body + str(luhn_check_digit(body))


def random_serial(rng: random.Random, *, male: bool) -> int:
    """A birth number whose last digit is odd for men and even for women."""
    return rng.randrange(1, 100) * 10 + rng.choice((1, 3, 5, 7, 9) if male else (0, 2, 4, 6, 8))


def random_birth_date(
    rng: random.Random, today: datetime.date, *, min_age: int = 65, max_age: int = 100
) -> datetime.date:
    """A birth date for an age between the bounds, most often in the eighties."""
    youngest = _years_before(today, min_age)
    oldest = _years_before(today, max_age + 1) + datetime.timedelta(days=1)
    mode = _years_before(today, min(max(84, min_age), max_age)).toordinal()
    ordinal = round(rng.triangular(oldest.toordinal(), youngest.toordinal(), mode))
    return datetime.date.fromordinal(ordinal)


def _years_before(day: datetime.date, years: int) -> datetime.date:
    try:
        return day.replace(year=day.year - years)
    except ValueError:  # 29 February in a year that has none
        return day.replace(year=day.year - years, day=28)


def random_name(rng: random.Random, *, male: bool) -> tuple[str, str]:
    first = rng.choice(MALE_FIRST_NAMES if male else FEMALE_FIRST_NAMES)
    return first, rng.choice(LAST_NAMES)


def random_address(rng: random.Random) -> tuple[str, str, str]:
    """Street address, postal code written "123 45", town."""
    town, prefixes, _ = rng.choices(TOWNS, weights=[t[2] for t in TOWNS])[0]
    number = str(rng.randint(1, 60))
    roll = rng.random()
    if roll < 0.15:
        number += rng.choice(" AB")
    elif roll < 0.35:
        number += f" lgh {rng.randint(10, 14)}{rng.randint(1, 9):02d}"
    postal_code = f"{rng.choice(prefixes)} {rng.randint(10, 99)}"
    return f"{rng.choice(STREETS)} {number.strip()}", postal_code, town


def random_minutes(rng: random.Random, service: ServiceType) -> int | None:
    """Applied minutes per week in steps of 5, or None for a service without minutes."""
    if not service.has_minutes:
        return None
    low, high = MINUTES_BY_SERVICE.get(service.code, DEFAULT_MINUTES)
    return rng.randrange(low, high + 1, 5)


def fictional_phone(rng: random.Random) -> str:
    return f"{FICTIONAL_PHONE_PREFIX}{rng.choice(FICTIONAL_PHONE_ENDINGS):02d}"


def _uuid4(rng: random.Random) -> uuid.UUID:
    return uuid.UUID(int=rng.getrandbits(128), version=4)


def weighted_choice(rng: random.Random, weights: dict):
    return rng.choices(list(weights), weights=list(weights.values()))[0]


def ensure_demo_home_care_areas(team: Team) -> list[HomeCareArea]:
    """The team's demo home-care areas (created when missing); its active areas by name."""
    for name in DEMO_HOME_CARE_AREAS:
        HomeCareArea.objects.get_or_create(team=team, name=name)
    return list(HomeCareArea.objects.filter(team=team, active=True).order_by("name"))


def home_care_area_for(postal_code: str, areas: list[HomeCareArea]) -> HomeCareArea | None:
    """The area a postal code falls in: the same code always gives the same area."""
    digits = "".join(ch for ch in postal_code if ch.isdigit())
    if not areas or not digits:
        return None
    return areas[int(digits) % len(areas)]


@transaction.atomic
def ensure_demo_staff() -> tuple[Team, list[User], list[User]]:
    """The demo users and a few more colleagues; returns the team, case officers, therapists."""
    ensure_demo_users()
    team = Team.objects.get(name=DEMO_TEAM)
    for extra in EXTRA_STAFF:
        user, created = User.objects.get_or_create(
            username=extra.username,
            defaults={
                "first_name": extra.first_name,
                "last_name": extra.last_name,
                "title": extra.title,
                "team": team,
            },
        )
        if created:
            user.set_unusable_password()
            user.save(update_fields=["password"])
        user.groups.add(Group.objects.get(name=extra.role.value))
    members = User.objects.filter(team=team, is_active=True).order_by("username")
    case_officers = list(members.filter(groups__name=Role.CASE_OFFICER.value))
    therapists = list(members.filter(groups__name=Role.THERAPIST.value))
    return team, case_officers, therapists


class _Builder:
    """Builds unsaved rows from one random stream, so a seed always gives the same data."""

    def __init__(
        self, rng, *, team, case_officers, therapists, services, today, home_care_areas=()
    ):
        self.rng = rng
        self.team = team
        self.home_care_areas = list(home_care_areas)
        self.case_officers = case_officers
        self.case_officer_weights = [
            3 if user.username == "handlaggare" else 1 for user in case_officers
        ]
        self.therapists = therapists
        self.services = services
        self.service_weights = [SERVICE_WEIGHTS.get(s.code, 2) for s in services]
        self.today = today
        self.numbers = set(Citizen.objects.values_list("personal_number", flat=True))
        self.public_ids = set(Citizen.objects.values_list("public_id", flat=True))
        self.public_ids |= set(Application.objects.values_list("public_id", flat=True))
        self.stockholm = timezone.get_default_timezone()

    def public_id(self) -> uuid.UUID:
        value = _uuid4(self.rng)
        while value in self.public_ids:
            value = _uuid4(self.rng)
        self.public_ids.add(value)
        return value

    def citizen(self) -> Citizen:
        rng = self.rng
        male = rng.random() < 0.38
        coordination = rng.random() < 0.015
        while True:
            birth_date = random_birth_date(rng, self.today)
            number = personal_number(
                birth_date, serial=random_serial(rng, male=male), coordination=coordination
            )
            if number not in self.numbers:
                break
        self.numbers.add(number)
        first_name, last_name = random_name(rng, male=male)
        street, postal_code, city = random_address(rng)
        lives_alone = rng.random() < 0.6
        kin_name = kin_relation = kin_phone = ""
        if rng.random() < 0.5:
            if lives_alone or rng.random() < 0.4:
                kin_relation = rng.choice(RELATIONS_WHEN_ALONE)
            else:
                kin_relation = rng.choice(["Maka", "Sambo"] if male else ["Make", "Sambo"])
            kin_male = kin_relation in {"Son", "Bror", "Make"} or (
                kin_relation not in {"Dotter", "Syster", "Systerdotter", "Maka"}
                and rng.random() < 0.5
            )
            kin_first, kin_last = random_name(rng, male=kin_male)
            if kin_relation in {"Make", "Maka", "Son"} and rng.random() < 0.8:
                kin_last = last_name
            kin_name = f"{kin_first} {kin_last}"
            kin_phone = fictional_phone(rng)
        return Citizen(
            public_id=self.public_id(),
            personal_number=number,
            is_coordination_number=coordination,
            first_name=first_name,
            last_name=last_name,
            sex=Citizen.Sex.MALE if male else Citizen.Sex.FEMALE,
            birth_date=birth_date,
            street_address=street,
            postal_code=postal_code,
            city=city,
            phone=fictional_phone(rng) if rng.random() < 0.9 else "",
            lives_alone=lives_alone,
            home_care_area=home_care_area_for(postal_code, self.home_care_areas),
            protected_identity=rng.random() < 0.01,
            next_of_kin_name=kin_name,
            next_of_kin_relation=kin_relation,
            next_of_kin_phone=kin_phone,
            team=self.team,
            version=1,
        )

    def cases(self, citizen: Citizen) -> list[tuple[Application, "CasePlan"]]:
        """One case, or (one citizen in seven) a closed earlier one and a later one."""
        rng = self.rng
        statuses = [weighted_choice(rng, STATUS_WEIGHTS)]
        if rng.random() < 0.15:
            statuses.insert(0, Status.CLOSED)
        cases = []
        for status in statuses:
            plan = plan_case(rng, status, self.today)
            cases.append((self.application(citizen, plan), plan))
        return cases

    def application(self, citizen: Citizen, plan: "CasePlan") -> Application:
        rng = self.rng
        after_stay = rng.random() < 0.25
        channel = (
            Application.Channel.HOSPITAL
            if after_stay and rng.random() < 0.6
            else weighted_choice(rng, CHANNEL_WEIGHTS)
        )
        kind = weighted_choice(rng, KIND_WEIGHTS)
        has_existing = kind == Application.Kind.REVIEW or rng.random() < 0.2
        case_officer = rng.choices(self.case_officers, weights=self.case_officer_weights)[0]
        therapist = None if plan.status == Status.RECEIVED else rng.choice(self.therapists)
        return Application(
            public_id=self.public_id(),
            citizen=citizen,
            kind=kind,
            received_on=plan.received_on,
            channel=channel,
            after_inpatient_stay=after_stay,
            existing_services=rng.choice(EXISTING_SERVICES) if has_existing else "",
            status=plan.status,
            team=case_officer.team or self.team,
            case_officer=case_officer,
            therapist=therapist,
            version=1,
        )

    def applied_services(self, application: Application) -> list[AppliedService]:
        rng = self.rng
        wanted = rng.choices((1, 2, 3, 4), weights=(35, 35, 20, 10))[0]
        chosen: list[ServiceType] = []
        while len(chosen) < min(wanted, len(self.services)):
            service = rng.choices(self.services, weights=self.service_weights)[0]
            if service not in chosen:
                chosen.append(service)
        return [
            AppliedService(
                application=application,
                service=service,
                minutes_per_week=random_minutes(rng, service),
            )
            for service in sorted(chosen, key=lambda s: (s.sort_order, s.code))
        ]


def _random_weekday(rng: random.Random, first: datetime.date, last: datetime.date) -> datetime.date:
    """A Monday to Friday from ``first`` up to but not including ``last``, if there is one."""
    days = [first + datetime.timedelta(days=n) for n in range(max((last - first).days, 1))]
    return rng.choice([day for day in days if day.weekday() < 5] or days)


# --- The case's history, planned backwards from today --------------------------------------


def add_months(day: datetime.date, months: int) -> datetime.date:
    """The same day ``months`` later (or earlier), or the month's last day."""
    month_index = day.month - 1 + months
    year, month = day.year + month_index // 12, month_index % 12 + 1
    return datetime.date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


@dataclass
class CasePlan:
    """What happens to one case and on which day, so that its status has its records and
    its dates run in order: receipt ≤ booking ≤ visit ≤ track ≤ interventions ≤ handover
    ≤ decision ≤ follow-ups ≤ today. Both the bulk writer below and the demo walk through
    the services (``followup.demo``) follow it."""

    status: str
    received_on: datetime.date
    booked_on: datetime.date | None = None
    visit_at: datetime.datetime | None = None
    visit_done: bool = False
    potential: bool | None = None
    motivated: bool | None = None
    track: int | None = None
    confirmed_on: datetime.date | None = None
    # (day, minutes, kind) of each therapist visit in the track.
    interventions: list[tuple[datetime.date, int, str]] = field(default_factory=list)
    # The day the case left the tracks: a handover (no potential) or the basis handed over.
    left_tracks_on: datetime.date | None = None
    decided_on: datetime.date | None = None
    # Share of the applied minutes granted, in per cent.
    granted_percent: int = 100
    # Months of each follow-up recorded, and the day it was recorded.
    follow_ups_done: dict[int, datetime.date] = field(default_factory=dict)
    close_reason: str = ""

    @property
    def handed_over(self) -> bool:
        """Left the tracks by a handover: the visit found no potential for independence."""
        return self.left_tracks_on is not None and self.potential is False

    def follow_up_status(self, months: int, today: datetime.date) -> str:
        """ "done", "due" or "scheduled" as of ``today`` (the daily job has run)."""
        if months in self.follow_ups_done:
            return "done"
        if self.decided_on is None or add_months(self.decided_on, months) > today:
            return "scheduled"
        return "due"


def _day_between(rng: random.Random, first: datetime.date, last: datetime.date) -> datetime.date:
    return first + datetime.timedelta(days=rng.randint(0, max((last - first).days, 0)))


def _weekday_on_or_before(day: datetime.date) -> datetime.date:
    while day.weekday() >= 5:
        day -= datetime.timedelta(days=1)
    return day


def _days(n: int) -> datetime.timedelta:
    return datetime.timedelta(days=n)


def plan_case(rng: random.Random, status: str, today: datetime.date) -> CasePlan:
    """A case in ``status`` today, with every step its status implies on a day before."""
    if status == Status.RECEIVED:
        return CasePlan(status, received_on=today - _days(min(int(rng.expovariate(1 / 5)), 30)))
    stockholm = timezone.get_default_timezone()
    slot = rng.choice(VISIT_SLOTS)
    if status == Status.VISIT_BOOKED:
        received = today - _days(rng.randint(2, 35))
        booked = _day_between(rng, received, min(received + _days(3), today))
        if rng.random() < 0.15 and booked < today:  # booked for a day that has passed
            day = _random_weekday(rng, booked, today)
        else:
            day = _random_weekday(rng, today + _days(1), today + _days(22))
        return CasePlan(
            status,
            received_on=received,
            booked_on=booked,
            visit_at=datetime.datetime.combine(day, slot, stockholm),
        )
    plan = CasePlan(status, received_on=today, visit_done=True)
    decided_family = {Status.DECIDED, Status.FOLLOW_UP_DUE, Status.CLOSED}
    no_potential = (
        status in decided_family | {Status.AWAITING_DECISION} and rng.random() < 0.15
    ) or (status == Status.ASSESSED and rng.random() < 0.2)
    plan.potential = not no_potential
    plan.motivated = plan.potential and rng.random() < 0.8
    if status in decided_family:
        decided_on = _plan_decision_and_follow_ups(rng, plan, today)
        plan.left_tracks_on = decided_on - _days(rng.randint(0, 10))
    elif status == Status.AWAITING_DECISION:
        plan.left_tracks_on = today - _days(rng.randint(0, 25))
    if status == Status.ASSESSED:
        visit_day = today - _days(rng.randint(0, 20))
    elif no_potential and plan.left_tracks_on is not None:
        visit_day = plan.left_tracks_on - _days(rng.randint(0, 5))
    else:
        track_end = plan.left_tracks_on or today
        if status == Status.IN_TRACK:
            plan.confirmed_on = track_end - _days(rng.randint(0, 60))
        else:
            plan.confirmed_on = track_end - _days(rng.randint(7, 60))
        plan.track = rng.choices((1, 2, 3), weights=(30, 50, 20))[0]
        span = (track_end - plan.confirmed_on).days
        days = sorted(
            plan.confirmed_on + _days(rng.randint(0, span))
            for _ in range(rng.randint(1 if span else 0, 5))
        )
        plan.interventions = [
            (day, rng.randrange(30, 121, 15), weighted_choice(rng, INTERVENTION_KIND_WEIGHTS))
            for day in days
        ]
        visit_day = plan.confirmed_on - _days(rng.randint(0, 5))
    visit_day = _weekday_on_or_before(visit_day)
    plan.visit_at = datetime.datetime.combine(visit_day, slot, stockholm)
    plan.received_on = visit_day - _days(rng.randint(3, 14))
    plan.booked_on = _day_between(
        rng, plan.received_on, min(plan.received_on + _days(3), visit_day)
    )
    if plan.potential:
        plan.granted_percent = rng.randrange(40, 101, 5)
    return plan


def _first_decision_day_not_due(months: int, today: datetime.date) -> datetime.date:
    """The earliest decision day whose ``months`` follow-up has not fallen due by today."""
    day = add_months(today, -months)
    while add_months(day, months) <= today:
        day += _days(1)
    return day


def _plan_decision_and_follow_ups(
    rng: random.Random, plan: CasePlan, today: datetime.date
) -> datetime.date:
    """The decision day and the follow-ups recorded, so that the status is what the daily
    job makes of them today: none fallen due and unrecorded ("decided"), one fallen due
    and not recorded ("follow-up due"), or the case closed at a recorded follow-up
    ("closed"). Returns the decision day."""
    three, six = FOLLOW_UP_MONTHS
    # Decided on or after this day, the follow-up has not fallen due today.
    not_due = {m: _first_decision_day_not_due(m, today) for m in FOLLOW_UP_MONTHS}
    later = rng.random() < 0.25
    if plan.status == Status.DECIDED:
        if later:  # the first follow-up recorded, the second not yet due
            decided_on = _day_between(rng, not_due[six], not_due[three] - _days(1))
        else:
            decided_on = _day_between(rng, not_due[three], today)
    elif plan.status == Status.FOLLOW_UP_DUE:
        if later:  # the first one recorded, the second fallen due
            decided_on = _day_between(rng, add_months(today, -8), not_due[six] - _days(1))
        else:
            decided_on = _day_between(rng, not_due[six], not_due[three] - _days(1))
    elif later:  # closed at the second follow-up
        decided_on = _day_between(rng, add_months(today, -8), not_due[six] + _days(6))
    else:  # closed at the first
        decided_on = _day_between(rng, not_due[six], not_due[three] + _days(6))
    plan.decided_on = decided_on

    def recorded_on(months: int) -> datetime.date:
        """Up to a week before the day it falls due (the form opens a month early), up to
        three weeks after, never after today."""
        return min(today, add_months(decided_on, months) + _days(rng.randint(-7, 20)))

    if later or (plan.status == Status.CLOSED):
        plan.follow_ups_done[three] = recorded_on(three)
    if plan.status == Status.CLOSED:
        if later:
            plan.follow_ups_done[six] = max(recorded_on(six), plan.follow_ups_done[three])
        plan.close_reason = (
            "handed_over" if plan.potential is False else weighted_choice(rng, CLOSE_REASON_WEIGHTS)
        )
    return decided_on


def granted_minutes(applied: int | None, percent: int) -> int | None:
    """Granted minutes per week: ``percent`` of the applied, in steps of 5."""
    if applied is None:
        return None
    return 5 * round(applied * percent / 500)


PARTLY_GRANTED_REASON = "Behovet kan delvis tillgodoses genom träning och hjälpmedel."
REFUSED_REASON = "Behovet tillgodoses genom träning och hjälpmedel."


def decision_line(service: ServiceType, applied: int | None, granted: int | None):
    """(outcome, minutes, reason) of one applied service in a decision, as the decision
    form writes it: a service granted in full, partly (fewer minutes) or refused (none),
    the last two with the reason."""
    Outcome = GrantedService.Outcome
    if not service.has_minutes:
        return Outcome.GRANTED, None, ""
    granted = granted or 0
    if granted == 0:
        return Outcome.REFUSED, 0, REFUSED_REASON
    if applied is not None and granted < applied:
        return Outcome.PARTLY_GRANTED, granted, PARTLY_GRANTED_REASON
    return Outcome.GRANTED, granted, ""


def default_legal_basis():
    """The provision the demo's decisions rest on: the first active one."""
    return LegalBasis.objects.filter(active=True).order_by("sort_order", "name").first()


def at(day: datetime.date, hour: int, minute: int = 0) -> datetime.datetime:
    return datetime.datetime.combine(
        day, datetime.time(hour, minute), timezone.get_default_timezone()
    )


class CaseMeasures:
    """The instruments, needs levels, goals and goal attainment of one case: förlopp and
    EQ-5D-5L at the visit, EQ-5D-5L again at each follow-up. Drawn from the case's own days
    rather than from the plan's random generator, so that they change nothing else the seed
    gives and the walked demo (``followup.demo``) and the bulk writer give the same values
    for the same plan. A case with potential is förlopp 1 or 2 and feels better at each
    follow-up; one without is förlopp 3 and stays about the same."""

    def __init__(self, plan: CasePlan) -> None:
        self.rng = random.Random(f"{plan.received_on.isoformat()}|{plan.visit_at.isoformat()}")  # noqa: S311
        self.potential = plan.potential
        self.trajectory = (1 if self.rng.random() < 0.35 else 2) if plan.potential else 3
        low, high = {1: (1, 3), 2: (2, 4), 3: (3, 5)}[self.trajectory]
        self.levels = [self.rng.randint(low, high) for _ in range(5)]
        self.vas = self.rng.randint(35, 70)

        # Needs levels (1–5) before the decision, granted, and at the follow-ups.
        self.level_before = self.rng.randint(2, 5)
        self.level_after = self.level_before - (
            1 if plan.potential and plan.granted_percent < 100 else 0
        )

    GOALS = (
        ("Klara personlig hygien själv", "personlig_vard"),
        ("Laga enkla måltider själv", "hemliv"),
        ("Gå ut på promenad med rollator", "forflyttning"),
        ("Handla själv i närbutiken", "samhallsgemenskap"),
        ("Känna sig trygg hemma på natten", "trygghet"),
    )

    def goal_choices(self) -> list[tuple[str, str]]:
        """One or two goals (text, life area code), for a citizen with potential."""
        if not self.potential:
            return []
        return [self.GOALS[0], *self.rng.sample(self.GOALS[1:], self.rng.randint(0, 1))]

    def level_at(self, months: int) -> int:
        """Förlopp 1 needs one level less from the sixth month on; the others keep theirs."""
        if self.trajectory == 1 and months >= 6:
            return max(1, self.level_after - 1)
        return self.level_after

    def attainment_choices(self, goals: int) -> list[str]:
        """Förlopp 1 reaches its goals, förlopp 2 mostly in part, förlopp 3 seldom."""
        weights = {1: (6, 3, 1), 2: (3, 5, 2), 3: (1, 3, 6)}[self.trajectory]
        choices = ("achieved", "partly", "not")
        return [self.rng.choices(choices, weights=weights)[0] for _ in range(goals)]

    def _eq5d(self, levels: list[int], vas: int) -> dict:
        names = (
            "mobility",
            "self_care",
            "usual_activities",
            "pain_discomfort",
            "anxiety_depression",
        )
        return {**dict(zip(names, levels, strict=True)), "vas": vas}

    def at_visit(self) -> dict[str, dict]:
        return {
            scoring.TRAJECTORY: {"trajectory": self.trajectory},
            scoring.EQ5D5L: self._eq5d(self.levels, self.vas),
        }

    def at_follow_up(self, months: int) -> dict[str, dict]:
        better = {1: 2, 2: 1, 3: 0}[self.trajectory] if months >= 3 else 0
        levels = [max(1, level - self.rng.randint(0, better)) for level in self.levels]
        vas = min(100, self.vas + better * self.rng.randint(3, 8) + self.rng.randint(-4, 4))
        return {scoring.EQ5D5L: self._eq5d(levels, max(0, vas))}


# --- Bulk writing -------------------------------------------------------------------------


def _later_models():
    """The track and follow-up stages' models, looked up by label: this app sits below them
    (see docs/architecture.md) and imports neither, but the bulk generator writes their rows
    so that every generated status has its records."""
    return SimpleNamespace(
        track=apps.get_model("tracks", "TrackAssignment"),
        intervention=apps.get_model("tracks", "Intervention"),
        handover=apps.get_model("tracks", "Handover"),
        follow_up=apps.get_model("followup", "FollowUp"),
        follow_up_service=apps.get_model("followup", "FollowUpService"),
        closure=apps.get_model("followup", "CaseClosure"),
    )


class _Rows:
    """The rows of one batch, written stage by stage with ``bulk_create``."""

    def __init__(self, legal_basis):
        self.legal_basis = legal_basis
        self.applied: list = []
        self.visits: list = []
        self.tracks: list = []
        self.interventions: list = []
        self.handovers: list = []
        self.bases: list = []
        self.decisions: list = []
        self.granted: dict = {}
        self.follow_ups: list = []
        self.follow_up_services: dict = {}
        self.closures: list = []


def _case_rows(rows: _Rows, models, application, applied, plan: CasePlan, today) -> None:
    officer, therapist = application.case_officer, application.therapist
    if plan.visit_at is None:
        return
    rows.visits.append(
        JointVisit(
            application=application,
            scheduled_at=plan.visit_at,
            case_officer=officer,
            therapist=therapist,
            status=JointVisit.Status.DONE if plan.visit_done else JointVisit.Status.BOOKED,
            potential_for_independence=plan.potential,
            motivated_to_train=plan.motivated,
            potential_reasoning="Bedömt vid hembesöket" if plan.visit_done else "",
            recorded_by=therapist if plan.visit_done else None,
            recorded_at=plan.visit_at + datetime.timedelta(hours=1) if plan.visit_done else None,
            version=2 if plan.visit_done else 1,
        )
    )
    if plan.track is not None:
        rows.tracks.append(
            models.track(
                application=application,
                proposed=plan.track,
                track=plan.track,
                confirmed_by=therapist,
            )
        )
        rows.interventions.extend(
            models.intervention(
                application=application,
                performed_by=therapist,
                profession="ot",
                performed_on=day,
                minutes=minutes,
                kind=kind,
            )
            for day, minutes, kind in plan.interventions
        )
    if plan.left_tracks_on is None:
        return
    if plan.handed_over:
        rows.handovers.append(
            models.handover(
                application=application,
                recipient="home_health_care",
                handed_over_on=plan.left_tracks_on,
                summary="Ingen potential till självständighet; hemsjukvården tar över.",
                created_by=therapist,
            )
        )
    else:
        rows.bases.append(
            AssessmentBasis(
                application=application,
                written_by=therapist,
                summary="Sammanfattning av bedömningen i spåret",
                recommended_measures="Fortsatt träning i vardagen",
                handed_over_at=at(plan.left_tracks_on, 16),
                version=1,
            )
        )
    if plan.decided_on is None:
        return
    decision = Decision(
        application=application,
        decided_on=plan.decided_on,
        decided_by=officer,
        legal_basis=rows.legal_basis,
        version=1,
    )
    rows.decisions.append(decision)
    lines = rows.granted[application.public_id] = [
        (
            row.service,
            *decision_line(
                row.service,
                row.minutes_per_week,
                granted_minutes(row.minutes_per_week, plan.granted_percent),
            ),
        )
        for row in applied
    ]
    for months in FOLLOW_UP_MONTHS:
        status = plan.follow_up_status(months, today)
        follow_up = models.follow_up(
            application=application,
            months=months,
            due_on=add_months(plan.decided_on, months),
            status=status,
            done_on=plan.follow_ups_done.get(months),
            performed_by=officer if status == "done" else None,
            version=2 if status == "done" else 1,
        )
        rows.follow_ups.append(follow_up)
        if status == "done":
            rows.follow_up_services[(application.public_id, months)] = [
                (service, minutes) for service, _outcome, minutes, _reason in lines
            ]
    if plan.close_reason:
        rows.closures.append(
            models.closure(
                application=application,
                reason=plan.close_reason,
                closed_on=max(plan.follow_ups_done.values()),
                closed_by=officer,
            )
        )


def _write_rows(rows: _Rows, models) -> None:
    AppliedService.objects.bulk_create(rows.applied)
    JointVisit.objects.bulk_create(rows.visits)
    models.track.objects.bulk_create(rows.tracks)
    models.intervention.objects.bulk_create(rows.interventions)
    models.handover.objects.bulk_create(rows.handovers)
    AssessmentBasis.objects.bulk_create(rows.bases)
    Decision.objects.bulk_create(rows.decisions)
    decision_ids = _ids_by_application(Decision, rows.decisions)
    GrantedService.objects.bulk_create(
        GrantedService(
            decision_id=decision_ids[public_id],
            service=service,
            outcome=outcome,
            minutes_per_week=minutes,
            reason=reason,
        )
        for public_id, lines in rows.granted.items()
        for service, outcome, minutes, reason in lines
    )
    models.follow_up.objects.bulk_create(rows.follow_ups)
    follow_up_ids = {
        (public_id, months): pk
        for pk, public_id, months in models.follow_up.objects.filter(
            application__public_id__in={key[0] for key in rows.follow_up_services}
        ).values_list("pk", "application__public_id", "months")
    }
    models.follow_up_service.objects.bulk_create(
        models.follow_up_service(
            follow_up_id=follow_up_ids[key], service=service, minutes_per_week=m
        )
        for key, services in rows.follow_up_services.items()
        for service, m in services
    )
    models.closure.objects.bulk_create(rows.closures)


def _ids_by_application(model, objects) -> dict[uuid.UUID, int]:
    return dict(
        model.objects.filter(
            application__public_id__in=[o.application.public_id for o in objects]
        ).values_list("application__public_id", "pk")
    )


def generate(
    *,
    citizens: int,
    seed: int,
    today: datetime.date | None = None,
    batch_size: int = 2000,
) -> GenerationResult:
    """Create ``citizens`` fictional citizens with their cases in bulk: each case carries
    its status and every record the status implies (visit, track, interventions, handover
    or assessment basis, decision, follow-ups, closure), dated in order up to today."""
    started = time.perf_counter()
    builder = make_builder(seed=seed, today=today)
    models = _later_models()
    legal_basis = default_legal_basis()
    counts = {"applications": 0, "services": 0, "visits": 0}
    with transaction.atomic():
        for start in range(0, citizens, batch_size):
            batch = [builder.citizen() for _ in range(min(batch_size, citizens - start))]
            Citizen.objects.bulk_create(batch)
            _fill_missing_pks(Citizen, batch)
            cases = [case for citizen in batch for case in builder.cases(citizen)]
            applications = [application for application, _plan in cases]
            Application.objects.bulk_create(applications)
            _fill_missing_pks(Application, applications)
            rows = _Rows(legal_basis)
            for application, plan in cases:
                applied = builder.applied_services(application)
                rows.applied.extend(applied)
                _case_rows(rows, models, application, applied, plan, builder.today)
            _write_rows(rows, models)
            counts["applications"] += len(applications)
            counts["services"] += len(rows.applied)
            counts["visits"] += len(rows.visits)
    return GenerationResult(citizens=citizens, **counts, seconds=time.perf_counter() - started)


def make_builder(*, seed: int, today: datetime.date | None = None) -> _Builder:
    """The demo staff and a builder of citizens and cases from the seed's random stream."""
    team, case_officers, therapists = ensure_demo_staff()
    services = list(ServiceType.objects.filter(active=True).order_by("sort_order", "code"))
    if not services:
        raise ValueError("The service catalogue is empty; run the migrations first.")
    return _Builder(
        random.Random(seed),  # noqa: S311 - reproducible fictional data, not secrets
        team=team,
        case_officers=case_officers,
        therapists=therapists,
        services=services,
        today=today or timezone.localdate(),
        home_care_areas=ensure_demo_home_care_areas(team),
    )


def _fill_missing_pks(model, objects) -> None:
    """Databases that cannot return ids from a bulk insert: look them up by public id."""
    if not objects or objects[0].pk is not None:
        return
    ids = dict(
        model.objects.filter(public_id__in=[o.public_id for o in objects]).values_list(
            "public_id", "pk"
        )
    )
    for obj in objects:
        obj.pk = ids[obj.public_id]
