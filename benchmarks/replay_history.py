"""Replay a notes repository's git history through ``flashgen build``, commit by commit.

Each sampled commit's tree is extracted into one notes folder and built against the
lockfile the build before wrote (with the incremental cache, as a user's builds run). After
each build it counts:

- **duplicate GUIDs**: one GUID on two live notes of a package (must be 0);
- **continuing sections**: sections whose heading and rendered answer occur exactly once in
  the vault before and after (whatever their file or parent), and how many of them got a
  different note. Such a section continues by design §5, unless the place it came from is
  still live with other content (a copy into an archive file while the original is
  rewritten: the same-key rule keeps the note at the original place); those are listed.

Usage::

    python -m benchmarks.replay_history REPO WORK [--samples 40]

REPO is a git repository (a bare mirror is fine); WORK a scratch folder it may empty.
"""

from __future__ import annotations

import argparse
import shutil
import subprocess
import sys
from collections import Counter
from collections.abc import Sequence
from pathlib import Path

from flashgen.build import BuildOptions, build_deck
from flashgen.config import DeckConfig
from flashgen.errors import FlashgenError
from flashgen.plan import PlannedNote

START = 1_800_000_000
_Content = tuple[str, str]


def sampled_commits(repo: Path, samples: int) -> list[str]:
    listing = subprocess.run(
        ["git", "-C", str(repo), "rev-list", "--reverse", "HEAD"],
        capture_output=True,
        text=True,
        check=True,
    )
    commits = listing.stdout.split()
    step = max(1, len(commits) // samples)
    chosen = commits[::step][:samples]
    return chosen if chosen[-1] == commits[-1] else [*chosen, commits[-1]]


def extract(repo: Path, commit: str, into: Path) -> bool:
    """The commit's tree in ``into``; False if the mirror lacks some of its objects."""
    shutil.rmtree(into, ignore_errors=True)
    into.mkdir(parents=True)
    archive = subprocess.run(["git", "-C", str(repo), "archive", commit], capture_output=True)
    if archive.returncode:
        return False
    subprocess.run(["tar", "-x", "-C", str(into)], input=archive.stdout, check=True)
    return True


def unique_contents(notes: list[PlannedNote]) -> dict[_Content, PlannedNote]:
    """Each note whose heading and answer no other note has, by that content."""
    by_content: dict[_Content, list[PlannedNote]] = {}
    for note in notes:
        by_content.setdefault((note.heading, note.fields.answer), []).append(note)
    return {content: found[0] for content, found in by_content.items() if len(found) == 1}


def replay(repo: Path, work: Path, samples: int) -> Counter[str]:
    notes_dir = work / "notes"
    config = DeckConfig(name="Replay", notes_dir=notes_dir, output=work / "out" / "replay.apkg")
    shutil.rmtree(work, ignore_errors=True)
    totals: Counter[str] = Counter()
    before: dict[_Content, PlannedNote] | None = None
    for number, commit in enumerate(sampled_commits(repo, samples)):
        if not extract(repo, commit, notes_dir):
            totals["commits skipped (objects missing)"] += 1
            continue
        try:
            result = build_deck(config, BuildOptions(now=START + number * 86_400))
        except FlashgenError as exc:
            totals["builds that failed"] += 1
            print(f"{commit[:8]} failed: {exc}")
            continue
        live = [note for note in result.plan.notes if note.status != "removed"]
        guids = Counter(note.guid for note in live)
        totals["duplicate GUIDs"] += sum(count - 1 for count in guids.values() if count > 1)
        after = unique_contents(live)
        print(f"{commit[:8]} {result.plan.report.summary()}")
        if before is not None:
            live_keys = {note.key for note in live}
            for content, note in after.items():
                old = before.get(content)
                if old is None:
                    continue
                totals["continuing sections"] += 1
                if old.guid == note.guid:
                    continue
                if old.key in live_keys:
                    totals["... new note, the original place still live (a copy)"] += 1
                else:
                    totals["... new note (lost)"] += 1
                    print(f"   lost: {old.key} → {note.key}")
        before = after
    return totals


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("repo", type=Path)
    parser.add_argument("work", type=Path)
    parser.add_argument("--samples", type=int, default=40)
    args = parser.parse_args(argv)
    for name, count in replay(args.repo, args.work, args.samples).items():
        print(f"{name}: {count}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
