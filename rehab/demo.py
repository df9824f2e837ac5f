"""Demo users: one per role, in one team, with the logins the README lists."""

from dataclasses import dataclass

from django.contrib.auth.models import Group
from django.db import transaction

from .models import Team, User
from .roles import Role

DEMO_PASSWORD = "samrehab-demo"  # noqa: S105 - printed and documented for the demo app only
DEMO_TEAM = "Team Norr"


@dataclass(frozen=True)
class DemoUser:
    username: str
    first_name: str
    last_name: str
    role: Role
    title: str


DEMO_USERS = [
    DemoUser("handlaggare", "Karin", "Lund", Role.CASE_OFFICER, "Biståndshandläggare"),
    DemoUser("arbetsterapeut", "Ahmed", "Berg", Role.THERAPIST, "Arbetsterapeut"),
    DemoUser("fysioterapeut", "Sofia", "Ek", Role.PHYSIO, "Fysioterapeut"),
    DemoUser("enhetschef", "Lars", "Holm", Role.MANAGER, "Enhetschef"),
    DemoUser("admin", "Maria", "Nyström", Role.ADMIN, "Systemförvaltare"),
]


@transaction.atomic
def ensure_demo_users(password: str = DEMO_PASSWORD) -> list[User]:
    team, _ = Team.objects.get_or_create(name=DEMO_TEAM)
    users = []
    for demo in DEMO_USERS:
        user, created = User.objects.get_or_create(
            username=demo.username,
            defaults={
                "first_name": demo.first_name,
                "last_name": demo.last_name,
                "title": demo.title,
                "team": team,
                "is_staff": demo.role == Role.ADMIN,
            },
        )
        if created:
            user.set_password(password)
            user.save(update_fields=["password"])
        user.groups.add(Group.objects.get(name=demo.role.value))
        users.append(user)
    return users
