"""The structure rules that `make lint` and the suite enforce (issue 9):

* the apps' order: the import-linter layers contract in `pyproject.toml` lists the apps in the
  order of ARCHITECTURE.md, and a contract of that kind fails on an upward import, also one made
  inside a function;
* small rooms: `scripts/check-sizes.py` reports every module over 600 lines and every function
  over 60, with file and line;
* migrations are named after what they do: no new auto-generated name.
"""

from __future__ import annotations

import importlib.util
import re
import subprocess
import sys
import tomllib
from pathlib import Path
from types import ModuleType

ROOT = Path(__file__).resolve().parent.parent

# ARCHITECTURE.md: "core ← numbering ← attachments ← setup ← contacts ← campaigns ← interactions
# ← segments ← delivery", with the demo (which loads every app's data) on top; top first here,
# as import-linter lists layers.
ORDER = [
    "demo",
    "delivery",
    "segments",
    "interactions",
    "campaigns",
    "contacts",
    "setup",
    "attachments",
    "numbering",
    # The audit trail (issue 12): every app above records its changes in it; it needs only core.
    "audit",
    "core",
]


def _layers_contract() -> dict:
    config = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    (contract,) = [
        contract
        for contract in config["tool"]["importlinter"]["contracts"]
        if contract["type"] == "layers"
    ]
    return contract


def test_the_contract_lists_the_apps_in_the_order_of_architecture_md() -> None:
    contract = _layers_contract()
    assert contract["containers"] == ["rapport"]
    assert contract["layers"] == ORDER
    apps = sorted(path.parent.name for path in (ROOT / "rapport").glob("*/apps.py"))
    assert apps == sorted(ORDER)  # every app has its place, and only apps


# -- the contract fails on an upward import ----------------------------------------------------


def _lint_imports(tmp_path: Path, reach: str) -> subprocess.CompletedProcess[str]:
    """Runs `lint-imports` with the project's layers contract on a tiny package `shop` that has
    the same layers, and `reach` as the source of `shop/core/reach.py`."""
    contract = _layers_contract()
    for layer in contract["layers"]:
        (tmp_path / "shop" / layer).mkdir(parents=True)
        (tmp_path / "shop" / layer / "__init__.py").write_text("")
    (tmp_path / "shop" / "__init__.py").write_text("")
    (tmp_path / "shop" / "numbering" / "models.py").write_text("from shop.core import reach\n")
    (tmp_path / "shop" / "core" / "reach.py").write_text(reach)
    layers = ", ".join(f'"{layer}"' for layer in contract["layers"])
    (tmp_path / "importlinter.toml").write_text(
        '[tool.importlinter]\nroot_package = "shop"\n\n'
        "[[tool.importlinter.contracts]]\n"
        'name = "shop order"\ntype = "layers"\ncontainers = ["shop"]\n'
        f"layers = [{layers}]\n"
    )
    return subprocess.run(
        [
            str(Path(sys.executable).parent / "lint-imports"),
            "--config",
            "importlinter.toml",
            "--no-cache",
        ],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_the_contract_fails_on_an_import_inside_a_function_that_points_upward(
    tmp_path: Path,
) -> None:
    upward = _lint_imports(
        tmp_path, "def numbers():\n    from shop.numbering import models\n\n    return models\n"
    )
    assert upward.returncode == 1, upward.stdout + upward.stderr
    assert "Contracts: 0 kept, 1 broken." in upward.stdout
    assert "shop.core is not allowed to import shop.numbering" in upward.stdout
    assert "shop.core.reach -> shop.numbering.models (l.2)" in upward.stdout


def test_the_contract_keeps_imports_that_point_downward(tmp_path: Path) -> None:
    downward = _lint_imports(tmp_path, "VALUE = 1\n")  # numbering imports core: allowed
    assert downward.returncode == 0, downward.stdout + downward.stderr
    assert "Contracts: 1 kept, 0 broken." in downward.stdout


# -- small rooms ---------------------------------------------------------------------------------


def _check_sizes() -> ModuleType:
    spec = importlib.util.spec_from_file_location("check_sizes", ROOT / "scripts/check-sizes.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _function(name: str, lines: int) -> str:
    """A function of exactly `lines` lines, its `def` line included."""
    return f"def {name}():\n" + "    x = 1\n" * (lines - 2) + "    return x\n"


def test_check_sizes_reports_a_long_function_and_a_long_module_with_file_and_line(
    tmp_path: Path,
) -> None:
    sizes = _check_sizes()
    app = tmp_path / "rapport" / "shop"
    (app / "services").mkdir(parents=True)
    (app / "services" / "orders.py").write_text(
        '"""Orders."""\n\n\n' + _function("order_short", 60) + "\n\n" + _function("order_long", 61)
    )
    (app / "big.py").write_text("X = 1\n" * 601)
    (app / "fits.py").write_text("X = 1\n" * 600)
    for skipped in ("migrations/0002_data.py", "tests/test_orders.py", "tests/conftest.py"):
        (app / skipped).parent.mkdir(exist_ok=True)
        (app / skipped).write_text(_function("long", 200) + "X = 1\n" * 700)
    assert sizes.check(tmp_path) == [
        "rapport/shop/big.py:1: module has 601 lines (at most 600, data aside)",
        "rapport/shop/services/orders.py:66: function order_long has 61 lines (at most 60)",
    ]


def test_check_sizes_lets_a_declared_data_module_be_long_but_not_its_functions(
    tmp_path: Path,
) -> None:
    sizes = _check_sizes()
    data = tmp_path / "rapport" / "demo" / "data.py"
    data.parent.mkdir(parents=True)
    data.write_text("ROWS = [\n" + "    1,\n" * 700 + "]\n\n\n" + _function("load", 61))
    assert "rapport/demo/data.py" in sizes.DATA_MODULES
    assert sizes.check(tmp_path) == [
        "rapport/demo/data.py:705: function load has 61 lines (at most 60)"
    ]


def test_check_sizes_exits_1_and_prints_the_offenders(tmp_path: Path, monkeypatch, capsys) -> None:
    sizes = _check_sizes()
    monkeypatch.setattr(sizes, "check", lambda root: ["rapport/x.py:3: function f has 61 lines"])
    assert sizes.main() == 1
    assert capsys.readouterr().out == "rapport/x.py:3: function f has 61 lines\n"
    monkeypatch.setattr(sizes, "check", lambda root: [])
    assert sizes.main() == 0
    assert capsys.readouterr().out == ""


# -- migrations named after what they do ---------------------------------------------------------

# What Django names a migration when it is not told: `0005_auto_20261206_0130`, or the names of
# its first operations cut off with `_and_more`. `0001_initial` is fine.
AUTO_NAME = re.compile(r"^\d{4}_(auto_\d{8}_\d{4}|.+_and_more)\.py$")

# Landed before the rule; renaming a landed migration would rewrite history that databases have
# recorded, so they keep their names.
LANDED_AUTO_NAMED = {
    "rapport/contacts/migrations/0002_businessrelation_country_industrygroup_and_more.py",
}


def auto_named_migrations(root: Path) -> list[str]:
    """The migrations under `root`/rapport with an auto-generated name that have not landed."""
    return sorted(
        path.relative_to(root).as_posix()
        for path in (root / "rapport").glob("*/migrations/*.py")
        if AUTO_NAME.match(path.name) and path.relative_to(root).as_posix() not in LANDED_AUTO_NAMED
    )


def test_every_migration_is_named_after_what_it_does() -> None:
    migrations = list((ROOT / "rapport").glob("*/migrations/0*.py"))
    assert len(migrations) >= 10  # the glob finds the migrations
    assert auto_named_migrations(ROOT) == []


def test_an_auto_named_migration_is_caught(tmp_path: Path) -> None:
    folder = tmp_path / "rapport" / "contacts" / "migrations"
    folder.mkdir(parents=True)
    for name in (
        "__init__.py",
        "0001_initial.py",
        "0002_businessrelation_country_industrygroup_and_more.py",  # landed
        "0003_auto_20261206_0130.py",
        "0004_contact_email_contact_phone_and_more.py",
        "0005_option_fields_as_long_as_log_entry.py",
        "0006_auto_fill_the_search_text.py",  # a chosen name that starts with "auto"
    ):
        (folder / name).write_text("")
    assert auto_named_migrations(tmp_path) == [
        "rapport/contacts/migrations/0003_auto_20261206_0130.py",
        "rapport/contacts/migrations/0004_contact_email_contact_phone_and_more.py",
    ]
