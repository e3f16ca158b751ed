"""The command line: options become a DeckConfig, one library call, a summary."""

import json
import sys
import time
from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import ExitStack, contextmanager
from dataclasses import asdict, replace
from pathlib import Path
from typing import Any, TypeVar

import click

from flashgen import __version__
from flashgen.account import account_summary
from flashgen.build import BuildOptions, BuildPlan, BuildResult, Progress, build_deck, plan_build
from flashgen.config import (
    SUBDECK_MODES,
    DeckConfig,
    load_deck_definition,
    lockfile_for,
    with_overrides,
)
from flashgen.errors import Diagnostic, FlashgenError, StrictModeError
from flashgen.lockfile import LOCKFILE_PATH, load_lock, merge_lock_files
from flashgen.preview import preview_folder
from flashgen.sinks.preview import PreviewSink
from flashgen.vault import default_deck_name, file_stem, init_deck

DECKS_DIR = Path("decks")
PROGRESS_AFTER_SECONDS = 1.0
_T = TypeVar("_T")


def main() -> None:
    cli(prog_name="flashgen")


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="flashgen")
def cli() -> None:
    """Turn a vault of Markdown notes into Anki decks you can regenerate and re-import.

    \b
    Example:
      flashgen build                      # every decks/*.toml
      flashgen build notes/ -o notes.apkg --deck "Notes::Systems"
      flashgen check notes/ --strict
    """


_TARGETS = click.argument("targets", nargs=-1, type=click.Path(exists=True, path_type=Path))
WRITTEN_OUTPUT = "The .apkg to write (its lockfile X.lock.json sits beside it)."
COMPARED_OUTPUT = (
    "The .apkg a build would write: its lockfile (X.lock.json) is what this compares with. "
    "Nothing is written."
)
_DECK_OPTIONS = [
    click.option("--deck", "deck_name", help="Anki deck name (use :: for subdecks)."),
    click.option(
        "--media-root",
        type=click.Path(exists=True, file_okay=False, path_type=Path),
        help="Where /img/a.png resolves; media outside it is refused.",
    ),
    click.option(
        "--templates",
        "templates_dir",
        type=click.Path(file_okay=False, path_type=Path),
        help="Folder of card templates overriding the packaged ones.",
    ),
    click.option(
        "--subdecks",
        type=click.Choice(SUBDECK_MODES),
        help="One subdeck per folder, first category or file.",
    ),
    click.option(
        "--term-cards/--no-term-cards", default=None, help="Term cards for bilingual headings."
    ),
    click.option(
        "--allow-unsafe-html",
        is_flag=True,
        default=None,
        help="Keep scripts and event handlers in raw HTML.",
    ),
    click.option(
        "--follow-symlinks-outside",
        is_flag=True,
        default=None,
        help="Read notes that are symlinks to files outside the notes folder.",
    ),
    click.option(
        "--allow-output-anywhere",
        is_flag=True,
        default=None,
        help="Write the package inside the notes folder or outside the deck's project.",
    ),
]


def deck_options(output_help: str | None) -> Callable[[Any], Any]:
    """The targets and deck options every command shares; ``-o`` is the package (its help
    says what the command does with it), unless ``output_help`` is None."""

    def decorate(function: Any) -> Any:
        for option in reversed(_DECK_OPTIONS):
            function = option(function)
        if output_help is not None:
            function = click.option(
                "-o", "--output", type=click.Path(path_type=Path), help=output_help
            )(function)
        return _TARGETS(function)

    return decorate


@cli.command()
@deck_options(WRITTEN_OUTPUT)
@click.option("--dry-run", is_flag=True, help="Report what would change; write nothing.")
@click.option("--strict", is_flag=True, help="Fail (and write nothing) on any warning.")
@click.option("-q", "--quiet", is_flag=True, help="Print errors only.")
@click.option("-v", "--verbose", is_flag=True, help="List the notes in each change group.")
@click.option(
    "--no-cache", is_flag=True, help="Build every file again (ignore the incremental cache)."
)
@click.option(
    "-j", "--jobs", type=click.IntRange(min=1), help="Worker processes (default: one per CPU)."
)
def build(
    targets: tuple[Path, ...], dry_run: bool, strict: bool, quiet: bool, verbose: bool,
    no_cache: bool, jobs: int | None, **overrides: Any,
) -> None:
    """Build .apkg packages from deck definitions or notes folders.

    Exit status: 0 built (maybe with warnings); 1 some files had errors and were skipped
    (the package was written with the rest), or a deck failed as a whole; 2 usage error.

    \b
    Example:
      flashgen build                       # every decks/*.toml
      flashgen build decks/systems.toml
      flashgen build ~/notes -o notes.apkg --deck Notes --media-root ~/blog
    """
    options = BuildOptions(dry_run=dry_run, strict=strict, cache=not no_cache, jobs=jobs)
    skipped = 0
    decks = _Decks(quiet)
    for config, result in decks.run(
        _configs(targets, overrides),
        lambda config, progress: build_deck(config, options, progress),
    ):
        _print_diagnostics(result.diagnostics, config, quiet)
        if not quiet:
            _print_summary(result, verbose)
        skipped += len(_unique(result.errors))
    if skipped:
        written = "would be written" if dry_run else "was written"
        raise click.ClickException(
            f"{skipped} error(s) (see above): those files were skipped, "
            f"the package {written} with the rest of the notes"
        )
    if decks.failed:
        sys.exit(1)


_ANKI_OPTIONS = [
    click.option(
        "--anki-connect", "anki_connect", metavar="URL",
        help="Sync through AnkiConnect at URL (default when it answers: http://127.0.0.1:8765).",
    ),
    click.option(
        "--collection", type=click.Path(dir_okay=False, path_type=Path),
        help="Sync into this collection file (Anki must be closed).",
    ),
    click.option("--profile", metavar="NAME", help="Sync into this Anki profile's collection."),
    click.option("--keep-removed", is_flag=True, help="Tag removed sections' notes, never delete."),
    click.option("--yes", is_flag=True, help="Delete even more notes than the safety limit."),
]


def anki_options(function: Any) -> Any:
    for option in reversed(_ANKI_OPTIONS):
        function = option(function)
    return function


@cli.command()
@deck_options(WRITTEN_OUTPUT)
@anki_options
@click.option("--dry-run", is_flag=True, help="Say what would change; change nothing.")
@click.option(
    "--check", "check_only", is_flag=True,
    help="Like --dry-run, but exit 1 when Anki does not hold the deck as built.",
)
@click.option("--strict", is_flag=True, help="Fail (and change nothing) on any warning.")
@click.option("-q", "--quiet", is_flag=True, help="Print errors only.")
@click.option("--no-cache", is_flag=True, help="Build every file again.")
@click.option(
    "-j", "--jobs", type=click.IntRange(min=1), help="Worker processes (default: one per CPU)."
)
def sync(
    targets: tuple[Path, ...], anki_connect: str | None, collection: Path | None,
    profile: str | None, keep_removed: bool, yes: bool, dry_run: bool, check_only: bool,
    strict: bool, quiet: bool, no_cache: bool, jobs: int | None, **overrides: Any,
) -> None:
    """Build, then bring the deck into your Anki: new and changed notes imported as File →
    Import would (review history kept, edits made in Anki to unchanged notes kept), notes of
    removed sections deleted.

    Which Anki: --anki-connect, --collection or --profile; with none, AnkiConnect when it
    answers at http://127.0.0.1:8765, else the only Anki profile's collection.

    Exit status: 0 synced (or, with --check, Anki holds the deck as built); 1 an error, a
    refused sync (more deletions than the safety limit, see --yes), or with --check a
    difference; 2 usage error.

    \b
    Example:
      flashgen sync                        # every decks/*.toml, into the Anki that is open
      flashgen sync decks/systems.toml --profile "User 1"
      flashgen sync ~/notes --collection ~/anki/collection.anki2 --dry-run
    """
    from flashgen.sinks.anki import SyncOptions
    from flashgen.sync import AnkiChoice, open_anki, sync_deck

    options = BuildOptions(strict=strict, cache=not no_cache, jobs=jobs)
    sync_options = SyncOptions(keep_removed=keep_removed, yes=yes, dry_run=dry_run or check_only)
    configs = _configs(targets, overrides)
    differs = 0
    decks = _Decks(quiet)
    with ExitStack() as stack:
        destination = _run(
            lambda: stack.enter_context(open_anki(AnkiChoice(anki_connect, collection, profile)))
        )
        for config, (result, delivery) in decks.run(
            configs,
            lambda config, progress: sync_deck(
                config, destination, options, sync_options, progress
            ),
        ):
            _print_diagnostics(result.diagnostics, config, quiet)
            if not quiet:
                _print_summary(result, verbose=False)
                click.echo(delivery.summary)
            differs += delivery.changed
    if decks.failed or (check_only and differs):
        sys.exit(1)


@cli.command()
@deck_options(WRITTEN_OUTPUT)
@click.option("--sync", "then_sync", is_flag=True, help="Sync into Anki after each build.")
@click.option(
    "--preview",
    "then_preview",
    is_flag=True,
    help="Also write the preview (X.preview/ beside the package); its open pages reload.",
)
@anki_options
@click.option("-q", "--quiet", is_flag=True, help="Print errors only.")
def watch(
    targets: tuple[Path, ...], then_sync: bool, then_preview: bool, anki_connect: str | None,
    collection: Path | None, profile: str | None, keep_removed: bool, yes: bool, quiet: bool,
    **overrides: Any,
) -> None:
    """Build (and with --sync, sync) now, then again whenever a note or image under the notes
    folder changes. Ctrl-C stops, after the build that is running, if any, has finished.

    \b
    Example:
      flashgen watch                       # every decks/*.toml
      flashgen watch ~/notes --sync        # into the Anki that is open
      flashgen watch --preview             # and keep decks/NAME.preview/ up to date
    """
    import threading

    from flashgen.sinks.anki import SyncOptions
    from flashgen.sync import AnkiChoice, open_anki, sync_deck
    from flashgen.watch import stop_on_interrupt, watch_decks

    configs = _configs(targets, overrides)
    choice = AnkiChoice(anki_connect, collection, profile)
    sync_options = SyncOptions(keep_removed=keep_removed, yes=yes)
    decks = _Decks(quiet)

    def build_all(touched: Sequence[DeckConfig]) -> None:
        for config, result in decks.run(
            touched, lambda config, progress: build_deck(config, BuildOptions(), progress)
        ):
            _print_diagnostics(result.diagnostics, config, quiet)
            if not quiet:
                _print_summary(result, verbose=False)

    def sync_all(touched: Sequence[DeckConfig]) -> None:
        try:
            with open_anki(choice) as destination:
                for config, (result, delivery) in decks.run(
                    touched,
                    lambda config, progress: sync_deck(
                        config, destination, BuildOptions(), sync_options, progress
                    ),
                ):
                    _print_diagnostics(result.diagnostics, config, quiet)
                    if not quiet:
                        _print_summary(result, verbose=False)
                        click.echo(delivery.summary)
        except FlashgenError as exc:
            decks.failed += _report_failure(exc)

    stop = threading.Event()
    folders = ", ".join(_shown_path(config.notes_dir) for config in configs)
    click.echo(f"Watching {folders} (Ctrl-C stops)", err=True)
    deliver = sync_all if then_sync else build_all

    def deliver_and_preview(touched: Sequence[DeckConfig]) -> None:
        deliver(touched)
        for config in touched:
            try:
                build = plan_build(config, BuildOptions())
                folder = Path(_shown_path(preview_folder(config.output).resolve()))
                summary = PreviewSink(folder, live=True).deliver(build).summary
            except FlashgenError as exc:
                decks.failed += _report_failure(exc)
                continue
            if not quiet:
                click.echo(f"{config.name}: preview: {summary}")

    with stop_on_interrupt(stop, lambda: click.echo("Stopping…", err=True)):
        watch_decks(configs, deliver_and_preview if then_preview else deliver, stop)


@cli.command()
@deck_options(COMPARED_OUTPUT)
@click.option("--strict", is_flag=True, help="Exit non-zero on warnings too.")
@click.option(
    "--format", "output_format", type=click.Choice(["text", "json"]), default="text",
    help="Diagnostics as text lines or one JSON list.",
)
def check(
    targets: tuple[Path, ...], strict: bool, output_format: str, **overrides: Any
) -> None:
    """Report every problem a build would, as path:line: severity: message. Writes nothing.

    Exit status: 0 no errors (warnings allowed unless --strict); 1 errors, or warnings with
    --strict, or a deck that could not be checked at all; 2 usage error.

    \b
    Example:
      flashgen check decks/systems.toml --strict
      flashgen check ~/notes --format json
    """
    diagnostics: list[Diagnostic] = []
    failed = 0
    for config in _configs(targets, overrides):
        try:
            result = plan_build(config)
        except FlashgenError as exc:
            failed += _report_failure(exc)
            continue
        found = _unique(result.diagnostics)
        diagnostics += [_located(d, config) for d in _sorted(found + _account_lines(result, found))]
    if output_format == "json":
        click.echo(json.dumps([asdict(d) for d in diagnostics], ensure_ascii=False, indent=1))
    else:
        for diagnostic in diagnostics:
            click.echo(str(diagnostic))
        counts = Counter(d.severity for d in diagnostics)
        infos = f", {counts['info']} info" if counts["info"] else ""
        click.echo(f"{counts['error']} error(s), {counts['warning']} warning(s){infos}", err=True)
    problems = [d for d in diagnostics if d.severity != "info"]
    if failed or any(d.severity == "error" for d in problems) or (strict and problems):
        sys.exit(1)


@cli.command(name="list")
@deck_options(COMPARED_OUTPUT)
@click.option("--json", "as_json", is_flag=True, help="One JSON document instead of lines.")
def list_cards(targets: tuple[Path, ...], as_json: bool, **overrides: Any) -> None:
    """List the cards a build would make: prompt, source, card types.

    \b
    Example:
      flashgen list ~/notes
      flashgen list decks/systems.toml --json | jq '.[].prompt'
    """
    rows: list[dict[str, Any]] = []
    skipped: list[dict[str, Any]] = []
    for config in _configs(targets, overrides):
        result = _run(lambda c=config: plan_build(c))
        for note in result.plan.notes:
            if note.status != "removed":
                rows.append(
                    {
                        "prompt": note.heading,
                        "source": note.location,
                        "deck": note.deck,
                        "cards": list(note.card_templates),
                        "guid": note.guid,
                        "no_card": None,
                    }
                )
        skipped += [
            {
                "prompt": entry.heading,
                "source": f"{entry.path}:{entry.line}",
                "deck": None,
                "cards": [],
                "guid": None,
                "no_card": {"reason": entry.reason, "message": entry.message()},
            }
            for entry in result.skipped
        ]
    if as_json:
        click.echo(json.dumps(rows + skipped, ensure_ascii=False, indent=1))
        return
    for row in rows:
        click.echo(f"{row['source']}\t{row['prompt']}\t[{', '.join(row['cards'])}]")


@cli.command()
@click.option(
    "-o",
    "--output",
    "preview_dir",
    type=click.Path(file_okay=False, path_type=Path),
    help="The folder to write (default: beside the package, X.preview/).",
)
@deck_options(None)
@click.option("--open", "open_browser", is_flag=True, help="Open the index in a browser.")
def preview(
    targets: tuple[Path, ...], preview_dir: Path | None, open_browser: bool, **overrides: Any
) -> None:
    """Write the cards as Anki shows them, as HTML pages that work offline. Writes no package
    and no lockfile.

    \b
    Example:
      flashgen preview                     # every decks/*.toml → decks/NAME.preview/
      flashgen preview ~/notes --open
    """
    configs = _configs(targets, {**overrides, "output": None})
    if preview_dir and len(configs) > 1:
        raise click.UsageError("-o/--output needs exactly one TARGET")
    for config in configs:
        build = _run(lambda c=config: plan_build(c, BuildOptions()))
        _print_diagnostics(build.diagnostics, config, quiet=False)
        folder = Path(_shown_path((preview_dir or preview_folder(config.output)).resolve()))
        delivery = _run(lambda b=build, f=folder: PreviewSink(f).deliver(b))
        click.echo(f"{config.name}: {delivery.summary}")
        if open_browser:
            click.launch((folder / "index.html").resolve().as_uri())


@cli.command()
@click.argument(
    "notes_dir", default=".", type=click.Path(exists=True, file_okay=False, path_type=Path)
)
@click.option("--deck", "deck_name", help="Anki deck name (default: from the folder).")
def init(notes_dir: Path, deck_name: str | None) -> None:
    """Write decks/NAME.toml for a notes folder, and decks/.gitignore for what builds leave.

    The deck definition records the deck name, the notes folder and the media root found
    for it (the git work tree around the notes, else the notes folder); edit it, then build.
    An existing deck definition is never overwritten.

    \b
    Example:
      flashgen init ~/blog/_posts
      flashgen init . --deck "Notes::Systems"
    """
    result = _run(lambda: init_deck(notes_dir, DECKS_DIR, deck_name))
    definition = _shown_path(result.definition)
    origin = f" (named after {result.origin})" if deck_name is None else ""
    click.echo(
        f'wrote {definition}: deck "{result.deck}"{origin}, notes '
        f"{_shown_path(result.notes_dir)}, media root {_shown_path(result.media_root)}"
    )
    if result.ignore_lines_added:
        click.echo(
            f"wrote {_shown_path(result.ignore_file)}: ignores "
            f"{' '.join(result.ignore_lines_added)} (commit the .lock.json)"
        )
    click.echo(f"next: flashgen build {definition}, then import the .apkg in Anki (File → Import)")


@cli.group()
def lock() -> None:
    """Lockfile tools."""


@lock.command(name="merge")
@click.argument("base", type=click.Path(dir_okay=False, path_type=Path))
@click.argument("ours", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.argument("theirs", type=click.Path(exists=True, dir_okay=False, path_type=Path))
def lock_merge(base: Path, ours: Path, theirs: Path) -> None:
    """Merge THEIRS into OURS, note by note: git's merge driver for lockfiles.

    Each note's newest change wins; a GUID two notes claim stays with one of them, the
    same one on every machine. Exit status 1 (git then reports a conflict) if a side is
    not a lockfile.

    \b
    Set it up once per clone:
      echo '*.lock.json merge=flashgen-lock' >> .gitattributes
      git config merge.flashgen-lock.driver 'flashgen lock merge %O %A %B'
    """
    for diagnostic in _run(lambda: merge_lock_files(base, ours, theirs)):
        click.echo(f"{ours}: {diagnostic.severity}: {diagnostic.message}", err=True)


def _configs(targets: tuple[Path, ...], overrides: dict[str, Any]) -> list[DeckConfig]:
    output = overrides.pop("output")
    name = overrides.pop("deck_name")
    fields = {key: _absolute(value) for key, value in overrides.items()}
    if not targets:
        targets = tuple(sorted(DECKS_DIR.glob("*.toml")))
        if not targets:
            raise click.UsageError(
                "no TARGET given and no decks/*.toml here: name a notes folder or a deck file"
            )
    if output and len(targets) > 1:
        raise click.UsageError("-o/--output needs exactly one TARGET")
    for target in targets:
        if not target.is_dir() and target.suffix != ".toml":
            raise click.UsageError(
                f"{target} is neither a notes folder nor a deck definition (.toml)"
            )
    configs = []
    for target in targets:
        if target.is_dir():
            folder = target.resolve()
            config = with_overrides(_folder_config(folder, name, output), **fields)
            _say_where_the_deck_comes_from(folder, config, named=name is not None)
            configs.append(config)
        else:
            config = _run(lambda t=target: load_deck_definition(t))
            configs.append(
                with_overrides(
                    config,
                    name=name,
                    output=output.resolve() if output else None,
                    **fields,
                )
            )
    return configs


def _folder_config(folder: Path, name: str | None, output: Path | None) -> DeckConfig:
    """A notes folder given on the command line: the deck is ``--deck``, else the one its
    lockfile recorded (so ``check`` and ``list`` agree with the ``build`` before them), else a
    name from the folder."""
    default = default_deck_name(folder).name
    package = (output or Path(f"{file_stem(name or default)}.apkg")).resolve()
    return DeckConfig(
        name=name or _recorded_deck(lockfile_for(package)) or default,
        notes_dir=folder,
        output=package,
    )


def _recorded_deck(lockfile: Path) -> str | None:
    try:
        lock = load_lock(lockfile)
    except FlashgenError:
        return None  # the build itself reports a broken lockfile
    return lock.deck if lock else None


def _say_where_the_deck_comes_from(folder: Path, config: DeckConfig, named: bool) -> None:
    """On a first build, a deck name not taken from the folder itself is said; and a deck
    definition in decks/ for the same folder is pointed at (its options differ)."""
    derived = default_deck_name(folder)
    first_build = not config.lockfile.exists()
    if not named and first_build and derived.origin != "the notes folder":
        click.echo(
            f'deck "{derived.name}": named after {derived.origin} ({folder.name} is a '
            "generic folder name); --deck NAME chooses another",
            err=True,
        )
    for definition in sorted(DECKS_DIR.glob("*.toml")):
        try:
            defined = load_deck_definition(definition)
        except FlashgenError:
            continue
        if defined.notes_dir == folder:
            click.echo(
                f"hint: {definition.as_posix()} defines a deck from this folder with its own "
                f"name, media root and excludes: flashgen build {definition.as_posix()} "
                "builds that one",
                err=True,
            )


def _absolute(value: Any) -> Any:
    return value.resolve() if isinstance(value, Path) else value


def _run(call: Any) -> Any:
    try:
        return call()
    except FlashgenError as exc:
        raise click.ClickException(str(exc)) from exc


class _Decks:
    """Runs one library call per deck: a deck that fails as a whole is reported (with what
    ``--strict`` found) and counted, and the other decks go on."""

    def __init__(self, quiet: bool) -> None:
        self.quiet = quiet
        self.failed = 0

    def run(
        self, configs: Iterable[DeckConfig], call: Callable[[DeckConfig, Progress | None], _T]
    ) -> Iterator[tuple[DeckConfig, _T]]:
        for config in configs:
            try:
                with _progress(self.quiet) as progress:
                    value = call(config, progress)
            except StrictModeError as exc:
                _print_diagnostics(exc.diagnostics, config, quiet=False)
                self.failed += _report_failure(exc)
                continue
            except FlashgenError as exc:
                self.failed += _report_failure(exc)
                continue
            yield config, value


def _report_failure(error: FlashgenError) -> int:
    """A deck that failed as a whole: say why, and go on with the other decks."""
    click.echo(f"Error: {error}", err=True)
    return 1


@contextmanager
def _progress(quiet: bool) -> Iterator[Progress | None]:
    """A progress bar on stderr, only for a person watching a terminal, and only once a
    build has taken a second (a quick rebuild prints just its summary)."""
    if quiet or not sys.stderr.isatty():
        yield None
        return
    started = time.monotonic()
    with ExitStack() as stack:
        bars: list[Any] = []

        def advance(done: int, total: int) -> None:
            if not bars:
                if time.monotonic() - started < PROGRESS_AFTER_SECONDS:
                    return
                bars.append(
                    stack.enter_context(
                        click.progressbar(length=total, label="Building", file=sys.stderr)
                    )
                )
            bar = bars[0]
            bar.length = total
            bar.update(done - bar.pos)

        yield advance


def _print_diagnostics(
    diagnostics: Iterable[Diagnostic], config: DeckConfig, quiet: bool
) -> None:
    for diagnostic in _unique(diagnostics):
        if not quiet or diagnostic.severity == "error":
            click.echo(str(_located(diagnostic, config)), err=True)


def _unique(diagnostics: Iterable[Diagnostic]) -> list[Diagnostic]:
    """In file order, and the same problem found twice (a heading rendered as prompt and as
    term) only once."""
    return _sorted(dict.fromkeys(diagnostics))


def _sorted(diagnostics: Iterable[Diagnostic]) -> list[Diagnostic]:
    return sorted(diagnostics, key=lambda d: (d.path, d.line))


def _account_lines(result: BuildPlan, reported: list[Diagnostic]) -> list[Diagnostic]:
    """The account of what made no card, as info lines; not where a warning or error already
    speaks of the same place (an empty leaf heading, an unreadable file)."""
    spoken = {(d.path, d.line) for d in reported}
    spoken |= {(d.path, 0) for d in reported if d.severity == "error"}
    return [
        entry.diagnostic()
        for entry in result.skipped
        if (entry.path, entry.line) not in spoken
    ]


def _located(diagnostic: Diagnostic, config: DeckConfig) -> Diagnostic:
    """The diagnostic with a path the user can open from here: relative to the current
    folder when inside it, else absolute."""
    if diagnostic.path == LOCKFILE_PATH:
        path = config.lockfile
    else:
        path = config.notes_dir / diagnostic.path
    return replace(diagnostic, path=_shown_path(path))


def _shown_path(path: Path) -> str:
    try:
        return path.relative_to(Path.cwd().resolve()).as_posix()
    except ValueError:
        return path.as_posix()


def _print_summary(result: BuildResult, verbose: bool) -> None:
    report = result.plan.report
    cards = sum(len(n.card_templates) for n in result.plan.notes if n.status != "removed")
    target = _shown_path(result.config.output)
    if not result.written:
        action = f"would write {target}"
    elif result.up_to_date:
        action = f"{target} is up to date"
    else:
        action = f"wrote {target}"
    changes = report.summary()
    if not any(items for group, items in report.groups().items() if group != "unchanged"):
        changes = (
            f"{len(report.unchanged)} notes, none changed since "
            f"{_shown_path(result.config.lockfile)}"
        )
    click.echo(
        f"{result.config.name}: {changes} — {action} ({cards} cards from {result.files} files)"
    )
    if result.skipped:
        made = sum(1 for note in result.plan.notes if note.status != "removed")
        click.echo(f"  {account_summary(made, result.skipped)}")
    if verbose:
        for group, items in report.groups().items():
            if group != "unchanged":
                for item in items:
                    click.echo(f"  {group}: {item}")
        for entry in result.skipped:
            click.echo(f"  no card: {entry.path}:{entry.line}: {entry.message()}")
