"""Deck-wide checks that need every file at once: references, duplicates, odd headings."""

from collections import defaultdict
from collections.abc import Iterable

from flashgen.errors import Diagnostic
from flashgen.fill import NoteContent
from flashgen.render import RenderedFile
from flashgen.split import ParsedDocument

LONGEST_PROMPT = 300


def dangling_references(files: Iterable[RenderedFile]) -> list[Diagnostic]:
    """``Term^`` must name a heading somewhere in the deck."""
    files = list(files)
    titles = frozenset().union(*(file.titles for file in files))
    return [
        Diagnostic(
            section.section.relpath, line, "warning", f"cross-reference {term}^ points nowhere"
        )
        for file in files
        for section in file.sections
        for term, line in section.xrefs
        if term.casefold() not in titles
    ]


def duplicate_prompts(notes: Iterable[NoteContent]) -> list[Diagnostic]:
    """Two cards with the same question in one deck cannot be told apart when studying."""
    seen: dict[tuple[str, str, str], list[NoteContent]] = defaultdict(list)
    for note in notes:
        seen[(note.deck, note.fields[0], note.fields[2])].append(note)
    return [
        Diagnostic(
            note.relpath,
            note.line,
            "warning",
            f"duplicate prompt '{note.heading}' in deck {note.deck} (also at {first.location})",
        )
        for first, *others in seen.values()
        for note in others
    ]


def heading_problems(documents: Iterable[ParsedDocument]) -> list[Diagnostic]:
    """Headings too long to be a prompt, and leaf headings with nothing under them."""
    problems: list[Diagnostic] = []
    for parsed in documents:
        sections = parsed.sections
        for index, section in enumerate(sections):
            if len(section.heading) > LONGEST_PROMPT:
                problems.append(
                    Diagnostic(
                        section.relpath,
                        section.line,
                        "warning",
                        f"heading is {len(section.heading)} characters long: "
                        "too long to be a good prompt",
                    )
                )
            is_leaf = index + 1 == len(sections) or sections[index + 1].level <= section.level
            if not section.has_content and is_leaf and not section.ignored:
                problems.append(
                    Diagnostic(
                        section.relpath,
                        section.line,
                        "warning",
                        f"section '{section.heading[:80]}' has no answer: no card made",
                    )
                )
    return problems
