import shutil
from pathlib import Path

import pytest

from flashgen.render import RenderedFile, RenderedSection
from tests.render_support import VAULT, render_file, sections

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


@pytest.fixture(scope="module")
def kvm() -> dict[str, RenderedSection]:
    """The sections of ``tests/notes/render/systems/kvm.md`` that make notes, by heading."""
    return sections(render_file(VAULT, "systems/kvm.md"))


@pytest.fixture(scope="module")
def obsidian() -> RenderedFile:
    return render_file(VAULT, "obsidian.md")
