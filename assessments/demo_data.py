"""Fictional citizens and applications for the demo and the benchmarks.

Everything is invented and follows from the seed: names from common Swedish name lists,
identity numbers with correct check digits, phone numbers from the range that Post- och
telestyrelsen keeps for fiction (070-174 06 05 to 070-174 06 99). Rows are written with
``bulk_create`` in batches; the values are ones the services in ``services.py`` accept.
"""

import datetime
import random
import time
import uuid
from dataclasses import dataclass

from django.contrib.auth.models import Group
from django.db import transaction
from django.utils import timezone

from rehab.demo import DEMO_TEAM, DemoUser, ensure_demo_users
from rehab.models import Team, User
from rehab.roles import Role

from .models import Application, AppliedService, Citizen, JointVisit, ServiceType

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
# Days between receipt and today for an application in each status: (fewest, most).
AGE_BY_STATUS = {
    Status.VISIT_BOOKED: (2, 35),
    Status.ASSESSED: (7, 60),
    Status.IN_TRACK: (14, 120),
    Status.AWAITING_DECISION: (30, 150),
    Status.DECIDED: (40, 170),
    Status.FOLLOW_UP_DUE: (90, 183),
    Status.CLOSED: (20, 183),
}
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

    def __init__(self, rng, *, team, case_officers, therapists, services, today):
        self.rng = rng
        self.team = team
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
            protected_identity=rng.random() < 0.01,
            next_of_kin_name=kin_name,
            next_of_kin_relation=kin_relation,
            next_of_kin_phone=kin_phone,
            team=self.team,
            version=1,
        )

    def applications(self, citizen: Citizen) -> list[Application]:
        rng = self.rng
        if rng.random() < 0.15:
            earlier = self.application(citizen, Status.CLOSED, age=rng.randint(120, 183))
            later_status = weighted_choice(rng, STATUS_WEIGHTS)
            later_age = min(self.age_for(later_status), 100)
            return [earlier, self.application(citizen, later_status, age=later_age)]
        status = weighted_choice(rng, STATUS_WEIGHTS)
        return [self.application(citizen, status, age=self.age_for(status))]

    def age_for(self, status: str) -> int:
        if status == Status.RECEIVED:
            return min(int(self.rng.expovariate(1 / 5)), 30)
        return self.rng.randint(*AGE_BY_STATUS[status])

    def application(self, citizen: Citizen, status: str, *, age: int) -> Application:
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
        therapist = None if status == Status.RECEIVED else rng.choice(self.therapists)
        return Application(
            public_id=self.public_id(),
            citizen=citizen,
            kind=kind,
            received_on=self.today - datetime.timedelta(days=age),
            channel=channel,
            after_inpatient_stay=after_stay,
            existing_services=rng.choice(EXISTING_SERVICES) if has_existing else "",
            status=status,
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

    def visit(self, application: Application) -> JointVisit | None:
        rng = self.rng
        if application.status == Status.RECEIVED:
            return None
        received = application.received_on
        if application.status == Status.VISIT_BOOKED:
            status = JointVisit.Status.BOOKED
            if rng.random() < 0.15:
                first, last = received + datetime.timedelta(days=1), self.today
            else:
                first = self.today + datetime.timedelta(days=1)
                last = self.today + datetime.timedelta(days=21)
        else:
            status = JointVisit.Status.DONE
            first = received + datetime.timedelta(days=3)
            last = min(received + datetime.timedelta(days=14), self.today)
        day = _random_weekday(rng, first, last)
        return JointVisit(
            application=application,
            scheduled_at=datetime.datetime.combine(day, rng.choice(VISIT_SLOTS), self.stockholm),
            case_officer=application.case_officer,
            therapist=application.therapist,
            status=status,
            version=1,
        )


def _random_weekday(rng: random.Random, first: datetime.date, last: datetime.date) -> datetime.date:
    """A Monday to Friday from ``first`` up to but not including ``last``, if there is one."""
    days = [first + datetime.timedelta(days=n) for n in range(max((last - first).days, 1))]
    return rng.choice([day for day in days if day.weekday() < 5] or days)


def generate(
    *,
    citizens: int,
    seed: int,
    today: datetime.date | None = None,
    batch_size: int = 2000,
) -> GenerationResult:
    """Create ``citizens`` fictional citizens with their applications, visits and services."""
    started = time.perf_counter()
    team, case_officers, therapists = ensure_demo_staff()
    services = list(ServiceType.objects.filter(active=True).order_by("sort_order", "code"))
    if not services:
        raise ValueError("The service catalogue is empty; run the migrations first.")
    today = today or timezone.localdate()
    builder = _Builder(
        random.Random(seed),  # noqa: S311 - reproducible fictional data, not secrets
        team=team,
        case_officers=case_officers,
        therapists=therapists,
        services=services,
        today=today,
    )
    counts = {"applications": 0, "services": 0, "visits": 0}
    with transaction.atomic():
        for start in range(0, citizens, batch_size):
            batch = [builder.citizen() for _ in range(min(batch_size, citizens - start))]
            Citizen.objects.bulk_create(batch)
            _fill_missing_pks(Citizen, batch)
            applications = [a for citizen in batch for a in builder.applications(citizen)]
            Application.objects.bulk_create(applications)
            _fill_missing_pks(Application, applications)
            applied = [s for a in applications for s in builder.applied_services(a)]
            AppliedService.objects.bulk_create(applied)
            visits = [v for a in applications if (v := builder.visit(a))]
            JointVisit.objects.bulk_create(visits)
            counts["applications"] += len(applications)
            counts["services"] += len(applied)
            counts["visits"] += len(visits)
    return GenerationResult(citizens=citizens, **counts, seconds=time.perf_counter() - started)


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
