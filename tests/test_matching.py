"""Edit kinds → what the rebuild does with the section's identity (design §5).

Each row edits a small vault the way notes are really edited, rebuilds with the lockfile,
and states the outcome for the section under test: its GUID kept or not, and how the change
report counts it. This table is the documentation of the matching rules.
"""

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pytest

from flashgen.build import BuildOptions, BuildResult, build_deck
from flashgen.config import DeckConfig

T1, T2 = 1_800_000_000, 1_800_086_400

CACHE = """---
title: Caches
tags: [hardware]
---
# CPU caches

## 缓存行 / Cache line

The unit of transfer between memory and cache, 64 bytes on x86; two threads writing to
different variables in one line cause false sharing.

## Write-back cache

A write updates only the cache; the dirty line is written to memory when it is evicted,
which saves bandwidth compared to write-through.

## MESI

The four states of a cache line under the MESI protocol: Modified, Exclusive, Shared and
Invalid; a write to a Shared line first invalidates the other copies.
"""
OTHER = """# Memory

## Virtual memory

Each process sees its own address space; the MMU translates pages with the page table.
"""
TARGET = "Write-back cache"


def replace_in(name: str, old: str, new: str) -> Callable[[Path], None]:
    def edit(vault: Path) -> None:
        path = vault / name
        text = path.read_text(encoding="utf-8")
        assert old in text
        path.write_text(text.replace(old, new, 1), encoding="utf-8")

    return edit


def move_target_to_other_file(body_edit: tuple[str, str] | None = None) -> Callable[[Path], None]:
    def edit(vault: Path) -> None:
        cache = (vault / "cache.md").read_text(encoding="utf-8")
        start = cache.index("## Write-back cache")
        end = cache.index("## MESI")
        section = cache[start:end]
        if body_edit:
            section = section.replace(*body_edit)
        (vault / "cache.md").write_text(cache[:start] + cache[end:], encoding="utf-8")
        other = vault / "memory.md"
        other.write_text(other.read_text(encoding="utf-8") + "\n" + section, encoding="utf-8")

    return edit


def both(*edits: Callable[[Path], None]) -> Callable[[Path], None]:
    def edit(vault: Path) -> None:
        for one in edits:
            one(vault)

    return edit


def rename_file(vault: Path) -> None:
    (vault / "cache.md").rename(vault / "cpu-caches.md")


def delete_target(vault: Path) -> None:
    cache = (vault / "cache.md").read_text(encoding="utf-8")
    start, end = cache.index("## Write-back cache"), cache.index("## MESI")
    (vault / "cache.md").write_text(cache[:start] + cache[end:], encoding="utf-8")


def copy_target_to_other_file(vault: Path) -> None:
    cache = (vault / "cache.md").read_text(encoding="utf-8")
    section = cache[cache.index("## Write-back cache") : cache.index("## MESI")]
    other = vault / "memory.md"
    other.write_text(other.read_text(encoding="utf-8") + "\n" + section, encoding="utf-8")


@dataclass(frozen=True)
class Case:
    edit: Callable[[Path], None]
    heading_after: str
    keeps_guid: bool
    counted_as: str
    file_after: str = "cache.md"


CASES = {
    "answer edited": Case(
        replace_in("cache.md", "saves bandwidth", "saves memory bandwidth"),
        TARGET,
        True,
        "changed",
    ),
    "nothing edited": Case(lambda vault: None, TARGET, True, "unchanged"),
    "trailing spaces and blank lines only": Case(
        replace_in("cache.md", "compared to write-through.\n", "compared to write-through. \n\n\n"),
        TARGET,
        True,
        "unchanged",
    ),
    "heading typo fixed": Case(
        replace_in("cache.md", "## Write-back cache", "## Write-back caches"),
        "Write-back caches",
        True,
        "renamed/moved",
    ),
    "heading reworded, body unchanged": Case(
        replace_in("cache.md", "## Write-back cache", "## 写回 / Write-back policy"),
        "写回 / Write-back policy",
        True,
        "renamed/moved",
    ),
    "parent heading renamed": Case(
        replace_in("cache.md", "# CPU caches", "# Caches"),
        TARGET,
        True,
        "renamed/moved",
    ),
    "section moved to another file": Case(
        move_target_to_other_file(), TARGET, True, "renamed/moved", "memory.md"
    ),
    "section moved and its answer edited": Case(
        move_target_to_other_file(("saves bandwidth", "saves a lot of bandwidth")),
        TARGET,
        True,
        "renamed/moved",
        "memory.md",
    ),
    "file renamed": Case(rename_file, TARGET, True, "renamed/moved", "cpu-caches.md"),
    "small edit of heading and body together": Case(
        both(
            replace_in("cache.md", "## Write-back cache", "## Write-back caching"),
            replace_in("cache.md", "which saves bandwidth", "which often saves bandwidth"),
        ),
        "Write-back caching",
        True,
        "renamed/moved",
    ),
    "heading and body both rewritten": Case(
        both(
            replace_in("cache.md", "## Write-back cache", "## Dirty bit"),
            replace_in(
                "cache.md",
                "A write updates only the cache; the dirty line is written to memory when it "
                "is evicted,\nwhich saves bandwidth compared to write-through.",
                "Set by the hardware on a store; the OS reads it to know which pages to flush.",
            ),
        ),
        "Dirty bit",
        False,
        "new",
    ),
    "section copied to another file": Case(copy_target_to_other_file, TARGET, True, "unchanged"),
    "tags changed in the frontmatter": Case(
        replace_in("cache.md", "tags: [hardware]", "tags: [hardware, cpu]"),
        TARGET,
        True,
        "changed",
    ),
}


def build(vault: Path, now: int) -> BuildResult:
    config = DeckConfig(name="Match", notes_dir=vault, output=vault.parent / "m.apkg")
    return build_deck(config, BuildOptions(now=now))


@pytest.mark.parametrize("case", CASES.values(), ids=CASES.keys())
def test_edit_kind_outcome(case: Case, tmp_path: Path) -> None:
    vault = tmp_path / "notes"
    vault.mkdir()
    (vault / "cache.md").write_text(CACHE, encoding="utf-8")
    (vault / "memory.md").write_text(OTHER, encoding="utf-8")
    before = {n.heading: n.guid for n in build(vault, T1).plan.notes}
    case.edit(vault)
    result = build(vault, T2)
    after = [n for n in result.plan.notes if n.status != "removed"]
    target = [
        n
        for n in after
        if n.heading == case.heading_after and n.location.startswith(case.file_after + ":")
    ]
    assert len(target) == 1, f"no note '{case.heading_after}' in {case.file_after}"
    note = target[0]
    assert (note.guid == before[TARGET]) is case.keeps_guid
    described = f"{note.location}: {note.heading}"
    group = result.plan.report.groups()[case.counted_as]
    assert any(item.startswith(described) for item in group), result.plan.report.groups()
    guids = [n.guid for n in result.plan.notes]
    assert len(guids) == len(set(guids)), "a GUID is never used twice in one package"


def test_deleted_section_is_counted_removed_and_kept_tagged(tmp_path: Path) -> None:
    vault = tmp_path / "notes"
    vault.mkdir()
    (vault / "cache.md").write_text(CACHE, encoding="utf-8")
    guid = {n.heading: n.guid for n in build(vault, T1).plan.notes}[TARGET]
    delete_target(vault)
    result = build(vault, T2)
    assert result.plan.report.summary() == (
        "0 new, 0 changed, 0 renamed/moved, 1 removed, 2 unchanged"
    )
    removed = [n for n in result.plan.notes if n.status == "removed"]
    assert [(n.guid, n.tags, n.mod) for n in removed] == [(guid, ("flashgen::removed",), T2)]
