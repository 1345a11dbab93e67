"""Start the bench smoke run as soon as its tests are collected, and run its tests last."""

from __future__ import annotations

from typing import Any

import pytest

from tests.bench import bench_smoke


# Last, so that -k and -m have deselected what they deselect (the run starts only when its
# tests are really selected).
@pytest.hookimpl(trylast=True)
def pytest_collection_modifyitems(session: Any, config: Any, items: list[Any]) -> None:
    smoke = [item for item in items if item.nodeid.startswith(bench_smoke.SMOKE_FILE)]
    if not smoke:
        return
    chosen = set(smoke)
    # The same order in every pytest-xdist worker (it checks), with the waiting tests last.
    items[:] = [item for item in items if item not in chosen] + smoke
    bench_smoke.start(bench_smoke.folder(config))
