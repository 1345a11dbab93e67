import io
import random
from collections import Counter

import pytest
from django.core.management import CommandError, call_command

from rapport.cli import main
from rapport.contacts.models import (
    BusinessRelation,
    Contact,
    ContactProfileAnswer,
    Country,
    IndustryGroup,
    JobResponsibility,
    Language,
    MailingGroup,
    ProfileQuestionnaire,
    ProfileQuestionnaireAnswer,
    Salesperson,
    Territory,
)
from rapport.contacts.services import contact_search_text
from rapport.core.models import User
from rapport.demo.data import DEMO_STEPS, SEED, demo_contacts, load_demo
from rapport.numbering.models import NumberSeries, NumberSeriesLine
from rapport.setup.selectors import marketing_setup_get

pytestmark = pytest.mark.django_db


def test_demo_loads_once_and_is_safe_to_repeat():
    out = io.StringIO()
    call_command("demo", stdout=out)
    assert "Demo data loaded:" in out.getvalue()
    assert "60 companies, 240 persons" in out.getvalue()
    assert "Sign in at http://127.0.0.1:8000/ as admin" in out.getvalue()
    counts = counts_now()
    assert counts == {
        "users": 4,
        "salespeople": 5,
        "languages": 55,  # the reference data the migrations load; the demo adds none
        "number series": 3,
        "countries": 249,
        "territories": 3,
        "mailing groups": 3,
        "industry groups": 5,
        "job responsibilities": 5,
        "business relations": 4,
        "questionnaires": 2,
        "answers": 8,
        "companies": 60,
        "persons": 240,
        "profile answers": counts["profile answers"],
    }
    assert counts["profile answers"] > 40
    setup = marketing_setup_get()
    assert (setup.contact_nos.code, setup.segment_nos.code, setup.campaign_nos.code) == (
        "CONT",
        "SEG",
        "CAMP",
    )
    assert setup.default_salesperson.code == "SJ"
    assert NumberSeriesLine.objects.get(series__code="CONT").last_no_used == "CT000300"
    out = io.StringIO()
    call_command("demo", "--if-empty", stdout=out)
    assert "nothing to do" in out.getvalue()
    out = io.StringIO()
    call_command("demo", stdout=out)
    assert "Demo data loaded: nothing new." in out.getvalue()
    assert counts_now() == counts
    assert User.objects.get(username="admin").check_password("admin")


def counts_now() -> dict[str, int]:
    return {
        "users": User.objects.count(),
        "salespeople": Salesperson.objects.count(),
        "languages": Language.objects.count(),
        "number series": NumberSeries.objects.count(),
        "countries": Country.objects.count(),
        "territories": Territory.objects.count(),
        "mailing groups": MailingGroup.objects.count(),
        "industry groups": IndustryGroup.objects.count(),
        "job responsibilities": JobResponsibility.objects.count(),
        "business relations": BusinessRelation.objects.count(),
        "questionnaires": ProfileQuestionnaire.objects.count(),
        "answers": ProfileQuestionnaireAnswer.objects.count(),
        "companies": Contact.objects.filter(type="company").count(),
        "persons": Contact.objects.filter(type="person").count(),
        "profile answers": ContactProfileAnswer.objects.count(),
    }


def test_demo_contacts_are_believable():
    load_demo()
    contacts = Contact.objects.select_related("company", "country", "language", "salesperson")
    by_country = Counter(c.country.code for c in contacts if c.type == "company")
    assert by_country == dict.fromkeys(["NL", "BE", "GB", "DE", "US"], 12)
    languages = {"NL": "NL", "BE": "NL", "DE": "DE", "GB": "EN", "US": "EN"}
    for contact in contacts:
        assert contact.language.code == languages[contact.country.code], contact
        assert contact.email.endswith(".example") and contact.phone_no and contact.address
        assert contact.search_text == contact_search_text(contact)
        if contact.type == "person":
            company = contact.company
            assert company is not None and company.type == "company"
            # The persons took their company's address, salesperson and territory.
            assert (contact.address, contact.city, contact.post_code, contact.phone_no) == (
                company.address,
                company.city,
                company.post_code,
                company.phone_no,
            )
            assert contact.salesperson_id == company.salesperson_id
            assert contact.territory_id == company.territory_id
            assert contact.email.split("@")[1] == company.email.split("@")[1]
            assert contact.job_title
    persons_per_company = Counter(c.company_id for c in contacts if c.type == "person")
    assert min(persons_per_company.values()) >= 2 and max(persons_per_company.values()) <= 7
    assert len(persons_per_company) == 60
    assert Counter(c.salesperson.code for c in contacts if c.type == "company").keys() == {
        "SJ",
        "MV",
        "PB",
        "EW",
        "LK",
    }
    assert len({c.name for c in contacts if c.type == "company"}) == 60
    assert Contact.objects.filter(exclude_from_segment=True).count() == 4
    assert Contact.objects.filter(privacy_blocked=True).count() == 2
    assert Contact.objects.filter(correspondence_type="hard_copy").exists()
    assert Contact.objects.filter(correspondence_type="email").count() > 250
    # Classification links on a good share of the contacts.
    assert MailingGroup.objects.get(code="NEWS").contacts.count() > 100
    assert MailingGroup.objects.get(code="XMAS").contacts.count() > 10
    assert Contact.objects.filter(type="company", industry_groups__isnull=True).count() == 0
    assert Contact.objects.filter(type="company", business_relations__isnull=True).count() == 0
    assert Contact.objects.filter(type="person", job_responsibilities__code="MGMT").count() == 60
    assert Contact.objects.filter(territory__code="EXPORT").count() > 100
    assert ContactProfileAnswer.objects.filter(questionnaire__code="CUSTSAT").exists()


def test_demo_contacts_are_the_same_every_time():
    first = demo_contacts(random.Random(SEED))
    assert demo_contacts(random.Random(SEED)) == first
    assert demo_contacts(random.Random(SEED + 1)) != first


def test_demo_leaves_a_database_with_contacts_alone():
    load_demo()
    Contact.objects.filter(type="person").delete()
    load_demo()
    assert Contact.objects.filter(type="person").count() == 0
    assert Contact.objects.count() == 60


def test_demo_progress_follows_its_steps():
    class Bar:
        done = 0

        def advance(self, step: int = 1) -> None:
            self.done += step

    bar = Bar()
    load_demo(progress=bar)
    assert bar.done == DEMO_STEPS == 13


def test_create_user_reads_the_password_from_stdin(monkeypatch):
    monkeypatch.setattr("sys.stdin", io.StringIO("A-long-pass-42\n"))
    out = io.StringIO()
    call_command("create_user", "mila", "--role", "marketing", "--password-stdin", stdout=out)
    assert out.getvalue().strip() == "Created user mila with role marketing."
    user = User.objects.get(username="mila")
    assert user.role == "marketing" and user.check_password("A-long-pass-42")


def test_create_user_refuses_a_weak_password_with_a_message(monkeypatch):
    monkeypatch.setattr("sys.stdin", io.StringIO("password\n"))
    with pytest.raises(CommandError, match="too common"):
        call_command("create_user", "mila", "--role", "marketing", "--password-stdin")
    assert not User.objects.exists()


# run_from_argv closes the database connection, so this test needs a real transaction.
@pytest.mark.django_db(transaction=True)
def test_cli_maps_hyphenated_commands(monkeypatch):
    monkeypatch.setattr("sys.stdin", io.StringIO("A-long-pass-42\n"))
    assert (
        main(["rapport", "create-user", "sven", "--role", "salesperson", "--password-stdin"]) == 0
    )
    assert User.objects.get(username="sven").role == "salesperson"


def test_cli_without_arguments_prints_help(capsys):
    assert main(["rapport"]) == 2
    assert "rapport serve" in capsys.readouterr().out


@pytest.mark.parametrize("command", ["import-contacts", "export-contacts", "demo", "create-user"])
def test_every_command_loads_in_a_fresh_process(command):
    """Imports that only work after others (circular ones) show up only in a fresh process."""
    import subprocess
    import sys

    result = subprocess.run(
        [
            sys.executable,
            "-c",
            "import sys; from rapport.cli import main; sys.exit(main())",
            command,
            "--help",
        ],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert result.returncode == 0, result.stderr[-2000:]
    assert "usage:" in result.stdout
