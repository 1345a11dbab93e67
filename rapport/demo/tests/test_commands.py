import io

import pytest
from django.core.management import CommandError, call_command

from rapport.cli import main
from rapport.contacts.models import Language, Salesperson
from rapport.core.models import User
from rapport.numbering.models import NumberSeries
from rapport.setup.selectors import marketing_setup_get

pytestmark = pytest.mark.django_db


def test_demo_loads_once_and_is_safe_to_repeat():
    out = io.StringIO()
    call_command("demo", stdout=out)
    assert "Demo data loaded:" in out.getvalue()
    assert "Sign in at http://127.0.0.1:8000/ as admin" in out.getvalue()
    counts = (
        User.objects.count(),
        Salesperson.objects.count(),
        Language.objects.count(),
        NumberSeries.objects.count(),
    )
    assert counts == (4, 5, 3, 3)
    setup = marketing_setup_get()
    assert (setup.contact_nos.code, setup.segment_nos.code, setup.campaign_nos.code) == (
        "CONT",
        "SEG",
        "CAMP",
    )
    assert setup.default_salesperson.code == "SJ"
    out = io.StringIO()
    call_command("demo", "--if-empty", stdout=out)
    assert "nothing to do" in out.getvalue()
    call_command("demo", stdout=io.StringIO())
    assert User.objects.count() == 4 and NumberSeries.objects.count() == 3
    assert User.objects.get(username="admin").check_password("admin")


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
