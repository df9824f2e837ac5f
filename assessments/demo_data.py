"""Fictional citizens and applications for the demo and the benchmarks.

Everything is invented and follows from the seed: names from common Swedish name lists,
identity numbers with correct check digits, phone numbers from the range that Post- och
telestyrelsen keeps for fiction (070-174 06 05 to 070-174 06 99). Each case's history is
planned backwards from today (``plan_case``), so its status comes with the records the
workflow requires and its dates run in order. ``generate`` writes the rows in batches
(``bulk_create``, or COPY on PostgreSQL) for any size, above 2 000 citizens spread over many
teams with their own staff, and optionally an access log; the demo walks the same plans
through the services instead (``followup.demo``). The values are ones the services accept.
"""

import calendar
import contextlib
import datetime
import itertools
import random
import time
import uuid
from collections import Counter
from dataclasses import dataclass, field
from decimal import Decimal
from types import SimpleNamespace

from django.apps import apps
from django.contrib.auth.models import Group
from django.db import connection, reset_queries, transaction
from django.utils import timezone

from rehab.demo import DEMO_TEAM, DemoUser, ensure_demo_users
from rehab.models import AccessLogEntry, Team, User
from rehab.roles import Role

from . import extension_points, scoring, selectors
from .models import (
    Application,
    AppliedService,
    AssessmentBasis,
    Citizen,
    Decision,
    Goal,
    GrantedService,
    HomeCareArea,
    InstrumentResult,
    JointVisit,
    LegalBasis,
    LifeArea,
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
    # Rows written, by table.
    tables: dict = field(default_factory=dict)
    # Of the seconds, those spent on the access log.
    access_log_seconds: float = 0.0

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

# Up to this many citizens the generator keeps everyone in the demo team (as the walked demo
# does); above it, it spreads them over many municipalities' teams.
ONE_TEAM_UP_TO = 2000
CITIZENS_PER_TEAM = 2000
# The large city team: this share of the citizens, at most this many.
LARGE_TEAM_SHARE = 0.2
LARGE_TEAM_CITIZENS = 6500
# Open cases a case officer carries, and cases with a visit a therapist carries, on average.
OPEN_CASES_PER_OFFICER = 95
CASES_PER_THERAPIST = 60
CITIZENS_PER_PHYSIO = 1500
# Open cases per citizen and cases with a therapist per citizen (STATUS_WEIGHTS).
_OPEN_SHARE = 1 - STATUS_WEIGHTS[Status.CLOSED] / sum(STATUS_WEIGHTS.values())
_THERAPIST_SHARE = _OPEN_SHARE - STATUS_WEIGHTS[Status.RECEIVED] / sum(STATUS_WEIGHTS.values())
# Municipality-like names: a first part and an ending, e.g. "Björkvik".
PLACE_STARTS = [
    "Björk", "Ek", "Lind", "Sjö", "Berg", "Hav", "Al", "Mal", "Stor", "Lill", "Norr", "Sör",
    "Öster", "Väster", "Ny", "Hög", "Bro", "Kvarn", "Ås", "Gran", "Tall", "Älv", "Ljung",
    "Rönn", "Sand", "Sten", "Vik", "Dal", "Hed", "Myr",
]  # fmt: skip
PLACE_ENDINGS = [
    "by", "sund", "vik", "hamn", "köping", "berga", "torp", "holm", "fors", "dal", "näs",
    "ryd", "lunda", "mark", "ö", "sjö",
]  # fmt: skip
LARGE_TEAM_NAME = "Storstadens biståndsenhet"
TEAM_AREAS = ["Centrum", "Norra", "Södra", "Östra", "Västra", "Landsbygd"]
NOTES = "Uppföljning per telefon med den enskilde."
EARLY_REASON = "Den enskilde hörde av sig före uppföljningsdagen."
POSITIVE_EXAMPLE = (
    "Efter träning i vardagen klarar personen sin personliga hygien och enklare måltider "
    "själv; behovet av hemtjänst upphörde vid uppföljningen."
)
PERFORMED_SOURCE = "utford-tid-demo.xlsx"


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
        attainment=apps.get_model("followup", "GoalAttainment"),
        closure=apps.get_model("followup", "CaseClosure"),
        positive_example=apps.get_model("followup", "PositiveExample"),
        performed=apps.get_model("followup", "PerformedMinutes"),
    )


@dataclass
class TeamStaff:
    """One team of the generated data: its home-care areas and the staff its cases go to."""

    team: Team
    areas: list
    case_officers: list
    therapists: list
    physio: User | None
    manager: User | None
    large: bool = False
    physios: list = field(default_factory=list)
    # The team's expected number of citizens (its weight when citizens are spread).
    weight: float = 1


def _team_names(count: int, rng: random.Random) -> list[str]:
    """``count`` different municipality-like team names, e.g. "Björkviks kommun"."""
    places = [start + ending for start in PLACE_STARTS for ending in PLACE_ENDINGS]
    rng.shuffle(places)
    names = []
    for index in range(count):
        place = places[index % len(places)]
        genitive = place if place[-1] in "sxz" else place + "s"
        names.append(
            f"{genitive} kommun" + (f" {index // len(places) + 1}" if index >= len(places) else "")
        )
    return names


def _team_sizes(citizens: int, rng: random.Random) -> list[float]:
    """The expected number of citizens of each team: the demo team, the large city team,
    then municipalities of different sizes (one team per ~2 000 citizens); they add up to
    ``citizens``."""
    large = min(citizens * LARGE_TEAM_SHARE, LARGE_TEAM_CITIZENS)
    rest = citizens - large
    weights = [rng.uniform(0.5, 1.5) for _ in range(max(2, round(rest / CITIZENS_PER_TEAM)))]
    # The demo team is an average municipality.
    weights[0] = 1
    demo, *others = (rest * w / sum(weights) for w in weights)
    return [demo, large, *others]


class _StaffMaker:
    """Staff users of the generated teams, made in bulk with unusable passwords; the same
    seed gives the same usernames, so a second run reuses them."""

    def __init__(self, rng: random.Random) -> None:
        self.rng = rng
        self.groups = {group.name: group for group in Group.objects.all()}
        self.existing = {
            # The generated staff's usernames have a dash ("t001-hl01"); the demo users' none.
            user.username: user
            for user in User.objects.filter(username__contains="-")
        }
        self.new: list[tuple[User, str]] = []

    def user(self, username: str, role: Role, title: str, team: Team) -> User:
        found = self.existing.get(username)
        if found is not None:
            return found
        male = self.rng.random() < 0.3
        first, last = random_name(self.rng, male=male)
        user = User(
            username=username,
            first_name=first,
            last_name=last,
            title=title,
            team=team,
            password=f"!{self.rng.getrandbits(128):032x}",  # unusable: starts with "!"
        )
        self.new.append((user, role.value))
        self.existing[username] = user
        return user

    def save(self) -> int:
        """Writes the new users with their groups; returns how many."""
        if not self.new:
            return 0
        users = [user for user, _role in self.new]
        User.objects.bulk_create(users)
        _fill_missing_keys(User, users, "username")
        User.groups.through.objects.bulk_create(
            User.groups.through(user_id=user.pk, group_id=self.groups[role].pk)
            for user, role in self.new
        )
        self.new = []
        return len(users)


def _team_areas(teams: list[Team], rng: random.Random, counts: Counter) -> dict:
    """Three to six home-care areas per team (created when missing), by team id."""
    existing = {(a.team_id, a.name) for a in HomeCareArea.objects.filter(team__in=teams)}
    missing = [
        HomeCareArea(team=team, name=name)
        for team in teams
        for name in TEAM_AREAS[: rng.randint(3, len(TEAM_AREAS))]
        if (team.pk, name) not in existing
    ]
    HomeCareArea.objects.bulk_create(missing)
    counts[HomeCareArea._meta.db_table] += len(missing)
    areas: dict[int, list[HomeCareArea]] = {team.pk: [] for team in teams}
    for area in HomeCareArea.objects.filter(team__in=teams, active=True).order_by("name"):
        areas[area.team_id].append(area)
    return areas


def _demo_team_staff(team: Team, case_officers, therapists) -> TeamStaff:
    members = User.objects.filter(team=team, is_active=True).order_by("username")
    physios = list(members.filter(groups__name=Role.PHYSIO.value))
    return TeamStaff(
        team=team,
        areas=ensure_demo_home_care_areas(team),
        case_officers=list(case_officers),
        therapists=list(therapists),
        physio=physios[0] if physios else None,
        manager=members.filter(groups__name=Role.MANAGER.value).first(),
        physios=physios,
    )


def plan_teams(
    *, citizens: int, seed: int, builder: "_Builder", counts: Counter | None = None
) -> list[TeamStaff]:
    """The teams the citizens are spread over, each with its staff. Up to
    ``ONE_TEAM_UP_TO`` citizens, only the demo team; above, the demo team (with the demo
    users), one large city team and municipalities of about 2 000 citizens each, every team
    with enough case officers for 40–150 open cases each, therapists for about 60 cases
    each, a physiotherapist and a manager."""
    demo = _demo_team_staff(builder.team, builder.case_officers, builder.therapists)
    if citizens <= ONE_TEAM_UP_TO:
        return [demo]
    rng = random.Random(f"teams|{seed}")  # noqa: S311 - reproducible fictional data
    demo.weight, *sizes = _team_sizes(citizens, rng)
    names = [LARGE_TEAM_NAME, *_team_names(len(sizes) - 1, rng)]
    existing = {team.name: team for team in Team.objects.filter(name__in=names)}
    new_teams = Team.objects.bulk_create([Team(name=n) for n in names if n not in existing])
    counts = counts if counts is not None else Counter()
    counts[Team._meta.db_table] += len(new_teams)
    teams_by_name = {team.name: team for team in Team.objects.filter(name__in=names)}
    teams = [teams_by_name[name] for name in names]
    areas = _team_areas(teams, rng, counts)
    maker = _StaffMaker(rng)
    staff = [demo]
    for index, (team, size) in enumerate(zip(teams, sizes, strict=True), start=1):
        staff.append(
            TeamStaff(
                team=team,
                areas=areas[team.pk],
                case_officers=[],
                therapists=[],
                physio=None,
                manager=maker.user(f"t{index:03d}-ec01", Role.MANAGER, "Enhetschef", team),
                large=team.name == LARGE_TEAM_NAME,
                weight=size,
            )
        )
    for index, member in enumerate(staff):
        prefix = f"t{index:03d}-"
        officers = max(1, round(member.weight * _OPEN_SHARE / OPEN_CASES_PER_OFFICER))
        therapists = max(1, round(member.weight * _THERAPIST_SHARE / CASES_PER_THERAPIST))
        member.case_officers += [
            maker.user(f"{prefix}hl{n:02d}", Role.CASE_OFFICER, "Biståndshandläggare", member.team)
            for n in range(1, officers - len(member.case_officers) + 1)
        ]
        member.therapists += [
            maker.user(f"{prefix}at{n:02d}", Role.THERAPIST, "Arbetsterapeut", member.team)
            for n in range(1, therapists - len(member.therapists) + 1)
        ]
        physios = max(1, round(member.weight / CITIZENS_PER_PHYSIO))
        member.physios += [
            maker.user(f"{prefix}ft{n:02d}", Role.PHYSIO, "Fysioterapeut", member.team)
            for n in range(1, physios - len(member.physios) + 1)
        ]
        member.physio = member.physio or member.physios[0]
    counts[User._meta.db_table] += maker.save()
    return staff


class _Assigner:
    """Puts each generated citizen in a team and each case with that team's staff, from a
    random stream of its own (the builder's stream, and so every plan, stays as it was).
    An open case goes to the case officer (and therapist) with the fewest open cases for
    their share (case officers carry from 70 % to 130 % of an average load), so that every
    case officer has 40–150 open cases; a closed case to anyone of the team."""

    def __init__(self, staff: list[TeamStaff], seed: int) -> None:
        self.staff = staff
        self.rng = random.Random(f"staff|{seed}")  # noqa: S311 - reproducible fictional data
        self.weights = [member.weight for member in staff]
        self.share = {
            user.pk: self.rng.uniform(0.7, 1.3) for member in staff for user in member.case_officers
        }
        self.load: Counter = Counter()

    def citizen(self, citizen: Citizen) -> TeamStaff:
        if len(self.staff) == 1:
            return self.staff[0]
        member = self.rng.choices(self.staff, weights=self.weights)[0]
        citizen.team = member.team
        citizen.home_care_area = home_care_area_for(citizen.postal_code, member.areas)
        return member

    def _least_loaded(self, users: list, share=None):
        user = min(users, key=lambda u: (self.load[u.pk] / (share[u.pk] if share else 1), u.pk))
        self.load[user.pk] += 1
        return user

    def application(self, application: Application, plan: CasePlan, member: TeamStaff) -> None:
        rng = self.rng
        if len(self.staff) > 1:
            open_case = plan.status != Status.CLOSED
            application.team = member.team
            application.case_officer = (
                self._least_loaded(member.case_officers, self.share)
                if open_case
                else rng.choice(member.case_officers)
            )
            if application.therapist is not None:
                application.therapist = (
                    self._least_loaded(member.therapists)
                    if open_case
                    else rng.choice(member.therapists)
                )
        if plan.track is not None and member.physios and rng.random() < 0.2:
            application.physio = rng.choice(member.physios)


class _Rows:
    """The rows of one batch, written stage by stage with ``bulk_create``."""

    def __init__(self, legal_basis):
        self.legal_basis = legal_basis
        self.applied: list = []
        self.visits: list = []
        self.goals: list = []
        self.instruments: list = []
        self.tracks: list = []
        self.interventions: list = []
        self.handovers: list = []
        self.bases: list = []
        self.decisions: list = []
        self.granted: list = []
        self.follow_ups: list = []
        # (follow-up, [(service, minutes)], [(goal, attainment)]) of each done follow-up.
        self.follow_up_details: list = []
        self.closures: list = []
        self.positive_examples: list = []
        self.performed: list = []
        self.performed_keys: set = set()


class _CaseWriter:
    """Turns each case's plan into the unsaved rows of every record its status implies."""

    def __init__(self, models, *, today: datetime.date, life_areas: dict) -> None:
        self.models = models
        self.today = today
        self.life_areas = life_areas
        self.scored: dict = {}
        last_month = (today.replace(day=1) - _days(1)).replace(day=1)
        self.last_month = last_month

    def stored(self, instrument: str, answers: dict) -> dict:
        """The stored fields of a scored instrument, as ``instrument_record`` writes them."""
        from .services import _stored_result

        key = (instrument, tuple(sorted(answers.items())))
        if key not in self.scored:
            self.scored[key] = _stored_result(
                scoring.INSTRUMENTS[instrument].score_answers(answers)
            )
        return self.scored[key]

    def instrument(self, rows, application, instrument, answers, occasion, actor, moment):
        rows.instruments.append(
            InstrumentResult(
                application=application,
                instrument=instrument,
                occasion=occasion,
                recorded_by=actor,
                recorded_at=moment,
                **self.stored(instrument, answers),
            )
        )

    def case(self, rows: _Rows, application, applied, plan: CasePlan, member: TeamStaff) -> None:
        models = self.models
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
                housing="Lägenhet, hiss" if plan.visit_done else "",
                recorded_by=therapist if plan.visit_done else None,
                recorded_at=plan.visit_at + datetime.timedelta(hours=1)
                if plan.visit_done
                else None,
                version=2 if plan.visit_done else 1,
            )
        )
        if not plan.visit_done:
            return
        measures = CaseMeasures(plan)
        goals = [
            Goal(
                application=application,
                text=text,
                life_area=self.life_areas.get(code),
                sort_order=n,
            )
            for n, (text, code) in enumerate(measures.goal_choices())
        ]
        rows.goals.extend(goals)
        recorded = plan.visit_at + datetime.timedelta(hours=1)
        for instrument, answers in measures.at_visit().items():
            self.instrument(
                rows, application, instrument, answers, InstrumentResult.Occasion.ASSESSMENT,
                therapist, recorded,
            )  # fmt: skip
        if plan.track is not None:
            rows.tracks.append(
                models.track(
                    application=application,
                    proposed=plan.track,
                    track=plan.track,
                    confirmed_by=therapist,
                )
            )
            physio = application.physio
            for n, (day, minutes, kind) in enumerate(plan.interventions):
                by_physio = physio is not None and n % 2 == 1
                rows.interventions.append(
                    models.intervention(
                        application=application,
                        performed_by=physio if by_physio else therapist,
                        profession="pt" if by_physio else "ot",
                        performed_on=day,
                        minutes=minutes,
                        kind=kind,
                    )
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
            level_before=measures.level_before,
            level_after=measures.level_after,
            version=1,
        )
        rows.decisions.append(decision)
        lines = [
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
        rows.granted.append((decision, lines))
        for months in FOLLOW_UP_MONTHS:
            status = plan.follow_up_status(months, self.today)
            done_on = plan.follow_ups_done.get(months)
            due_on = add_months(plan.decided_on, months)
            follow_up = models.follow_up(
                application=application,
                months=months,
                due_on=due_on,
                status=status,
                done_on=done_on,
                performed_by=officer if status == "done" else None,
                version=2 if status == "done" else 1,
            )
            rows.follow_ups.append(follow_up)
            if status != "done":
                continue
            instruments = measures.at_follow_up(months)
            follow_up.level_now = measures.level_at(months)
            follow_up.notes = NOTES
            follow_up.early_reason = EARLY_REASON if done_on < due_on else ""
            attainments = measures.attainment_choices(len(goals))
            for instrument, answers in instruments.items():
                self.instrument(
                    rows, application, instrument, answers, InstrumentResult.Occasion.FOLLOW_UP,
                    officer, at(done_on, 10),
                )  # fmt: skip
            rows.follow_up_details.append(
                (
                    follow_up,
                    [(service, minutes) for service, _outcome, minutes, _reason in lines],
                    list(zip(goals, attainments, strict=True)),
                )
            )
        if plan.close_reason:
            closed_on = max(plan.follow_ups_done.values())
            rows.closures.append(
                models.closure(
                    application=application,
                    reason=plan.close_reason,
                    closed_on=closed_on,
                    closed_by=officer,
                )
            )
            if (
                plan.close_reason == "needs_ended"
                and measures.trajectory == 1
                and application.public_id.int % 5 == 0
            ):
                rows.positive_examples.append(
                    models.positive_example(
                        application=application,
                        description=POSITIVE_EXAMPLE,
                        chosen_by=member.manager or officer,
                    )
                )
        self.performed(rows, application, lines, plan, member)

    def performed(self, rows: _Rows, application, lines, plan: CasePlan, member) -> None:
        """The provider's performed minutes, as the walked demo imports them: the whole
        months after the decision up to last month (at most three) while the case is open;
        all of the granted time in the first two months, four fifths in the third (in every
        third case four fifths throughout)."""
        last_month = self.last_month
        if plan.close_reason and plan.follow_ups_done:
            closed_on = max(plan.follow_ups_done.values())
            last_month = min(last_month, closed_on.replace(day=1) - _days(1))
        granted = [(s, m) for s, _o, m, _r in lines if s.has_minutes and m]
        month = plan.decided_on.replace(day=1)
        for index in range(3):
            month = (month + _days(32)).replace(day=1)
            if month > last_month or not granted:
                break
            share = (
                Decimal("0.8") if index == 2 or application.public_id.int % 3 == 0 else Decimal(1)
            )
            days = ((month + _days(32)).replace(day=1) - month).days
            for service, minutes in granted:
                key = (application.citizen_id, service.pk, month)
                if key in rows.performed_keys:
                    continue
                rows.performed_keys.add(key)
                rows.performed.append(
                    self.models.performed(
                        citizen_id=application.citizen_id,
                        service=service,
                        month=month,
                        # Rounded half away from zero, as the import does.
                        minutes=int(Decimal(minutes) * days / 7 * share + Decimal("0.5")),
                        imported_at=at((month + _days(32)).replace(day=5), 9),
                        imported_by=member.manager or application.case_officer,
                        source_file=PERFORMED_SOURCE,
                    )
                )


@contextlib.contextmanager
def _dated_as_given(*fields):
    """Keep the given moments of ``auto_now_add`` fields in a bulk insert (a generated
    record is dated when its step happened, not when the generator ran)."""
    saved = [(f, f.auto_now_add) for f in fields]
    for f, _ in saved:
        f.auto_now_add = False
    try:
        yield
    finally:
        for f, value in saved:
            f.auto_now_add = value


def insert_rows(model, objects: list) -> None:
    """Write unsaved model instances in one go and give each its id: COPY on PostgreSQL
    (ids taken from the table's sequence first), ``bulk_create`` elsewhere. Like
    ``bulk_create`` it calls no ``save`` and sends no signals; ``auto_now`` fields left
    empty get the current time."""
    if not objects:
        return
    if connection.vendor != "postgresql":
        model.objects.bulk_create(objects)
        return
    from psycopg.types.json import Jsonb

    opts = model._meta
    fields = [f for f in opts.concrete_fields if not f.primary_key]
    foreign = [(f.attname, f.name) for f in fields if f.is_relation]
    json = {f.attname for f in fields if f.get_internal_type() == "JSONField"}
    stamped = [
        f.attname
        for f in fields
        if getattr(f, "auto_now", False) or getattr(f, "auto_now_add", False)
    ]
    now = timezone.now()
    table = opts.db_table
    pk = opts.pk.column
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT nextval(pg_get_serial_sequence(%s, %s)) FROM generate_series(1, %s)",
            [table, pk, len(objects)],
        )
        ids = [row[0] for row in cursor.fetchall()]
        columns = ", ".join(f'"{c}"' for c in [pk, *(f.column for f in fields)])
        names = [f.attname for f in fields]
        with cursor.cursor.copy(f'COPY "{table}" ({columns}) FROM STDIN') as copy:
            for obj, new_id in zip(objects, ids, strict=True):
                obj.pk = new_id
                obj._state.adding = False
                cache = obj._state.fields_cache
                for attname, name in foreign:
                    if getattr(obj, attname) is None and cache.get(name) is not None:
                        setattr(obj, attname, cache[name].pk)
                for attname in stamped:
                    if getattr(obj, attname) is None:
                        setattr(obj, attname, now)
                values = obj.__dict__
                copy.write_row(
                    [new_id] + [Jsonb(values[n]) if n in json else values[n] for n in names]
                )


def _write_rows(rows: _Rows, models, counts) -> None:
    def write(model, objects):
        objects = list(objects)
        insert_rows(model, objects)
        counts[model._meta.db_table] += len(objects)
        return objects

    write(AppliedService, rows.applied)
    write(JointVisit, rows.visits)
    write(Goal, rows.goals)
    _fill_missing_pks_by(Goal, rows.goals, ("application_id", "sort_order"))
    with _dated_as_given(InstrumentResult._meta.get_field("recorded_at")):
        write(InstrumentResult, rows.instruments)
    write(models.track, rows.tracks)
    write(models.intervention, rows.interventions)
    write(models.handover, rows.handovers)
    write(AssessmentBasis, rows.bases)
    write(Decision, rows.decisions)
    _fill_missing_pks_by(Decision, rows.decisions, ("application_id",))
    write(
        GrantedService,
        (
            GrantedService(
                decision_id=decision.pk,
                service=service,
                outcome=outcome,
                minutes_per_week=minutes,
                reason=reason,
            )
            for decision, lines in rows.granted
            for service, outcome, minutes, reason in lines
        ),
    )
    write(models.follow_up, rows.follow_ups)
    _fill_missing_pks_by(models.follow_up, rows.follow_ups, ("application_id", "months"))
    write(
        models.follow_up_service,
        (
            models.follow_up_service(follow_up_id=follow_up.pk, service=service, minutes_per_week=m)
            for follow_up, services, _goals in rows.follow_up_details
            for service, m in services
        ),
    )
    write(
        models.attainment,
        (
            models.attainment(follow_up_id=follow_up.pk, goal_id=goal.pk, attainment=attainment)
            for follow_up, _services, goals in rows.follow_up_details
            for goal, attainment in goals
        ),
    )
    write(models.closure, rows.closures)
    write(models.positive_example, rows.positive_examples)
    write(models.performed, rows.performed)


def _fill_missing_pks_by(model, objects, fields) -> None:
    """Databases that cannot return ids from a bulk insert: look them up by the fields
    that tell the rows apart (within one batch)."""
    if not objects or objects[0].pk is not None:
        return
    key = fields[0]
    found = {
        tuple(row[1:]): row[0]
        for row in model.objects.filter(
            **{f"{key}__in": {getattr(o, key) for o in objects}}
        ).values_list("pk", *fields)
    }
    for obj in objects:
        obj.pk = found[tuple(getattr(obj, f) for f in fields)]


def generate(
    *,
    citizens: int,
    seed: int,
    today: datetime.date | None = None,
    batch_size: int = 5000,
    access_log_rows: int = 0,
) -> GenerationResult:
    """Create ``citizens`` fictional citizens with their cases in bulk: each case carries
    its status and every record the status implies (visit, goals, instruments, track,
    interventions, handover or assessment basis, decision with needs levels, follow-ups
    with goal attainment, closure, positive examples, performed minutes), dated in order up
    to today; and ``access_log_rows`` rows of access log over the last five years. Rows are
    built and written in batches of ``batch_size`` citizens, so memory stays flat."""
    started = time.perf_counter()
    builder = make_builder(seed=seed, today=today)
    counts: Counter = Counter()
    staff = plan_teams(citizens=citizens, seed=seed, builder=builder, counts=counts)
    assigner = _Assigner(staff, seed)
    models = _later_models()
    legal_basis = default_legal_basis()
    writer = _CaseWriter(
        models,
        today=builder.today,
        life_areas={area.code: area for area in LifeArea.objects.all()},
    )
    summary = {"applications": 0, "services": 0, "visits": 0}
    with transaction.atomic():
        for start in range(0, citizens, batch_size):
            batch = []
            cases = []
            for _ in range(min(batch_size, citizens - start)):
                citizen = builder.citizen()
                member = assigner.citizen(citizen)
                batch.append(citizen)
                for application, plan in builder.cases(citizen):
                    assigner.application(application, plan, member)
                    cases.append((application, plan, member))
            insert_rows(Citizen, batch)
            _fill_missing_pks(Citizen, batch)
            applications = [application for application, _plan, _member in cases]
            insert_rows(Application, applications)
            _fill_missing_pks(Application, applications)
            counts[Citizen._meta.db_table] += len(batch)
            counts[Application._meta.db_table] += len(applications)
            rows = _Rows(legal_basis)
            for application, plan, member in cases:
                applied = builder.applied_services(application)
                rows.applied.extend(applied)
                writer.case(rows, application, applied, plan, member)
            _write_rows(rows, models, counts)
            # The queue's columns repeat what the visits and services just written say.
            Application.objects.filter(pk__in=[a.pk for a in applications]).update(
                **selectors.queue_column_values()
            )
            reset_queries()  # with DEBUG on, the query log would grow with every batch
            summary["applications"] += len(applications)
            summary["services"] += len(rows.applied)
            summary["visits"] += len(rows.visits)
        # What later apps derive from the cases (the cases' figures): one statement each.
        for hook in extension_points.cases_loaded:
            hook()
    log_started = time.perf_counter()
    if access_log_rows:
        counts[AccessLogEntry._meta.db_table] += write_access_log(
            rows=access_log_rows, seed=seed, today=builder.today
        )
    return GenerationResult(
        citizens=citizens,
        **summary,
        seconds=time.perf_counter() - started,
        tables=dict(counts),
        access_log_seconds=time.perf_counter() - log_started if access_log_rows else 0.0,
    )


# --- The access log -----------------------------------------------------------------------

# (view, action, roles that open it, weight): what users do all day, as the views log it.
ACCESS_PATTERNS = [
    ("assessments:work_queue", "list", Role.CASE_OFFICER, 30),
    ("assessments:application_detail", "read", Role.CASE_OFFICER, 18),
    ("assessments:citizen_detail", "read", Role.CASE_OFFICER, 8),
    ("assessments:citizen_search", "list", Role.CASE_OFFICER, 6),
    ("assessments:application_update", "update", Role.CASE_OFFICER, 2),
    ("assessments:visit_book", "update", Role.CASE_OFFICER, 2),
    ("assessments:decision_record", "update", Role.CASE_OFFICER, 2),
    ("assessments:decision_letter_pdf", "export", Role.CASE_OFFICER, 1),
    ("followup:follow_up", "update", Role.CASE_OFFICER, 2),
    ("followup:my_follow_ups", "list", Role.CASE_OFFICER, 3),
    ("assessments:my_visits", "list", Role.THERAPIST, 8),
    ("assessments:application_detail", "read", Role.THERAPIST, 6),
    ("assessments:visit_record", "update", Role.THERAPIST, 2),
    ("assessments:instruments", "read", Role.THERAPIST, 2),
    ("assessments:instrument_record", "create", Role.THERAPIST, 1),
    ("assessments:assessment_basis", "update", Role.THERAPIST, 1),
    ("assessments:my_visits", "list", Role.PHYSIO, 2),
    ("assessments:application_detail", "read", Role.PHYSIO, 1),
    ("followup:positive_example", "update", Role.MANAGER, 1),
]
ACCESS_LOG_YEARS = 5
ACCESS_LOG_CHUNK = 50_000
# The share of reads of a citizen of any team (covering for a colleague, a citizen who
# moved): most fall outside the user's team and are flagged in the review, as are the reads
# of the ~1 % of citizens with protected identity.
STRAY_SHARE = 0.02


def _access_log_people():
    """Each team's users by role, and its citizens' public ids, for the generated log."""
    by_team: dict = {}
    groups = dict(
        User.groups.through.objects.filter(user__is_active=True).values_list(
            "user_id", "group__name"
        )
    )
    for user_id, team_id in User.objects.filter(team__isnull=False).values_list("pk", "team_id"):
        role = groups.get(user_id)
        if role:
            by_team.setdefault(team_id, {}).setdefault(role, []).append(user_id)
    citizens: dict = {}
    protected = set()
    for public_id, team_id, hidden in Citizen.objects.values_list(
        "public_id", "team_id", "protected_identity"
    ).order_by("pk"):
        citizens.setdefault(team_id, []).append(public_id)
        if hidden:
            protected.add(public_id)
    return by_team, citizens, protected


def _access_log_chunks(*, rows: int, seed: int, today: datetime.date):
    """Tuples (at, user id, roles, citizen ref, action, view, purpose, ip, protected
    identity, outside the team) in time order over the last five years, on weekdays in
    office hours, in chunks: mostly a team's own citizens, ``STRAY_SHARE`` of any team's."""
    from rehab.accesslog import purpose_of

    rng = random.Random(f"access-log|{seed}")  # noqa: S311 - reproducible fictional data
    by_team, citizens, protected = _access_log_people()
    teams = [team for team in citizens if team in by_team]
    if not teams:
        return
    everyone = [(ref, team) for team in teams for ref in citizens[team]]
    team_weights = list(itertools.accumulate(len(citizens[team]) for team in teams))
    patterns = list(ACCESS_PATTERNS)
    weights = list(itertools.accumulate(p[3] for p in patterns))
    purposes = {view: purpose_of(view)[:200] for view, _a, _r, _w in patterns}
    # Each user works from a computer of their own on the municipality's network.
    addresses = {
        user: f"10.{rng.randint(1, 40)}.{rng.randint(0, 255)}.{rng.randint(1, 254)}"
        for roles in by_team.values()
        for group in roles.values()
        for user in group
    }
    stockholm = timezone.get_default_timezone()
    first = datetime.datetime.combine(
        add_months(today, -12 * ACCESS_LOG_YEARS), datetime.time(7), stockholm
    )
    span = (datetime.datetime.combine(today, datetime.time(7), stockholm) - first).total_seconds()
    chunks = max(1, -(-rows // ACCESS_LOG_CHUNK))
    written = 0
    for chunk in range(chunks):
        size = min(ACCESS_LOG_CHUNK, rows - written)
        low, high = span * chunk / chunks, span * (chunk + 1) / chunks
        out = []
        offsets = sorted(rng.uniform(low, high) for _ in range(size))
        for offset in offsets:
            # A day of the span, moved off the weekend, and a moment between 07 and 17.
            day = first.date() + _days(int(offset // 86400))
            day -= _days(max(0, day.weekday() - 4))
            second = int(offset % 86400 * 10 / 24)
            moment = datetime.datetime.combine(
                day, datetime.time(7 + second // 3600, second // 60 % 60, second % 60), stockholm
            )
            team = rng.choices(teams, cum_weights=team_weights)[0]
            view, action, role, _w = rng.choices(patterns, cum_weights=weights)[0]
            users = by_team[team].get(role.value) or by_team[team].get(Role.CASE_OFFICER.value)
            if not users:
                users = [u for group in by_team[team].values() for u in group]
            user = rng.choice(users)
            ref, home = rng.choice(citizens[team]), team
            if rng.random() < STRAY_SHARE:
                ref, home = rng.choice(everyone)
            out.append(
                (
                    moment,
                    user,
                    role.value,
                    ref,
                    action,
                    view,
                    purposes[view],
                    addresses[user],
                    ref in protected,
                    home != team,
                )
            )
        written += size
        yield out


ACCESS_LOG_COLUMNS = (
    "at",
    "user_id",
    "roles",
    "citizen_ref",
    "action",
    "view",
    "purpose",
    "ip_address",
    "protected_identity",
    "outside_team",
)


def write_access_log(*, rows: int, seed: int, today: datetime.date | None = None) -> int:
    """Append ``rows`` rows of access log over the last five years: the generated teams'
    users reading, listing and changing their citizens' cases (``STRAY_SHARE`` of them a
    citizen of any team). On PostgreSQL the rows are drawn by the database itself, one
    ``INSERT … SELECT`` a month (``_access_log_in_sql``); ``bulk_create`` elsewhere.
    Returns the number of rows written."""
    today = today or timezone.localdate()
    written = 0
    with transaction.atomic():
        if connection.vendor == "postgresql":
            return _access_log_in_sql(rows=rows, seed=seed, today=today)
        with _dated_as_given(AccessLogEntry._meta.get_field("at")):
            for chunk in _access_log_chunks(rows=rows, seed=seed, today=today):
                AccessLogEntry.objects.bulk_create(
                    AccessLogEntry(**dict(zip(ACCESS_LOG_COLUMNS, row, strict=True)))
                    for row in chunk
                )
                written += len(chunk)
                reset_queries()
    return written


def _weekdays(first: datetime.date, end: datetime.date) -> dict[datetime.date, list]:
    """The weekdays from ``first`` up to (not including) ``end``, by first of the month."""
    months: dict[datetime.date, list] = {}
    day = first
    while day < end:
        if day.weekday() < 5:
            months.setdefault(day.replace(day=1), []).append(day)
        day += _days(1)
    return months


_SQL_TABLES = [
    "SET LOCAL temp_buffers = '256MB'",
    "CREATE TEMP TABLE gen_patterns ("
    " slot int PRIMARY KEY, role text, action text, view text, purpose text) ON COMMIT DROP",
    "CREATE TEMP TABLE gen_users ("
    " team_id bigint, role text, users bigint[], PRIMARY KEY (team_id, role)) ON COMMIT DROP",
    "CREATE TEMP TABLE gen_addresses (user_id bigint PRIMARY KEY, ip inet) ON COMMIT DROP",
    "CREATE TEMP TABLE gen_citizens ON COMMIT DROP AS"
    " SELECT row_number() OVER (ORDER BY c.id) AS n, c.public_id, c.team_id,"
    " c.protected_identity FROM assessments_citizen c WHERE c.team_id = ANY(%(teams)s)",
    "ALTER TABLE gen_citizens ADD PRIMARY KEY (n)",
]

# One month's rows: a weekday and a moment in office hours (Stockholm time), a citizen
# (its team's user reads it), a pattern (view, action, role) by its slot (a pattern of
# weight w has w slots), one of the team's users of that role; with STRAY_SHARE, the
# citizen read is any team's instead. Ids follow the time order. The joins run in the
# order written (join_collapse_limit 1): each drawn row to its citizen, then the rest.
_SQL_MONTH = """
(id, at, user_id, roles, citizen_ref, action, view, purpose, reason, ip_address,
 protected_identity, outside_team)
SELECT nextval('rehab_accesslogentry_id_seq'), m.* FROM (
SELECT r.at, r.user_id, r.role, c.public_id, r.action, r.view, r.purpose, '', a.ip,
       c.protected_identity, c.team_id IS DISTINCT FROM r.team_id
FROM (
    SELECT d.at, d.stray, d.other, home.n AS home, home.team_id, p.role, p.action, p.view,
           p.purpose, u.users[1 + floor(d.pick * cardinality(u.users))::int] AS user_id
    FROM (
        SELECT ((%(days)s::date[])[1 + floor(random() * %(day_count)s)::int]
                + make_interval(secs => 25200 + floor(random() * 36000)))
                   AT TIME ZONE 'Europe/Stockholm' AS at,
               1 + floor(random() * %(citizens)s)::bigint AS home,
               floor(random() * %(slots)s)::int AS slot, random() AS pick,
               random() < %(stray)s AS stray,
               1 + floor(random() * %(citizens)s)::bigint AS other
        FROM generate_series(1, %(rows)s)
    ) d
    JOIN gen_citizens home ON home.n = d.home
    JOIN gen_patterns p ON p.slot = d.slot
    JOIN gen_users u ON u.team_id = home.team_id AND u.role = p.role
) r
JOIN gen_citizens c ON c.n = CASE WHEN r.stray THEN r.other ELSE r.home END
JOIN gen_addresses a ON a.user_id = r.user_id
ORDER BY r.at
) m
"""


def _access_log_in_sql(*, rows: int, seed: int, today: datetime.date) -> int:
    """The PostgreSQL path of ``write_access_log``: the users, addresses and patterns go
    into temporary tables, then each month's rows are drawn in one statement from the
    database's own random numbers, seeded per month (the same rows for the same seed and
    data), and written as that month's partition (``fill_month``: its indexes built once).
    The generator runs as the owner, which may make partitions."""
    from rehab import access_log_partitions as parts
    from rehab.accesslog import purpose_of

    rng = random.Random(f"access-log|{seed}")  # noqa: S311 - reproducible fictional data
    by_team, citizens, _protected = _access_log_people()
    teams = sorted(team for team in citizens if team in by_team)
    if not teams or rows <= 0:
        return 0
    first = add_months(today, -12 * ACCESS_LOG_YEARS)
    months = _weekdays(first, today)
    total_days = sum(len(days) for days in months.values())
    slots = [
        (role.value, action, view, purpose_of(view)[:200])
        for view, action, role, weight in ACCESS_PATTERNS
        for _ in range(weight)
    ]
    users = []
    for team in teams:
        for role in sorted({p[2].value for p in ACCESS_PATTERNS}):
            found = by_team[team].get(role) or by_team[team].get(Role.CASE_OFFICER.value)
            if not found:
                found = [u for group in by_team[team].values() for u in group]
            users.append((team, role, sorted(found)))
    everybody = sorted({u for _team, _role, found in users for u in found})
    with connection.cursor() as cursor:
        partitioned = parts.is_partitioned(cursor)
        for statement in _SQL_TABLES:
            cursor.execute(statement, {"teams": teams} if "%(teams)s" in statement else None)
        cursor.executemany(
            "INSERT INTO gen_patterns VALUES (%s, %s, %s, %s, %s)",
            [(slot, *pattern) for slot, pattern in enumerate(slots)],
        )
        cursor.executemany("INSERT INTO gen_users VALUES (%s, %s, %s)", users)
        cursor.executemany(
            "INSERT INTO gen_addresses VALUES (%s, %s)",
            [
                (user, f"10.{rng.randint(1, 40)}.{rng.randint(0, 255)}.{rng.randint(1, 254)}")
                for user in everybody
            ],
        )
        cursor.execute("ANALYZE gen_citizens")
        cursor.execute("SELECT count(*) FROM gen_citizens")
        (citizen_count,) = cursor.fetchone()
        cursor.execute("SET LOCAL work_mem = '256MB'")
        cursor.execute("SET LOCAL join_collapse_limit = 1")
        cursor.execute("SET LOCAL from_collapse_limit = 1")
        written, days_before = 0, 0
        for month, days in sorted(months.items()):
            days_before += len(days)
            count = round(rows * days_before / total_days) - written
            if count <= 0:
                continue
            cursor.execute("SELECT setseed(%s)", [rng.uniform(-1, 1)])
            params = {
                "slots": len(slots),
                "days": days,
                "day_count": len(days),
                "citizens": citizen_count,
                "stray": STRAY_SHARE,
                "rows": count,
            }
            if partitioned:
                parts.fill_month(cursor, month, _SQL_MONTH, params)
            else:
                cursor.execute(f"INSERT INTO {AccessLogEntry._meta.db_table} {_SQL_MONTH}", params)
            written += count
        cursor.execute("DROP TABLE gen_patterns, gen_users, gen_addresses, gen_citizens")
    return written


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


def _fill_missing_keys(model, objects, key: str) -> None:
    """Databases that cannot return ids from a bulk insert: look them up by a unique key."""
    if not objects or objects[0].pk is not None:
        return
    ids = dict(
        model.objects.filter(**{f"{key}__in": [getattr(o, key) for o in objects]}).values_list(
            key, "pk"
        )
    )
    for obj in objects:
        obj.pk = ids[getattr(obj, key)]


def _fill_missing_pks(model, objects) -> None:
    """Databases that cannot return ids from a bulk insert: look them up by public id."""
    _fill_missing_keys(model, objects, "public_id")
