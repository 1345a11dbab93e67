"""The demo company: users, salespeople, languages, number series and Marketing Setup.

Everything is created through the same services the UI, API and CLI use, so the demo data
obeys every rule a user's data does.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db import transaction

from rapport.contacts import services as contact_services
from rapport.contacts.models import Language, Salesperson
from rapport.core import services as core_services
from rapport.core.choices import CorrespondenceType, Role
from rapport.core.models import User
from rapport.numbering import services as numbering_services
from rapport.numbering.models import NumberSeries
from rapport.setup import services as setup_services

DEMO_PASSWORD_NOTE = "the password is the user name"  # noqa: S105
DEMO_USERS = [
    ("admin", Role.ADMINISTRATOR, "Ada", "Admin"),
    ("marketing", Role.MARKETING, "Mila", "de Vries"),
    ("sales", Role.SALESPERSON, "Sven", "Janssen"),
    ("viewer", Role.READ_ONLY, "Vera", "Peeters"),
]
DEMO_LANGUAGES = [("NL", "Dutch"), ("EN", "English"), ("DE", "German")]
DEMO_SALESPEOPLE = [
    ("SJ", "Sven Janssen", "sven.janssen@rapport.example", "sales"),
    ("MV", "Mila de Vries", "mila.devries@rapport.example", "marketing"),
    ("PB", "Pieter Bakker", "pieter.bakker@rapport.example", None),
    ("EW", "Emma Wright", "emma.wright@rapport.example", None),
    ("LK", "Lukas Keller", "lukas.keller@rapport.example", None),
]
DEMO_SERIES = [
    ("CONT", "Contacts", "CT000001", "CT999999", "CT999000"),
    ("SEG", "Segments", "SEG00001", "SEG99999", "SEG99000"),
    ("CAMP", "Campaigns", "CP0001", "CP9999", "CP9900"),
]


@dataclass
class DemoSummary:
    created: dict[str, int] = field(default_factory=dict)

    def add(self, what: str, count: int = 1) -> None:
        self.created[what] = self.created.get(what, 0) + count

    def line(self) -> str:
        parts = [f"{count} {what}" for what, count in self.created.items()]
        return "Demo data loaded: " + (", ".join(parts) if parts else "nothing new") + "."


def demo_loaded() -> bool:
    return User.objects.filter(username="admin").exists()


@transaction.atomic
def load_demo(progress=None) -> DemoSummary:  # type: ignore[no-untyped-def]
    """Create the demo records that do not exist yet (safe to run twice)."""
    summary = DemoSummary()
    step = progress.advance if progress else (lambda: None)

    users: dict[str, User] = {}
    for username, role, first, last in DEMO_USERS:
        user = User.objects.filter(username=username).first()
        if user is None:
            user = core_services.user_create(
                username=username, role=role, password=username, validate=False
            )
            user.first_name, user.last_name = first, last
            user.save(update_fields=["first_name", "last_name"])
            summary.add("users")
        users[username] = user
    step()

    for code, name in DEMO_LANGUAGES:
        if not Language.objects.filter(code=code).exists():
            contact_services.language_create(code=code, name=name)
            summary.add("languages")
    step()

    for code, name, email, linked in DEMO_SALESPEOPLE:
        if not Salesperson.objects.filter(code=code).exists():
            contact_services.salesperson_create(
                code=code, name=name, email=email, user=users.get(linked) if linked else None
            )
            summary.add("salespeople")
    step()

    for code, description, starting, ending, warning in DEMO_SERIES:
        if not NumberSeries.objects.filter(code=code).exists():
            numbering_services.number_series_create(
                code=code,
                description=description,
                default_nos=True,
                manual_nos=True,
                date_order=False,
                lines=[{"starting_no": starting, "ending_no": ending, "warning_no": warning}],
            )
            summary.add("number series")
    step()

    setup_services.marketing_setup_update(
        contact_nos=NumberSeries.objects.get(code="CONT"),
        segment_nos=NumberSeries.objects.get(code="SEG"),
        campaign_nos=NumberSeries.objects.get(code="CAMP"),
        default_salesperson=Salesperson.objects.get(code="SJ"),
        default_language=Language.objects.get(code="EN"),
        default_correspondence_type=CorrespondenceType.EMAIL,
    )
    step()
    return summary


DEMO_STEPS = 5
