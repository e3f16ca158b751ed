"""Property: any sequence of git merges of two lockfile histories gives a valid lockfile, and
no live note is marked removed (nor a GUID given to two notes) by the build that follows.

Two clones edit the same notes (edit an answer, rename a heading, remove and add sections)
and build after each edit; now and then one merges the other's lockfile the ways people do:
take ours, take theirs, "accept both", git's union merge, leave the conflict markers for
flashgen, or run flashgen's merge driver. The texts are merged by real ``git merge-file``.
"""

import hashlib
import subprocess
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st

from flashgen.fill import NoteContent
from flashgen.identity import sketch, text_hash
from flashgen.lockfile import Lock, lock_to_json, merge_lock_files, parse_lock
from flashgen.notetype import RECALL, NoteFields, sort_field
from flashgen.plan import plan_deck

FINGERPRINT = "0" * 64
START = 1_800_000_000


def note(key: str, body: str) -> NoteContent:
    relpath, heading = key.split(" › ")
    fields = NoteFields(heading, body, "", relpath, "", "", "")
    return NoteContent(
        key=key, relpath=relpath, line=1, heading=heading, fields=fields, tags=(), deck="D",
        media=(), body_hash=text_hash(body), body_sketch=sketch(body),
        card_templates=(RECALL,),
        content_hash=hashlib.sha256("\0".join(fields.content()).encode()).hexdigest()[:24],
        sort_field=sort_field(heading),
    )


@dataclass
class Clone:
    sections: dict[str, str] = field(default_factory=dict)
    text: str = ""

    def build(self, now: int) -> None:
        previous = parse_lock(self.text, Path("x.lock.json")).lock if self.text else None
        notes = [note(key, body) for key, body in sorted(self.sections.items())]
        plan = plan_deck("D", notes, previous, FINGERPRINT, now)
        guids = [planned.guid for planned in plan.notes]
        assert len(guids) == len(set(guids)), "a GUID given to two notes"
        live = set(self.sections)
        assert all(n.key not in live for n in plan.notes if n.status == "removed")
        self.text = plan.lock_text

    @property
    def lock(self) -> Lock:
        return parse_lock(self.text, Path("x.lock.json")).lock


class Histories:
    def __init__(self) -> None:
        self.clones = {"A": Clone(), "B": Clone()}
        self.base = ""
        self.now = START
        self.made = 0

    def tick(self) -> int:
        self.now += 60
        return self.now

    def fresh(self) -> str:
        self.made += 1
        return f"answer number {self.made} has several words in it"

    def edit(self, name: str, kind: str, pick: int) -> None:
        clone = self.clones[name]
        keys = sorted(clone.sections)
        if kind == "add" or not keys:
            clone.sections[f"f{pick % 3}.md › H{self.made}"] = self.fresh()
        else:
            key = keys[pick % len(keys)]
            if kind == "edit":
                clone.sections[key] = self.fresh()
            elif kind == "rename":
                clone.sections[key + "x"] = clone.sections.pop(key)
            else:
                del clone.sections[key]
        clone.build(self.tick())

    def merge(self, into: str, strategy: str, folder: Path) -> None:
        ours, theirs = self.clones[into], self.clones["B" if into == "A" else "A"]
        merged = merge_texts(self.base, ours.text, theirs.text, strategy, folder)
        path = folder / "merged.lock.json"
        lock = parse_lock(merged, path).lock if merged else None
        if lock is not None:
            check_merged(lock, ours, theirs)
        for key, body in theirs.sections.items():
            ours.sections.setdefault(key, body)
        self.base = theirs.text
        ours.text = lock_to_json(lock) if lock else ""
        ours.build(self.tick())


def check_merged(lock: Lock, ours: Clone, theirs: Clone) -> None:
    keys = [entry.key for entry in lock.entries]
    guids = [entry.guid for entry in lock.entries]
    assert len(keys) == len(set(keys)) and len(guids) == len(set(guids))
    sides = [side.lock for side in (ours, theirs) if side.text]
    known = {entry for side in sides for entry in side.entries}
    assert set(lock.entries) <= known, "a merge invented an entry"
    if len(sides) == 2:
        live = [{e.key: e.guid for e in side.entries if e.active} for side in sides]
        for key in live[0].keys() & live[1].keys():
            if live[0][key] == live[1][key]:
                entry = next(e for e in lock.entries if e.key == key)
                assert entry.guid == live[0][key] and entry.active, f"{key} lost its note"
    again = parse_lock(lock_to_json(lock), Path("x.lock.json"))
    assert again.lock == lock and again.diagnostics == ()


def merge_texts(base: str, ours: str, theirs: str, strategy: str, folder: Path) -> str:
    if strategy == "ours" or not theirs:
        return ours
    if strategy == "theirs" or not ours:
        return theirs
    paths = {}
    for name, text in (("base", base), ("ours", ours), ("theirs", theirs)):
        paths[name] = folder / f"{name}.lock.json"
        paths[name].write_text(text, "utf-8")
    if strategy == "driver":
        merge_lock_files(paths["base"], paths["ours"], paths["theirs"])
        return paths["ours"].read_text("utf-8")
    options = {"union": ["--union"], "markers": [], "diff3": ["--diff3"], "both": []}[strategy]
    done = subprocess.run(
        ["git", "merge-file", "-p", *options, str(paths["ours"]), str(paths["base"]),
         str(paths["theirs"])],
        capture_output=True, text=True,
    )
    assert done.returncode >= 0, done.stderr
    if strategy == "both":
        return "".join(
            line for line in done.stdout.splitlines(keepends=True)
            if not line.startswith(("<<<<<<<", "=======", ">>>>>>>"))
        )
    return done.stdout


STEPS = st.lists(
    st.one_of(
        st.tuples(st.sampled_from("AB"), st.sampled_from(["add", "edit", "rename", "remove"]),
                  st.integers(0, 20)),
        st.tuples(st.just("merge"), st.sampled_from("AB"),
                  st.sampled_from(["ours", "theirs", "both", "union", "markers", "diff3",
                                   "driver"])),
    ),
    min_size=1,
    max_size=14,
)


@settings(max_examples=60, deadline=None)
@given(first=st.integers(1, 4), steps=STEPS)
def test_any_sequence_of_merges_gives_a_valid_lockfile_and_no_live_note_removed(
    first: int, steps: list[tuple[str, str, object]]
) -> None:
    histories = Histories()
    start = histories.clones["A"]
    for index in range(first):
        start.sections[f"f{index % 3}.md › H{index}"] = histories.fresh()
    start.build(histories.tick())
    histories.clones["B"] = Clone(dict(start.sections), start.text)
    histories.base = start.text
    with tempfile.TemporaryDirectory() as scratch:
        for step in steps:
            if step[0] == "merge":
                histories.merge(step[1], str(step[2]), Path(scratch))
            else:
                histories.edit(step[0], step[1], int(str(step[2])))
