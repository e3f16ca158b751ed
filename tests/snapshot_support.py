"""Snapshots of plain data: compare to ``tests/snapshots/NAME.json``.

``FLASHGEN_UPDATE_SNAPSHOTS=1 pytest`` writes the snapshots instead of comparing; review the
diff before committing it. Without it, a missing or different snapshot fails the test.
"""

import json
import os
from pathlib import Path

import pytest

SNAPSHOTS = Path(__file__).parent / "snapshots"
UPDATE_VARIABLE = "FLASHGEN_UPDATE_SNAPSHOTS"

Json = None | bool | int | float | str | list["Json"] | dict[str, "Json"]


def assert_snapshot(name: str, data: Json) -> None:
    path = SNAPSHOTS / f"{name}.json"
    # A JSON round trip turns tuples into lists, as the snapshot file holds them.
    actual = json.loads(json.dumps(data, ensure_ascii=False))
    if os.environ.get(UPDATE_VARIABLE) == "1":
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(json.dumps(actual, ensure_ascii=False, indent=2) + "\n", "utf-8")
        return
    if not path.exists():
        pytest.fail(f"no snapshot {path.name}: run with {UPDATE_VARIABLE}=1 to write it")
    expected = json.loads(path.read_text("utf-8"))
    assert actual == expected, f"differs from {path.name} ({UPDATE_VARIABLE}=1 rewrites it)"
