"""The preview sink: the planned deck as static HTML pages (``flashgen.preview``).

Unlike the other sinks it is not committed: a preview shows what the next build would give
Anki and records nothing, so ``flashgen preview`` plans the build and hands it straight to
``PreviewSink.deliver`` — no build lock, no lockfile, no cache written.
"""

import time
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from flashgen.preview import Skipped, preview_cards, preview_notes, write_preview
from flashgen.sinks import Delivery

if TYPE_CHECKING:
    from flashgen.build import BuildPlan


@dataclass(frozen=True)
class PreviewSink:
    folder: Path
    """The site's folder, replaced whole (``X.preview`` beside the package by default)."""
    live: bool = False
    """Pages reload themselves when a later delivery replaces the site (``watch --preview``)."""

    def deliver(self, build: "BuildPlan") -> Delivery:
        cards = preview_cards(preview_notes(build.plan), build.templates)
        write_preview(
            self.folder,
            build.config.name,
            cards,
            build.plan.media,
            built=time.strftime("%Y-%m-%d %H:%M"),
            live=self.live,
            skipped=[
                Skipped(
                    source=f"{entry.path}:{entry.line}" if entry.line else entry.path,
                    heading=entry.heading or "(the text before the first heading)",
                    why=entry.message(),
                )
                for entry in build.skipped
            ],
        )
        return Delivery(f"{len(cards)} cards — wrote {self.folder / 'index.html'}")
