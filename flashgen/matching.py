"""Which lockfile entry each section continues (design §5): files first, then sections.

Matching runs twice: against the entries that are live, then against the removed ones (a
live continuation always beats reviving a removed note). Each run has three steps, each over
what the earlier ones left:

1. **Same file, same heading path.** Sections that share a heading path in a file (two
   ``## Example``) are told apart by body, not by order, so inserting one before another
   does not shift history.
2. **Renamed files.** A file that is gone and a file that is new are the same file when most
   sections of one reappear in the other (same heading path and body, or the same
   distinctive body), as ``git diff -M`` would judge. Its sections are carried across by
   heading path as in step 1, edited bodies included. A renamed folder is many renamed
   files.
3. **Moved sections**, in rounds: the same distinctive body under another heading or in
   another file; then the same heading with an equal or similar body; then a similar
   heading with a similar body. A round pairs a section with an entry only when each is the
   other's one candidate; an ambiguous section falls through to the next round, and gets a
   warning (and a new GUID) only if no round settles it.

A body with nothing distinctive (only a rule, only a link) never decides a match alone.
Every step looks candidates up in an index, so matching takes time near-linear in the
number of sections.
"""

from collections import Counter, defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from difflib import SequenceMatcher
from pathlib import PurePosixPath
from typing import Literal, TypeVar

from flashgen.errors import Diagnostic
from flashgen.fill import NoteContent
from flashgen.identity import heading_path_of, similarity, sketch_values
from flashgen.lockfile import LockEntry

BODY_SIMILARITY = 0.5
HEADING_SIMILARITY = 0.6
SMALL_EDIT_BODY = 0.25
"""The least body similarity a small edit of heading and body together may have."""
FILE_SIMILARITY = 0.5
"""Share of a file's sections that must reappear together for it to count as renamed."""
MAX_CANDIDATES = 64
"""A heading, body or shingle shared by more entries than this is too common to look up."""
_FILE_CANDIDATES = 8
"""Gone files scored against each new file, besides those of the same name."""
_GROUP_SIMILARITY_LIMIT = 64
"""Same-path groups larger than this (a file of hundreds of ``## Example``) skip the
pairwise body comparison and pair what is left by order."""


_T = TypeVar("_T")
_How = Literal["same", "renamed"]


@dataclass(frozen=True, slots=True)
class Match:
    entry: LockEntry
    how: _How


def match_entries(
    notes: list[NoteContent], entries: list[LockEntry]
) -> tuple[dict[str, Match], list[Diagnostic]]:
    """Pair sections with the lockfile entries they continue (see the module docstring)."""
    matching = _Matching(notes)
    live = [entry for entry in entries if entry.removed is None]
    removed = [entry for entry in entries if entry.removed is not None]
    matching.run(live)
    diagnostics = []
    if removed:
        continued_elsewhere = dict(matching.matches)
        matching.run(removed)
        diagnostics += _superseded(notes, continued_elsewhere, removed)
    diagnostics += matching.ambiguity_warnings()
    return matching.matches, diagnostics


@dataclass
class _Ambiguity:
    options: list[LockEntry]
    rivals: list[NoteContent]


@dataclass
class _Matching:
    notes: list[NoteContent]
    matches: dict[str, Match] = field(default_factory=dict)
    ambiguous: dict[str, _Ambiguity] = field(default_factory=dict)

    def run(self, entries: list[LockEntry]) -> None:
        if not entries:
            return
        taken: set[int] = set()

        def left() -> tuple[list[NoteContent], list[LockEntry]]:
            notes = [note for note in self.notes if note.key not in self.matches]
            return notes, [entry for entry in entries if id(entry) not in taken]

        def settle(pairs: Iterable[tuple[NoteContent, LockEntry]], how: _How) -> None:
            for note, entry in pairs:
                self.matches[note.key] = Match(entry, how)
                taken.add(id(entry))

        notes, rest = left()
        settle(_same_place(notes, entries), "same")
        if len(self.matches) == len(self.notes) or len(taken) == len(entries):
            return
        notes, rest = left()
        entry_files = {entry.file for entry in entries}
        gone = entry_files - {note.relpath for note in self.notes}
        for new_file, old_file in _renamed_files(notes, rest, gone, entry_files):
            settle(_pair_by_heading_path(new_file, old_file), "renamed")
        for same_section in _ROUNDS:
            notes, rest = left()
            if not notes or not rest:
                return
            unique, ambiguous = _round(notes, rest, same_section)
            settle(unique, "renamed")
            for key, ambiguity in ambiguous.items():
                self.ambiguous.setdefault(key, ambiguity)

    def ambiguity_warnings(self) -> list[Diagnostic]:
        if not self.ambiguous:
            return []
        by_key = {note.key: note for note in self.notes}
        return [
            _ambiguity(by_key[key], ambiguity)
            for key, ambiguity in self.ambiguous.items()
            if key not in self.matches
        ]


def _by_file(items: Iterable[_T], file_of: Callable[[_T], str]) -> dict[str, list[_T]]:
    grouped: dict[str, list[_T]] = defaultdict(list)
    for item in items:
        grouped[file_of(item)].append(item)
    return grouped


def _same_place(
    notes: list[NoteContent], entries: list[LockEntry]
) -> list[tuple[NoteContent, LockEntry]]:
    """Step 1. Most sections have a key no sibling shares and are paired by key at once;
    the others (a key with an occurrence number, or one that gained or lost a sibling) are
    paired by heading path within their file."""
    by_key = {entry.key: entry for entry in entries}
    note_keys = {note.key for note in notes}
    pairs: list[tuple[NoteContent, LockEntry]] = []
    crowded: list[NoteContent] = []
    for note in notes:
        key = note.key
        sibling = f"{key} [2]"
        if key.endswith("]") or sibling in by_key or sibling in note_keys:
            crowded.append(note)
        elif (entry := by_key.get(key)) is not None:
            pairs.append((note, entry))
    if crowded:
        taken = {id(entry) for _, entry in pairs}
        files = {note.relpath for note in crowded}
        in_files = _by_file(
            (e for e in entries if e.file in files and id(e) not in taken), lambda e: e.file
        )
        for relpath, in_file in _by_file(crowded, lambda note: note.relpath).items():
            if relpath in in_files:
                pairs += _pair_by_heading_path(in_file, in_files[relpath])
    return pairs


def _pair_by_heading_path(
    notes: list[NoteContent], entries: list[LockEntry]
) -> list[tuple[NoteContent, LockEntry]]:
    """Pair one file's sections with one file's entries by heading path; where a path occurs
    more than once, by equal body, then by similar body, and only then by order."""
    entry_groups = _by_file(entries, lambda entry: heading_path_of(entry.key, entry.file))
    pairs: list[tuple[NoteContent, LockEntry]] = []
    for path, group in _by_file(notes, lambda n: heading_path_of(n.key, n.relpath)).items():
        olds = entry_groups.get(path)
        if not olds:
            continue
        if len(group) == 1 and len(olds) == 1:
            pairs.append((group[0], olds[0]))
            continue
        pairs += _pair_duplicates(group, list(olds))
    return pairs


def _pair_duplicates(
    notes: list[NoteContent], entries: list[LockEntry]
) -> list[tuple[NoteContent, LockEntry]]:
    """Siblings that share a heading path. While their number is unchanged their order is
    what tells them apart (an answer edit must not move history); when one was inserted or
    deleted, equal bodies in the same order anchor the rest."""
    if len(notes) == len(entries) or len(notes) * len(entries) > _GROUP_SIMILARITY_LIMIT**2:
        return list(zip(notes, entries, strict=False))
    matcher = SequenceMatcher(
        None, [entry.body for entry in entries], [note.body_hash for note in notes], False
    )
    pairs: list[tuple[NoteContent, LockEntry]] = []
    old_at = new_at = 0
    for block in matcher.get_matching_blocks():
        pairs += _pair_gap(notes[new_at : block.b], entries[old_at : block.a])
        pairs += zip(
            notes[block.b : block.b + block.size],
            entries[block.a : block.a + block.size],
            strict=True,
        )
        old_at, new_at = block.a + block.size, block.b + block.size
    return pairs


def _pair_gap(
    notes: list[NoteContent], entries: list[LockEntry]
) -> list[tuple[NoteContent, LockEntry]]:
    """Between two anchors: similar bodies, then order if the counts agree."""
    if len(notes) == len(entries):
        return list(zip(notes, entries, strict=True))
    pairs: list[tuple[NoteContent, LockEntry]] = []
    rest = list(entries)
    for note in notes:
        scored = [
            (similarity(note.body_sketch, entry.sketch), index) for index, entry in enumerate(rest)
        ]
        best = max(scored, default=None)
        if best is not None and best[0] >= BODY_SIMILARITY:
            pairs.append((note, rest.pop(best[1])))
    return pairs


def _renamed_files(
    notes: list[NoteContent], entries: list[LockEntry], gone: set[str], known: set[str]
) -> list[tuple[list[NoteContent], list[LockEntry]]]:
    """Pairs (sections of a new file, entries of a gone file) that are one renamed file.

    Candidates are the gone files that share the most sections with a new file, and the gone
    files of the same name (a renamed folder keeps its files' names, which finds even files
    whose sections are all alike, such as daily notes made from one template); each is then
    scored by how many sections the two files have in common.
    """
    old_files = _by_file((e for e in entries if e.file in gone), lambda entry: entry.file)
    new_files = _by_file((n for n in notes if n.relpath not in known), lambda n: n.relpath)
    if not old_files or not new_files:
        return []
    old_tokens = {
        file: _file_tokens((heading_path_of(e.key, file), e.body, e.sketch) for e in olds)
        for file, olds in old_files.items()
    }
    index: dict[tuple[str, ...], list[str]] = defaultdict(list)
    by_name: dict[str, list[str]] = defaultdict(list)
    for file, tokens in old_tokens.items():
        by_name[PurePosixPath(file).name].append(file)
        for token in tokens:
            index[token].append(file)
    scores: dict[tuple[str, str], float] = {}
    for file, news in new_files.items():
        tokens = _file_tokens(
            (heading_path_of(n.key, file), n.body_hash, n.body_sketch) for n in news
        )
        shared: Counter[str] = Counter()
        for token in tokens:
            holders = index.get(token, ())
            if len(holders) <= MAX_CANDIDATES:
                shared.update(holders)
        candidates = dict.fromkeys(old for old, _ in shared.most_common(_FILE_CANDIDATES))
        candidates.update(dict.fromkeys(by_name.get(PurePosixPath(file).name, ())))
        for old in candidates:
            score = _in_common(tokens, old_tokens[old]) / max(len(news), len(old_files[old]))
            if score >= FILE_SIMILARITY:
                scores[(file, old)] = score
    return [(new_files[new], old_files[old]) for new, old in _mutual_best(scores)]


def _file_tokens(sections: Iterable[tuple[str, str, str]]) -> Counter[tuple[str, ...]]:
    """Each section as (heading path, body), and as its body alone if that is distinctive."""
    tokens: Counter[tuple[str, ...]] = Counter()
    for heading_path, body, sketch in sections:
        tokens[(heading_path, body)] += 1
        if sketch:
            tokens[(body,)] += 1
    return tokens


def _in_common(new: Counter[tuple[str, ...]], old: Counter[tuple[str, ...]]) -> int:
    """How many sections two files share: by heading path and body, or by distinctive body
    (the headings of a renamed file may have been renamed too), whichever finds more."""
    by_path = by_body = 0
    for token, count in new.items():
        shared = min(count, old.get(token, 0))
        if len(token) == 2:
            by_path += shared
        else:
            by_body += shared
    return max(by_path, by_body)


def _mutual_best(scores: dict[tuple[str, str], float]) -> list[tuple[str, str]]:
    """The pairs that are each side's one best, with no tie."""
    best_new: dict[str, list[tuple[float, str]]] = defaultdict(list)
    best_old: dict[str, list[tuple[float, str]]] = defaultdict(list)
    for (new, old), score in scores.items():
        best_new[new].append((score, old))
        best_old[old].append((score, new))

    def unique_best(options: list[tuple[float, str]]) -> str | None:
        options.sort(reverse=True)
        if len(options) > 1 and options[1][0] == options[0][0]:
            return None
        return options[0][1]

    chosen_old = {old: unique_best(options) for old, options in best_old.items()}
    pairs = []
    for new, options in sorted(best_new.items()):
        best = unique_best(options)
        if best is not None and chosen_old.get(best) == new:
            pairs.append((new, best))
    return pairs


@dataclass(frozen=True)
class _Round:
    note_keys: Callable[[NoteContent], list[str]]
    entry_keys: Callable[[LockEntry], list[str]]
    accept: Callable[[NoteContent, LockEntry], bool]


def _heading_form(heading: str) -> str:
    """A heading as matching compares it: case and spacing (``TCP 和 UDP``) do not count."""
    return "".join(heading.casefold().split())


def _similar_bodies(note: NoteContent, entry: LockEntry) -> bool:
    return similarity(note.body_sketch, entry.sketch) >= BODY_SIMILARITY


def _small_edit(note: NoteContent, entry: LockEntry) -> bool:
    """A small edit of heading and body together: both similar, and the closer the heading,
    the more the body may have changed (a short answer loses half its word triples to one
    changed word)."""
    body = similarity(note.body_sketch, entry.sketch)
    if body < SMALL_EDIT_BODY:
        return False
    matcher = SequenceMatcher(None, _heading_form(note.heading), _heading_form(entry.heading))
    if matcher.quick_ratio() < HEADING_SIMILARITY:
        return False
    heading = matcher.ratio()
    return heading >= HEADING_SIMILARITY and heading + body >= HEADING_SIMILARITY + BODY_SIMILARITY


_ROUNDS = (
    _Round(
        lambda note: [note.body_hash] if note.body_sketch else [],
        lambda entry: [entry.body],
        lambda note, entry: True,
    ),
    _Round(
        lambda note: [_heading_form(note.heading)],
        lambda entry: [_heading_form(entry.heading)],
        lambda note, entry: note.body_hash == entry.body or _similar_bodies(note, entry),
    ),
    _Round(
        lambda note: sketch_values(note.body_sketch),
        lambda entry: sketch_values(entry.sketch),
        _small_edit,
    ),
)


def _round(
    notes: list[NoteContent], entries: list[LockEntry], same_section: _Round
) -> tuple[list[tuple[NoteContent, LockEntry]], dict[str, _Ambiguity]]:
    """Pairs whose two sides have no other candidate; the rest, with what made them unsure."""
    index: dict[str, list[LockEntry]] = defaultdict(list)
    for entry in entries:
        for key in dict.fromkeys(same_section.entry_keys(entry)):
            index[key].append(entry)
    options: dict[str, list[LockEntry]] = {}
    wanted_by: dict[int, list[NoteContent]] = defaultdict(list)
    by_key: dict[str, NoteContent] = {}
    for note in notes:
        found: dict[int, LockEntry] = {}
        for key in same_section.note_keys(note):
            holders = index.get(key, ())
            if len(holders) <= MAX_CANDIDATES:
                found.update((id(entry), entry) for entry in holders)
        accepted = [entry for entry in found.values() if same_section.accept(note, entry)]
        if accepted:
            options[note.key] = accepted
            by_key[note.key] = note
            for entry in accepted:
                wanted_by[id(entry)].append(note)
    unique: list[tuple[NoteContent, LockEntry]] = []
    ambiguous: dict[str, _Ambiguity] = {}
    for key, accepted in options.items():
        note = by_key[key]
        rivals = list(
            {
                other.key: other
                for entry in accepted
                for other in wanted_by[id(entry)]
                if other.key != key
            }.values()
        )
        if len(accepted) == 1 and not rivals:
            unique.append((note, accepted[0]))
        else:
            ambiguous[key] = _Ambiguity(accepted, rivals)
    return unique, ambiguous


def _ambiguity(note: NoteContent, ambiguity: _Ambiguity) -> Diagnostic:
    places = " or ".join(f"'{e.heading}' (was in {e.file})" for e in ambiguity.options)
    message = f"ambiguous match: '{note.heading}' could continue {places}"
    if ambiguity.rivals:
        others = ", ".join(f"'{r.heading}' ({r.location})" for r in ambiguity.rivals)
        message += f", as could {others}"
    return Diagnostic(
        note.relpath,
        note.line,
        "warning",
        message + "; given a new GUID (the old note keeps its review history)",
    )


def _superseded(
    notes: list[NoteContent], live_matches: dict[str, Match], removed: list[LockEntry]
) -> list[Diagnostic]:
    """Sections back where a removed note was, that continue a live note from elsewhere
    (a folder renamed and renamed back): the live note, studied last, is kept."""
    removed_keys = {entry.key: entry for entry in removed}
    diagnostics = []
    for note in notes:
        match = live_matches.get(note.key)
        if match is None or match.entry.key == note.key or note.key not in removed_keys:
            continue
        diagnostics.append(
            Diagnostic(
                note.relpath,
                note.line,
                "warning",
                f"'{note.heading}' is back where a removed note was, and also continues "
                f"'{match.entry.heading}' (was in {match.entry.file}): keeping that note, "
                f"studied last; the older one stays tagged removed",
            )
        )
    return diagnostics
