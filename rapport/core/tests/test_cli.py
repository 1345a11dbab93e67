"""The `rapport` console script names itself, whatever Django command it wraps."""

from __future__ import annotations

import pytest

from rapport.cli import main


@pytest.mark.parametrize(("alias", "option"), [("serve", "--noreload"), ("worker", "--batch")])
def test_alias_help_names_the_alias(alias: str, option: str, capsys: pytest.CaptureFixture) -> None:
    with pytest.raises(SystemExit) as exit_info:
        main(["rapport", alias, "--help"])
    assert exit_info.value.code == 0
    out = capsys.readouterr().out
    assert out.startswith(f"usage: rapport {alias} ")
    usage = out.split("\n\n")[0]
    assert "runserver" not in usage and "db_worker" not in usage
    assert option in out


def test_no_command_prints_the_overview(capsys: pytest.CaptureFixture) -> None:
    assert main(["rapport"]) == 2
    assert "rapport serve [ADDR:PORT]" in capsys.readouterr().out


def test_other_commands_keep_their_django_name(capsys: pytest.CaptureFixture) -> None:
    with pytest.raises(SystemExit):
        main(["rapport", "delete-canceled-interactions", "--help"])
    assert "usage: rapport delete_canceled_interactions" in capsys.readouterr().out
