"""How long planning takes when files or folders are renamed (issue 10's scale rows).

Two measurements, each the best of ``--runs``:

1. **Vault with one folder renamed.** A vault from ``make_vault.py`` (2,400 files by default)
   is built through flashgen's per-file stages once; its plan gives the lockfile. The notes
   of the largest folder then get the paths they would have after ``git mv`` of that folder
   (a renamed file's sections differ from the old ones only in path, key and the Source
   field), and ``plan_deck`` is timed against that lockfile. An unchanged rebuild's plan is
   timed too, as the floor.
2. **One huge file renamed.** A file of N headings (look-alike ``---`` bodies, repeated
   ``### Example`` headings, everything else distinct) is planned, renamed and planned
   again, for N = 25k, 50k, 100k, 200k: time per section should stay flat (linear).

Usage::

    python -m benchmarks.matching [--files 2400] [--headings 200000] [--runs 3]

The machine may be shared: compare the numbers within one run, and repeat.
"""

from __future__ import annotations

import argparse
import gc
import random
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import replace
from pathlib import Path, PurePosixPath

from benchmarks.make_vault import make_vault
from flashgen.fill import NoteContent
from flashgen.identity import normalized_body, section_key, sketch, text_hash
from flashgen.lockfile import Lock
from flashgen.matching import match_entries
from flashgen.notetype import NoteFields
from flashgen.plan import DeckPlan, plan_deck
from tests.matching_support import vault_notes

T1, T2 = 1_800_000_000, 1_800_086_400
FINGERPRINT = "benchmark"


def best_of(runs: int, action: Callable[[], object]) -> tuple[float, float]:
    """Best wall and CPU time of ``action``, with the cyclic GC off as ``build_deck`` runs it.
    On a shared machine the CPU time is the steadier of the two."""
    wall = cpu = float("inf")
    for _ in range(runs):
        gc.collect()
        gc.disable()
        try:
            start, start_cpu = time.perf_counter(), time.process_time()
            action()
            wall = min(wall, time.perf_counter() - start)
            cpu = min(cpu, time.process_time() - start_cpu)
        finally:
            gc.enable()
    return wall, cpu


def seconds(timing: tuple[float, float]) -> str:
    return f"{timing[0]:6.3f} s wall, {timing[1]:6.3f} s CPU"


def moved(note: NoteContent, old: str, new: str) -> NoteContent:
    """``note`` as the pipeline gives it after its file moved from ``old`` to ``new``."""
    return replace(
        note,
        relpath=new,
        key=new + note.key[len(old) :],
        fields=replace(note.fields, source=new),
        content_hash=text_hash(note.content_hash + new),
    )


def rename_folder(notes: list[NoteContent], folder: str, to: str) -> list[NoteContent]:
    renamed = []
    for note in notes:
        if note.relpath.startswith(folder + "/"):
            note = moved(note, note.relpath, to + note.relpath[len(folder) :])
        renamed.append(note)
    return renamed


def plan(notes: list[NoteContent], previous: Lock | None, now: int) -> DeckPlan:
    return plan_deck("Bench", notes, previous, FINGERPRINT, now)


def kept_share(before: DeckPlan, after: DeckPlan) -> float:
    old = {note.guid for note in before.notes}
    live = [note for note in after.notes if note.status != "removed"]
    return sum(note.guid in old for note in live) / len(live)


def folder_rename(files: int, runs: int) -> None:
    with tempfile.TemporaryDirectory() as scratch:
        vault = Path(scratch) / "vault"
        stats = make_vault(vault, files=files)
        start = time.perf_counter()
        notes = vault_notes(vault, workers=2)
        pipeline = time.perf_counter() - start
        first = plan(notes, None, T1)
    folders = Counter(
        str(PurePosixPath(note.relpath).parent) for note in notes if "/" in note.relpath
    )
    folder, sections = folders.most_common(1)[0]
    renamed = rename_folder(notes, folder, folder + "-renamed")
    unchanged = best_of(runs, lambda: plan(notes, first.lock, T2))
    after_rename = best_of(runs, lambda: plan(renamed, first.lock, T2))
    result = plan(renamed, first.lock, T2)
    print(
        f"vault: {stats.files} files, {len(notes)} notes ({pipeline:.1f} s through the "
        f"per-file stages); renamed folder '{folder}/': {sections} sections"
    )
    print(f"  plan, nothing changed:    {seconds(unchanged)}")
    print(f"  plan, one folder renamed: {seconds(after_rename)}")
    entries = list(first.lock.entries)
    matching = best_of(runs, lambda: match_entries(renamed, entries))
    print(f"  of which matching:        {seconds(matching)}")
    print(f"  {result.report.summary()}; GUIDs kept: {kept_share(first, result):.1%}")


def huge_file(headings: int, rng: random.Random) -> list[NoteContent]:
    words = [f"w{index}" for index in range(5000)]
    notes: list[NoteContent] = []
    keys: set[str] = set()
    parent = "Part 0"
    for index in range(headings):
        if index % 50 == 0:
            parent = f"Part {index // 50}"
        heading = "Example" if index % 10 == 3 else f"Topic {index}"
        if index % 7 == 0:
            body = "---"
        else:
            body = f"Fact {index}: " + " ".join(rng.choice(words) for _ in range(12))
        path = (parent, heading)
        occurrence = 1
        while (key := section_key("huge.md", path, occurrence)) in keys:
            occurrence += 1
        keys.add(key)
        text = normalized_body(body)
        notes.append(
            NoteContent(
                key=key,
                relpath="huge.md",
                line=index * 4 + 1,
                heading=heading,
                fields=NoteFields(heading, body, parent, "huge.md", "", "", ""),
                tags=(),
                deck="Bench",
                media=(),
                body_hash=text_hash(text),
                body_sketch=sketch(text),
                card_templates=("Recall",),
                content_hash=text_hash(f"{heading}|{body}"),
                sort_field=(heading, 0),
            )
        )
    return notes


def huge_rename(sizes: Sequence[int], runs: int) -> None:
    print("one file renamed (huge.md → renamed/huge.md):")
    for size in sizes:
        huge_rename_once(size, runs)


def huge_rename_once(size: int, runs: int) -> None:
    notes = huge_file(size, random.Random(size))
    first = plan(notes, None, T1)
    renamed = [moved(note, "huge.md", "renamed/huge.md") for note in notes]
    renamed_time = best_of(runs, lambda: plan(renamed, first.lock, T2))
    unchanged = best_of(runs, lambda: plan(notes, first.lock, T2))
    share = kept_share(first, plan(renamed, first.lock, T2))
    print(
        f"  {size:>7,} headings: renamed {seconds(renamed_time)} "
        f"({renamed_time[1] / size * 1e6:5.1f} µs CPU/section); "
        f"unchanged {seconds(unchanged)}; GUIDs kept: {share:.1%}"
    )


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--files", type=int, default=2400)
    parser.add_argument("--headings", type=int, default=200_000)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args(argv)
    folder_rename(args.files, args.runs)
    sizes = sorted({max(1, args.headings // 8), args.headings // 4, args.headings // 2})
    huge_rename([*sizes, args.headings], args.runs)
    return 0


if __name__ == "__main__":
    sys.exit(main())
