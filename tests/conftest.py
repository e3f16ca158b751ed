import shutil
from pathlib import Path

import pytest

VAULTS = Path(__file__).parent / "vaults"


@pytest.fixture
def basic_vault(tmp_path: Path) -> Path:
    """A copy of tests/vaults/basic that a test may edit."""
    target = tmp_path / "notes"
    shutil.copytree(VAULTS / "basic", target)
    return target


@pytest.fixture
def here(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """The current folder for the command: paths in its output are relative to it."""
    monkeypatch.chdir(tmp_path)
    return tmp_path
