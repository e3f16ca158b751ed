"""Where a planned build goes: each delivery is a *sink* behind one small interface.

``commit(build, sink)`` (``flashgen.commit``) takes the build lock, hands the plan to the
sink, then records the lockfile and the cache. A sink only reads the plan: the notes with
their GUIDs, ``mod`` times, fields (``NoteFields``), tags, decks, card templates and media,
and the notetype's templates. The ``.apkg`` writer (``sinks.apkg``) is one sink; Anki's
collection, AnkiConnect and a preview site are others. See docs/sinks.md.
"""

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Protocol

if TYPE_CHECKING:
    from flashgen.build import BuildPlan


@dataclass(frozen=True)
class Delivery:
    """What a sink did with a plan."""

    summary: str
    """One line for the user, e.g. ``wrote decks/n.apkg`` or ``Anki: 3 added, …``."""
    changed: bool = True
    """False when the destination already held exactly what the plan describes."""
    memo: Mapping[str, str] = field(default_factory=dict)
    """Small facts the sink wants back on the next build (``BuildPlan.memo``): commit stores
    them in the deck's cache."""


class Sink(Protocol):
    """A destination for a planned build."""

    def deliver(self, build: "BuildPlan") -> Delivery:
        """Bring the planned deck to the destination, all or nothing where the destination
        allows it; raise a ``FlashgenError`` when it cannot (nothing else may escape)."""
        ...
