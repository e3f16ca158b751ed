"""One deck build, narrated top to bottom: discover → read → split → render → fill → plan → write.

Every stage but the last is a pure function of what the earlier ones returned (frozen values,
no shared context); only ``write_deck`` touches the output folder.
"""

import os
import time
from collections.abc import Callable
from contextlib import nullcontext
from dataclasses import dataclass

from markdown_it import MarkdownIt

from flashgen.checks import (
    dangling_references,
    duplicate_prompts,
    heading_problems,
    markdown_problems,
)
from flashgen.config import DeckConfig
from flashgen.discover import discover
from flashgen.errors import ConfigError, Diagnostic, StrictModeError
from flashgen.fill import fill_notes
from flashgen.lockfile import load_lock
from flashgen.markdown import make_markdown
from flashgen.media import MediaStore
from flashgen.plan import DeckPlan, plan_deck
from flashgen.read import read_document
from flashgen.render import render_document
from flashgen.split import split_document
from flashgen.templates import CardTemplates, load_card_templates
from flashgen.write import build_lock, write_deck

Progress = Callable[[int, int], None]


@dataclass(frozen=True)
class BuildOptions:
    dry_run: bool = False
    strict: bool = False
    now: int | None = None
    """The build's clock (Unix seconds); default: ``SOURCE_DATE_EPOCH``, else the time now."""


@dataclass(frozen=True)
class BuildResult:
    config: DeckConfig
    plan: DeckPlan
    diagnostics: tuple[Diagnostic, ...]
    files: int
    written: bool

    @property
    def errors(self) -> tuple[Diagnostic, ...]:
        return tuple(d for d in self.diagnostics if d.severity == "error")

    @property
    def warnings(self) -> tuple[Diagnostic, ...]:
        return tuple(d for d in self.diagnostics if d.severity == "warning")


def build_deck(
    config: DeckConfig, options: BuildOptions = BuildOptions(), progress: Progress | None = None
) -> BuildResult:
    if not config.notes_dir.is_dir():
        raise ConfigError(f"notes folder not found: {config.notes_dir}")
    templates = load_card_templates(config.templates_dir)
    md = make_markdown()
    now = options.now if options.now is not None else _clock()
    with nullcontext() if options.dry_run else build_lock(config.output):
        return _build(config, options, templates, md, now, progress)


def _build(
    config: DeckConfig,
    options: BuildOptions,
    templates: CardTemplates,
    md: MarkdownIt,
    now: int,
    progress: Progress | None,
) -> BuildResult:
    vault = discover(config.notes_dir, config.include, config.exclude, config.media_root)
    if not vault.sources:
        raise ConfigError(f"no Markdown notes found in {config.notes_dir}")
    store = MediaStore(vault)
    diagnostics: list[Diagnostic] = list(vault.diagnostics)
    unreadable: set[str] = set()
    parsed_files = []
    rendered_files = []
    for done, source in enumerate(vault.sources, start=1):
        read = read_document(source)
        diagnostics.extend(read.diagnostics)
        if read.document is None:
            if not read.opted_out:
                unreadable.add(source.relpath)
            continue
        parsed = split_document(read.document, md, config.levels, config.ignore_headings)
        rendered = render_document(parsed, md, store, config.allow_unsafe_html)
        diagnostics.extend(rendered.diagnostics)
        parsed_files.append(parsed)
        rendered_files.append(rendered)
        if progress:
            progress(done, len(vault.sources))
    notes = [note for rendered in rendered_files for note in fill_notes(rendered, config)]
    diagnostics += markdown_problems(parsed_files)
    diagnostics += heading_problems(parsed_files)
    diagnostics += dangling_references(rendered_files)
    diagnostics += duplicate_prompts(notes)

    plan = plan_deck(
        config.name,
        notes,
        load_lock(config.lockfile),
        templates.fingerprint(),
        now,
        unreadable_files=frozenset(unreadable),
        removed_grace_days=config.removed_grace_days,
    )
    diagnostics += plan.diagnostics
    if options.strict and diagnostics:
        raise StrictModeError(
            f"{len(diagnostics)} problem(s) reported and --strict is on: nothing written",
            tuple(diagnostics),
        )
    if not options.dry_run:
        write_deck(plan, templates, config.output, config.lockfile)
    return BuildResult(
        config=config,
        plan=plan,
        diagnostics=tuple(diagnostics),
        files=len(vault.sources),
        written=not options.dry_run,
    )


def _clock() -> int:
    epoch = os.environ.get("SOURCE_DATE_EPOCH", "").strip()
    return int(epoch) if epoch.isdigit() else int(time.time())
