#!/usr/bin/env python3
"""Small rooms: no module under `rapport/` over 600 lines, no function over 60 lines.

    python scripts/check-sizes.py          (run by `make lint`)

Prints each offender as `path:line: what` and exits 1; exits 0 when there is none. A function's
length runs from its `def` line to its last line (decorators aside; a nested function is counted
on its own and inside its parent). Migrations and tests are not checked, nor the modules that
hold data (DATA_MODULES, each with its reason): split a big room along the lines of the business
(`services/log.py`, `services/comments.py`), never into `utils`.
"""

from __future__ import annotations

import ast
import sys
from pathlib import Path

MAX_MODULE_LINES = 600
MAX_FUNCTION_LINES = 60

# Modules that are data, not code: their length is the length of the data they hold. Their
# functions are still checked.
DATA_MODULES = {
    "rapport/demo/countries.py": "the demo's country names and addresses, a table",
    "rapport/demo/data.py": "the demo data set: its companies, persons, questionnaires and log",
    "rapport/contacts/reference_data.py": "ISO 3166-1 countries and the common languages, "
    "named in English and Dutch, loaded by a migration",
}

# Code that is not checked: generated or landed migration history, and tests (a test reads
# best as one story; conftest fixtures build whole worlds).
SKIPPED_FOLDERS = {"migrations", "tests"}


def _skipped(relative: Path) -> bool:
    return (
        bool(SKIPPED_FOLDERS & set(relative.parts[:-1]))
        or relative.name.startswith("test_")
        or relative.name == "conftest.py"
    )


def check(root: Path) -> list[str]:
    """The offenders under `root`/rapport, as `path:line: what` (path relative to `root`)."""
    offenders: list[str] = []
    for path in sorted((root / "rapport").rglob("*.py")):
        relative = path.relative_to(root)
        if _skipped(relative):
            continue
        name = relative.as_posix()
        source = path.read_text(encoding="utf-8")
        lines = len(source.splitlines())
        if lines > MAX_MODULE_LINES and name not in DATA_MODULES:
            offenders.append(
                f"{name}:1: module has {lines} lines (at most {MAX_MODULE_LINES}, data aside)"
            )
        for node in ast.walk(ast.parse(source, filename=name)):
            if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
                length = (node.end_lineno or node.lineno) - node.lineno + 1
                if length > MAX_FUNCTION_LINES:
                    offenders.append(
                        f"{name}:{node.lineno}: function {node.name} has {length} lines "
                        f"(at most {MAX_FUNCTION_LINES})"
                    )
    return sorted(offenders, key=_order)


def _order(offender: str) -> tuple[str, int]:
    path, line, _ = offender.split(":", 2)
    return path, int(line)


def main() -> int:
    offenders = check(Path(__file__).resolve().parent.parent)
    for offender in offenders:
        print(offender)
    if offenders:
        print(
            f"{len(offenders)} too big: split along the lines of the business "
            f"(modules at most {MAX_MODULE_LINES} lines, functions at most {MAX_FUNCTION_LINES})",
            file=sys.stderr,
        )
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
