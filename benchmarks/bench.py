"""Benchmark ``flashgen build`` against its floor: markdown-it-py parsing the same vault.

One run generates a synthetic vault (``make_vault.py``: 240 files ≈ a real 2.8 MB,
3,600-section vault), then measures

* the **floor**: ``MarkdownIt("commonmark").enable(["table", "strikethrough"]).parse(text)``
  over every file's text, after reading them (best of a few runs); and, for comparison, the
  same parse with flashgen's own Markdown dialect (its plugins and core rules);
* a **cold build**: ``python -m flashgen build VAULT -o OUT.apkg --deck Bench`` as a subprocess
  (import time counts) with no lockfile and a fresh output folder, and ``build_deck`` in-process;
* a **rebuild with nothing changed** (the lockfile, and any cache, of the cold build present);
* a **rebuild after one file changed** (a paragraph appended to a mid-size file);
* **peak memory** (max RSS) of every build subprocess, from ``os.wait4``;
* **sections per second** of the cold build;
* where the in-process build spends its time, stage by stage (timers wrapped around the
  functions ``flashgen.build`` calls; a stage that no longer exists is left out).

Every time is given in wall-clock seconds and in CPU seconds (user + system, children
included), each also as a ratio to the floor's. On a busy machine trust the CPU columns: other
processes stretch wall time, not CPU time (the table warns when the load average is high).
Usage::

    python -m benchmarks.bench [--scale X] [--files N] [--runs N] [--keep DIR] [--json]

``make bench`` runs it at scale 1. Progress goes to stderr; the table (or JSON) to stdout.
"""

from __future__ import annotations

import argparse
import importlib
import json
import os
import platform
import re
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from markdown_it import MarkdownIt

from benchmarks.make_vault import IMAGE_HEAVY, VaultStats, make_vault

REFERENCE_FILES = 240
NOTE_SUFFIXES = (".md", ".markdown")
_SUMMARY = re.compile(
    r"(\d+) new, (\d+) changed, (\d+) renamed/moved, (\d+) removed, (\d+) unchanged"
)
_UP_TO_DATE = re.compile(r"(\d+) notes, none changed since")
_CARDS = re.compile(r"\((\d+) cards from (\d+) files\)")


# --------------------------------------------------------------------------------------------
# Results


@dataclass(frozen=True)
class Timing:
    """Wall-clock and CPU seconds of every run of one measurement; the best one counts.

    CPU time is what to trust on a busy machine: other processes stretch the wall clock but
    not the CPU time a measurement used.
    """

    runs: tuple[float, ...]
    cpu: tuple[float, ...]

    @property
    def best(self) -> float:
        return min(self.runs)

    @property
    def best_cpu(self) -> float:
        return min(self.cpu)


@dataclass(frozen=True)
class CliRun:
    """One ``python -m flashgen …`` subprocess."""

    seconds: float
    cpu_seconds: float
    """User + system time of the process and of the children it waited for."""
    max_rss_kb: int
    """Max RSS of the largest single process (the build or one of its children)."""
    tree_rss_kb: int
    """Largest sampled sum of RSS over the build's process tree (0 without ``/proc``)."""
    summary: dict[str, int] | None
    """``new``/``changed``/``renamed``/``removed``/``unchanged``/``cards`` from its stdout."""


@dataclass(frozen=True)
class CliTiming:
    runs: tuple[CliRun, ...]

    @property
    def best(self) -> float:
        return min(run.seconds for run in self.runs)

    @property
    def best_cpu(self) -> float:
        return min(run.cpu_seconds for run in self.runs)

    @property
    def max_rss_mb(self) -> float:
        """Peak memory: the largest process, or the sampled sum over a process pool."""
        return max(max(run.max_rss_kb, run.tree_rss_kb) for run in self.runs) / 1024

    @property
    def summary(self) -> dict[str, int] | None:
        return self.runs[-1].summary


@dataclass(frozen=True)
class Stage:
    """A function of the pipeline to time: ``attr`` (may be ``Class.method``) of ``module``."""

    label: str
    module: str
    attr: str
    parent: str | None = None


STAGES: tuple[Stage, ...] = (
    # ``module`` is where the caller looks the name up: a ``from x import f`` binds its own
    # name, so ``f`` is wrapped there, not only where it is defined.
    Stage("templates", "flashgen.build", "load_card_templates"),
    Stage("discover", "flashgen.build", "discover"),
    Stage("read source", "flashgen.build", "read_source"),
    Stage("cache lookup", "flashgen.build", "BuildCache.get"),
    Stage("read", "flashgen.read", "read_document"),
    Stage("split", "flashgen.split", "split_document"),
    Stage("markdown-it parse", "markdown_it.main", "MarkdownIt.parse", parent="split"),
    Stage("render", "flashgen.render", "render_document"),
    Stage("pygments", "flashgen.dialect.code", "highlight_code", parent="render"),
    Stage("sanitize", "flashgen.render", "clean_html", parent="render"),
    Stage("media resolve+hash", "flashgen.media", "MediaStore.resolve", parent="render"),
    Stage("prompt parse", "flashgen.render", "parse_prompt", parent="render"),
    Stage("fill", "flashgen.fill", "fill_notes"),
    Stage("sketch", "flashgen.fill", "sketch", parent="fill"),
    Stage("checks", "flashgen.checks", "markdown_problems"),
    Stage("checks", "flashgen.checks", "heading_problems"),
    Stage("checks", "flashgen.build", "dangling_references"),
    Stage("checks", "flashgen.build", "duplicate_prompts"),
    Stage("load lockfile", "flashgen.build", "read_lock"),
    Stage("plan", "flashgen.build", "plan_deck"),
    Stage("write", "flashgen.sinks.apkg", "write_package"),
    Stage("sqlite", "flashgen.sinks.apkg", "_write_collection", parent="write"),
    Stage("zip", "flashgen.sinks.apkg", "write_package_zip", parent="write"),
    Stage("lockfile json", "flashgen.plan", "lock_to_json"),
    Stage("cache store", "flashgen.commit", "BuildCache.store"),
)
"""The functions the stage breakdown times. One that cannot be found, or that a build never
calls, is an error (``StageError``): moving a function must move its row here too."""


class StageError(RuntimeError):
    """A stage of STAGES no longer names a function the build calls."""


@dataclass
class StageTimes:
    seconds: dict[str, float] = field(default_factory=dict)
    cpu: dict[str, float] = field(default_factory=dict)
    calls: dict[str, int] = field(default_factory=dict)
    parents: dict[str, str | None] = field(default_factory=dict)
    total: float = 0.0
    total_cpu: float = 0.0


@dataclass(frozen=True)
class Report:
    vault: dict[str, int]
    machine: dict[str, Any]
    minimal: CliTiming
    """The floor: ``benchmarks/minimal.py``, the pipeline a user would write, as a subprocess."""
    parse: Timing
    """markdown-it-py alone over the texts in memory (the floor of earlier benchmarks)."""
    dialect_parse: Timing | None
    read: Timing
    startup: CliTiming
    cold: CliTiming
    """Run right after the minimal pipeline's run of the same index (pairs, see ``pairs``)."""
    cold_in_process: Timing
    unchanged: CliTiming
    one_changed: CliTiming
    stages: StageTimes | None

    @property
    def sections_per_second(self) -> float:
        return self.vault["sections"] / self.cold.best

    @property
    def sections_per_second_in_process(self) -> float:
        return self.vault["sections"] / self.cold_in_process.best

    @property
    def stretch(self) -> float:
        """Wall time over CPU time of the single-process measurements: 1.0 on an idle machine."""
        wall = self.parse.best + self.cold_in_process.best
        cpu = self.parse.best_cpu + self.cold_in_process.best_cpu
        return wall / cpu if cpu else 1.0

    def ratio(self, seconds: float) -> float:
        return seconds / self.minimal.best

    def cpu_ratio(self, seconds: float) -> float:
        return seconds / self.minimal.best_cpu

    @property
    def pairs(self) -> tuple[float, ...]:
        """Cold build over the minimal pipeline, per back-to-back pair of runs."""
        return tuple(
            cold.seconds / minimal.seconds
            for cold, minimal in zip(self.cold.runs, self.minimal.runs, strict=True)
        )

    def targets(self) -> list[tuple[str, float, tuple[float, ...], str, str]]:
        """(what, ratio of the best runs, ratio of every run, unit, goal) per target."""
        cold = self.cold.best
        return [
            ("cold build / minimal pipeline", cold / self.minimal.best, self.pairs, "×", "≤ 1.0×"),
            ("nothing changed / cold build", self.unchanged.best / cold,
             tuple(run.seconds / cold for run in self.unchanged.runs), "×", "≤ 0.05×"),
            ("one file changed / cold build", self.one_changed.best / cold,
             tuple(run.seconds / cold for run in self.one_changed.runs), "×", "≤ 0.10×"),
            ("peak memory of any build", self.peak_rss_mb, (), " MB",
             "≤ 300 MB at 10×, ≤ 600 MB at 100×"),
        ]

    @property
    def peak_rss_mb(self) -> float:
        return max(t.max_rss_mb for t in (self.cold, self.unchanged, self.one_changed))


@dataclass(frozen=True)
class ImageReport:
    """The image-heavy vault: one line changed, with 240 MB of images in the package."""

    vault: dict[str, int]
    machine: dict[str, Any]
    minimal: CliTiming
    cold: CliTiming
    unchanged: CliTiming
    one_line: CliTiming
    package_bytes: int


# --------------------------------------------------------------------------------------------
# Measuring


def note_files(vault: Path) -> list[Path]:
    """The vault's note files, sorted, hidden folders skipped (as ``flashgen`` finds them)."""
    found: list[Path] = []
    for dirpath, dirnames, filenames in os.walk(vault):
        dirnames[:] = sorted(d for d in dirnames if not d.startswith("."))
        found.extend(
            Path(dirpath) / name
            for name in filenames
            if name.endswith(NOTE_SUFFIXES) and not name.startswith(".")
        )
    return sorted(found)


def best_of(runs: int, action: Callable[[], object]) -> Timing:
    times: list[float] = []
    cpu: list[float] = []
    for _ in range(runs):
        start, start_cpu = time.perf_counter(), time.process_time()
        action()
        times.append(time.perf_counter() - start)
        cpu.append(time.process_time() - start_cpu)
    return Timing(tuple(times), tuple(cpu))


def measure_floor(texts: Sequence[str], runs: int) -> Timing:
    md = MarkdownIt("commonmark").enable(["table", "strikethrough"])

    def parse_all() -> None:
        for text in texts:
            md.parse(text)

    return best_of(runs, parse_all)


def measure_dialect_parse(texts: Sequence[str], runs: int) -> Timing | None:
    """The same parse with flashgen's configured MarkdownIt (None if that API moved)."""
    try:
        from flashgen.dialect import make_markdown
    except ImportError:
        return None
    md = make_markdown()

    def parse_all() -> None:
        for text in texts:
            md.parse(text, {})

    return best_of(runs, parse_all)


def run_cli(args: Sequence[str], cwd: Path, cache_home: Path | None = None) -> CliRun:
    """Run ``python -m flashgen ARGS``; its wall time, max RSS and change summary.

    ``cache_home`` becomes ``XDG_CACHE_HOME``: a fresh one keeps a cold build cold even if a
    cache ever moves out of the output folder.
    """
    return run_python(["-m", "flashgen", *args], cwd, cache_home)


def run_python(args: Sequence[str], cwd: Path, cache_home: Path | None = None) -> CliRun:
    """Run ``python ARGS`` with this interpreter and the repository on ``PYTHONPATH``."""
    command = [sys.executable, *args]
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(
        filter(None, (str(Path(__file__).resolve().parent.parent), env.get("PYTHONPATH")))
    )
    if cache_home is not None:
        env["XDG_CACHE_HOME"] = str(cache_home)
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        start = time.perf_counter()
        process = subprocess.Popen(command, cwd=cwd, stdout=out, stderr=err, env=env)
        sampler = TreeRssSampler(process.pid)
        sampler.start()
        _, status, usage = os.wait4(process.pid, 0)
        seconds = time.perf_counter() - start
        sampler.stop()
        process.returncode = os.waitstatus_to_exitcode(status)
        out.seek(0)
        err.seek(0)
        stdout = out.read().decode("utf-8", "replace")
        stderr = err.read().decode("utf-8", "replace")
    if process.returncode != 0:
        tail = "\n".join(stderr.splitlines()[-20:])
        raise RuntimeError(f"{' '.join(command)} exited {process.returncode}:\n{tail}")
    return CliRun(
        seconds=seconds,
        cpu_seconds=usage.ru_utime + usage.ru_stime,
        max_rss_kb=usage.ru_maxrss,
        tree_rss_kb=sampler.peak_kb,
        summary=parse_summary(stdout),
    )


class TreeRssSampler(threading.Thread):
    """Samples the summed RSS of a process and its descendants from ``/proc``.

    ``ru_maxrss`` is exact but per process: a build that fans out to worker processes uses the
    sum of them, which only sampling sees (a lower bound: a peak between samples is missed).
    """

    def __init__(self, pid: int, interval: float = 0.05) -> None:
        super().__init__(daemon=True)
        self.pid = pid
        self.interval = interval
        self.peak_kb = 0
        self._done = threading.Event()

    def run(self) -> None:
        while not self._done.wait(self.interval):
            self.peak_kb = max(self.peak_kb, tree_rss_kb(self.pid))

    def stop(self) -> None:
        self._done.set()
        self.join()


def tree_rss_kb(pid: int) -> int:
    """VmRSS of ``pid`` and all its descendants, in KiB (0 where ``/proc`` is missing)."""
    total = 0
    pending, seen = [pid], set()
    while pending:
        current = pending.pop()
        if current in seen:
            continue
        seen.add(current)
        try:
            status = Path(f"/proc/{current}/status").read_text()
            tasks = os.listdir(f"/proc/{current}/task")
        except OSError:
            continue
        for line in status.splitlines():
            if line.startswith("VmRSS:"):
                total += int(line.split()[1])
        for task in tasks:
            try:
                children = Path(f"/proc/{current}/task/{task}/children").read_text()
            except OSError:
                continue
            pending.extend(int(child) for child in children.split())
    return total


def parse_summary(stdout: str) -> dict[str, int] | None:
    keys = ("new", "changed", "renamed", "removed", "unchanged")
    if match := _SUMMARY.search(stdout):
        summary = dict(zip(keys, (int(group) for group in match.groups()), strict=True))
    elif same := _UP_TO_DATE.search(stdout):
        summary = dict.fromkeys(keys, 0) | {"unchanged": int(same.group(1))}
    else:
        return None
    cards = _CARDS.search(stdout)
    if cards:
        summary["cards"] = int(cards.group(1))
    return summary


def build_args(vault: Path, output: Path) -> list[str]:
    return ["build", str(vault), "-o", str(output), "--deck", "Bench"]


def mid_size_file(vault: Path) -> Path:
    """The note file of median size: what a typical edit touches."""
    files = sorted(note_files(vault), key=lambda path: (path.stat().st_size, str(path)))
    return files[len(files) // 2]


def append_paragraph(path: Path, n: int) -> None:
    with open(path, "a", encoding="utf-8") as handle:
        handle.write(
            f"\nBenchmark edit {n}: one more paragraph, so that exactly one section changes.\n"
        )


def change_one_line(path: Path, n: int) -> None:
    """Append a word to the file's last line of prose: one line changed, one note edited."""
    lines = path.read_text(encoding="utf-8").split("\n")
    index = max(i for i, line in enumerate(lines) if line[:1].isalpha() or line[:1] > "~")
    lines[index] += f" (edit {n})"
    path.write_text("\n".join(lines), encoding="utf-8")


def in_process_build(vault: Path, output: Path, jobs: int | None = None) -> None:
    from flashgen.build import BuildOptions, build_deck
    from flashgen.config import DeckConfig

    config = DeckConfig(name="Bench", notes_dir=vault.resolve(), output=output.resolve())
    saved = os.environ.get("XDG_CACHE_HOME")
    os.environ["XDG_CACHE_HOME"] = str(output.parent.resolve() / "xdg-cache")  # cold: see run_cli
    try:
        build_deck(config, BuildOptions(jobs=jobs))
    finally:
        if saved is None:
            del os.environ["XDG_CACHE_HOME"]
        else:
            os.environ["XDG_CACHE_HOME"] = saved


def resolve_stage(stage: Stage) -> tuple[Any, str, Callable[..., Any]]:
    """The object that holds the stage's function, the function's name there, and the
    function; ``StageError`` when it is not there (any more)."""
    where = f"stage {stage.label!r}: {stage.module}.{stage.attr}"
    try:
        owner: Any = importlib.import_module(stage.module)
    except ImportError as exc:
        raise StageError(f"{where}: module not found ({exc}); update bench.STAGES") from exc
    *path, name = stage.attr.split(".")
    for part in path:
        owner = getattr(owner, part, None)
    function = getattr(owner, name, None) if owner is not None else None
    if not callable(function):
        raise StageError(f"{where}: no such function; update bench.STAGES")
    return owner, name, function


@contextmanager
def stage_timers() -> Iterator[StageTimes]:
    """Wrap each function of STAGES in a timer for the duration of the block."""
    times = StageTimes()
    restore: list[Callable[[], None]] = []
    try:
        for stage in STAGES:
            owner, name, original = resolve_stage(stage)
            times.seconds.setdefault(stage.label, 0.0)
            times.cpu.setdefault(stage.label, 0.0)
            times.calls.setdefault(stage.label, 0)
            times.parents[stage.label] = stage.parent
            setattr(owner, name, _timed(original, stage.label, times))
            restore.append(_restorer(owner, name, original))
        yield times
    finally:
        for undo in reversed(restore):
            undo()


def _restorer(owner: object, name: str, original: object) -> Callable[[], None]:
    def undo() -> None:
        setattr(owner, name, original)

    return undo


def _timed(function: Callable[..., Any], label: str, times: StageTimes) -> Callable[..., Any]:
    depth = 0

    def timed(*args: Any, **kwargs: Any) -> Any:
        nonlocal depth
        if depth:  # a recursive call is already being timed
            return function(*args, **kwargs)
        depth += 1
        start, start_cpu = time.perf_counter(), time.process_time()
        try:
            return function(*args, **kwargs)
        finally:
            times.seconds[label] += time.perf_counter() - start
            times.cpu[label] += time.process_time() - start_cpu
            times.calls[label] += 1
            depth -= 1

    return timed


def measure_stages(vault: Path, output: Path) -> StageTimes:
    """One cold build in this process with one worker, so that every timer sees its calls."""
    with stage_timers() as times:
        start, start_cpu = time.perf_counter(), time.process_time()
        in_process_build(vault, output, jobs=1)
        times.total = time.perf_counter() - start
        times.total_cpu = time.process_time() - start_cpu
    never = sorted({label for label, calls in times.calls.items() if not calls})
    if never:
        raise StageError(
            f"stages never called by a cold build: {', '.join(never)}; the functions moved "
            "or are no longer used: update bench.STAGES"
        )
    return times


def machine_facts(load_before: float) -> dict[str, Any]:
    return {
        "cpus": os.cpu_count(),
        "python": platform.python_version(),
        "platform": platform.platform(),
        "processor": _cpu_model(),
        "flashgen": _flashgen_revision(),
        "load_before": load_before,
        "load_after": os.getloadavg()[0],
    }


def cold_pairs(
    vault: Path, workdir: Path, runs: int, log: Callable[[str], None]
) -> tuple[CliTiming, CliTiming, Path, Path]:
    """The minimal pipeline and flashgen's cold build, back to back ``runs`` times, so that
    each pair saw the same load. Returns both timings, the last cold package and its
    ``XDG_CACHE_HOME``."""
    minimal_runs: list[CliRun] = []
    cold_runs: list[CliRun] = []
    for n in range(1, runs + 1):
        log(f"minimal pipeline, then cold build (subprocesses), pair {n}/{runs} …")
        folder = workdir / f"cold-{n}"  # a fresh folder: no lockfile, no cache
        folder.mkdir()
        minimal_runs.append(run_python(
            ["-m", "benchmarks.minimal", str(vault), str(folder / "minimal.apkg")], workdir
        ))
        (folder / "minimal.apkg").unlink()
        output = folder / "Bench.apkg"
        cache_home = folder / "xdg-cache"
        cold_runs.append(run_cli(build_args(vault, output), workdir, cache_home))
    return CliTiming(tuple(minimal_runs)), CliTiming(tuple(cold_runs)), output, cache_home


def rebuilds(
    vault: Path,
    output: Path,
    cache_home: Path,
    workdir: Path,
    runs: int,
    log: Callable[[str], None],
    edit: Callable[[Path, int], None],
    edit_name: str,
) -> tuple[CliTiming, CliTiming]:
    """Rebuilds beside the cold build's lockfile and cache: with nothing changed, then each
    after one more ``edit`` of the median-size note."""
    log(f"rebuild, nothing changed (lockfile of the last cold build), best of {runs} …")
    unchanged = CliTiming(
        tuple(run_cli(build_args(vault, output), workdir, cache_home) for _ in range(runs))
    )
    edited = mid_size_file(vault)
    log(f"rebuild after {edit_name} {edited.relative_to(vault)}, best of {runs} …")
    edited_runs: list[CliRun] = []
    for n in range(runs):
        edit(edited, n + 1)
        edited_runs.append(run_cli(build_args(vault, output), workdir, cache_home))
    return unchanged, CliTiming(tuple(edited_runs))


def benchmark(
    files: int, seed: int, runs: int, workdir: Path, stages: bool, log: Callable[[str], None]
) -> Report:
    load_before = os.getloadavg()[0]
    vault = workdir / "vault"
    log(f"generating a vault of {files} files in {vault} …")
    stats: VaultStats = make_vault(vault, files=files, seed=seed)
    paths = note_files(vault)

    log(f"markdown-it-py alone over {len(paths)} files, best of {runs} …")
    texts: list[str] = []

    def read_all() -> None:
        texts[:] = [path.read_text(encoding="utf-8") for path in paths]

    read = best_of(runs, read_all)
    parse = measure_floor(texts, runs)
    dialect = measure_dialect_parse(texts, runs)

    log("startup: python -m flashgen --version …")
    startup = CliTiming(tuple(run_cli(["--version"], workdir) for _ in range(runs)))

    minimal, cold, output, cache_home = cold_pairs(vault, workdir, runs, log)

    log(f"cold build (in-process build_deck), best of {runs} …")
    counter = iter(range(1_000_000))
    in_process = best_of(
        runs, lambda: in_process_build(vault, workdir / f"inproc-{next(counter)}" / "Bench.apkg")
    )

    edited = mid_size_file(vault)
    unchanged, one_changed = rebuilds(
        vault, output, cache_home, workdir, runs, log, append_paragraph, "appending a paragraph to"
    )

    stage_times = None
    if stages:
        log("stage breakdown (one more in-process cold build, one worker, with timers) …")
        stage_times = measure_stages(vault, workdir / "stages" / "Bench.apkg")

    return Report(
        vault={
            "files": stats.files,
            "sections": stats.sections,
            "bytes": stats.bytes,
            "edited_file_bytes": edited.stat().st_size,
        },
        machine=machine_facts(load_before),
        minimal=minimal,
        parse=parse,
        dialect_parse=dialect,
        read=read,
        startup=startup,
        cold=cold,
        cold_in_process=in_process,
        unchanged=unchanged,
        one_changed=one_changed,
        stages=stage_times,
    )


def benchmark_image_heavy(
    seed: int, runs: int, workdir: Path, log: Callable[[str], None]
) -> ImageReport:
    """Cold build, nothing changed and one line changed, on the image-heavy vault."""
    load_before = os.getloadavg()[0]
    vault = workdir / "vault"
    files, images, image_bytes = IMAGE_HEAVY
    log(f"generating an image-heavy vault ({files} files, {images} images) in {vault} …")
    stats = make_vault(vault, files=files, seed=seed, images=images, image_bytes=image_bytes)
    minimal, cold, output, cache_home = cold_pairs(vault, workdir, runs, log)
    unchanged, one_line = rebuilds(
        vault, output, cache_home, workdir, runs, log, change_one_line, "changing one line of"
    )
    return ImageReport(
        vault={
            "files": stats.files,
            "sections": stats.sections,
            "bytes": stats.bytes,
            "images": images,
            "image_bytes": sum(path.stat().st_size for path in (vault / "img").iterdir()),
        },
        machine=machine_facts(load_before),
        minimal=minimal,
        cold=cold,
        unchanged=unchanged,
        one_line=one_line,
        package_bytes=output.stat().st_size,
    )


def _flashgen_revision() -> str:
    """The commit the measured code is at, ``+dirty`` when flashgen/ has local changes."""
    repo = Path(__file__).resolve().parent.parent

    def git(*args: str) -> str:
        done = subprocess.run(
            ["git", "-C", str(repo), *args], capture_output=True, text=True, check=False
        )
        return done.stdout.strip() if done.returncode == 0 else ""

    commit = git("rev-parse", "--short", "HEAD")
    if not commit:
        return "unknown"
    return commit + ("+dirty" if git("status", "--porcelain", "--", "flashgen") else "")


def _cpu_model() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor()


# --------------------------------------------------------------------------------------------
# Output


def _header(vault: dict[str, int], m: dict[str, Any], what: str) -> str:
    return (
        f"flashgen benchmark{what}: {vault['files']} files, {vault['sections']:,} sections, "
        f"{vault['bytes'] / 1e6:.2f} MB; {m['cpus']} CPUs ({m['processor']}), "
        f"Python {m['python']}, flashgen {m['flashgen']}, load average "
        f"{m['load_before']:.1f} → {m['load_after']:.1f}"
    )


def _spread(values: Sequence[float]) -> str:
    if len(values) < 2:
        return ""
    return f"{min(values):.2f}–{max(values):.2f} over {len(values)} runs"


def format_table(report: Report) -> str:
    v = report.vault
    lines = [
        _header(v, report.machine, ""),
        "",
        f"{'measurement':<44}{'wall s':>8}{'× min':>8}{'CPU s':>8}{'× min':>8}"
        f"{'peak RSS':>10}  result",
    ]

    def row(name: str, timing: Timing | CliTiming, note: str = "") -> None:
        rss = f"{timing.max_rss_mb:>7.0f} MB" if isinstance(timing, CliTiming) else " " * 10
        lines.append(
            f"{name:<44}{timing.best:>8.3f}{report.ratio(timing.best):>8.2f}"
            f"{timing.best_cpu:>8.3f}{report.cpu_ratio(timing.best_cpu):>8.2f}{rss}  {note}"
        .rstrip())

    row("(a) minimal pipeline (benchmarks/minimal.py)", report.minimal)
    row("    markdown-it-py parse alone, in-process", report.parse)
    if report.dialect_parse is not None:
        row("    same, flashgen's dialect (plugins)", report.dialect_parse)
    row("    reading the files", report.read)
    row("    startup: python -m flashgen --version", report.startup)
    row("(b) cold build, CLI subprocess", report.cold, _describe(report.cold.summary))
    row("    cold build, build_deck in-process", report.cold_in_process)
    row("(c) rebuild, nothing changed", report.unchanged, _describe(report.unchanged.summary))
    row(f"(d) rebuild, 1 file changed ({v['edited_file_bytes'] / 1000:.0f} KB)",
        report.one_changed, _describe(report.one_changed.summary))
    lines.append(
        f"(e) throughput: {report.sections_per_second:,.0f} sections/s cold CLI, "
        f"{report.sections_per_second_in_process:,.0f} sections/s in-process"
    )
    lines += ["", f"{'target (issue 13)':<40}{'now':>9}  {'spread':<24}goal"]
    for what, value, every, unit, goal in report.targets():
        shown = f"{value:.0f}{unit}" if unit == " MB" else f"{value:.3f}{unit}"
        lines.append(f"{what:<40}{shown:>9}  {_spread(every):<24}{goal}")
    if report.stages is not None:
        lines += ["", *format_stages(report.stages)]
    for warning in sanity_warnings(report):
        lines.append(f"warning: {warning}")
    return "\n".join(lines)


def format_image_table(report: ImageReport) -> str:
    v = report.vault
    lines = [
        _header(v, report.machine, f" (image-heavy: {v['images']} images, "
                f"{v['image_bytes'] / 1e6:.0f} MB)"),
        "",
        f"{'measurement':<40}{'wall s':>8}{'CPU s':>8}{'peak RSS':>10}  {'spread':<24}result",
    ]
    for name, timing in (
        ("minimal pipeline (benchmarks/minimal.py)", report.minimal),
        ("cold build", report.cold),
        ("rebuild, nothing changed", report.unchanged),
        ("rebuild, one line changed (goal ≤ 1 s)", report.one_line),
    ):
        spread = _spread([run.seconds for run in timing.runs])
        lines.append(
            f"{name:<40}{timing.best:>8.3f}{timing.best_cpu:>8.3f}{timing.max_rss_mb:>7.0f} MB"
            f"  {spread:<24}{_describe(timing.summary)}".rstrip()
        )
    lines.append(f"package: {report.package_bytes / 1e6:.1f} MB")
    for name, timing, expected in (
        ("nothing-changed rebuild", report.unchanged, {"new": 0, "changed": 0}),
        ("one-line rebuild", report.one_line, {"new": 0, "changed": 1}),
    ):
        lines += [f"warning: {w}" for w in _summary_warnings(name, timing, expected)]
    return "\n".join(lines)


def format_stages(times: StageTimes) -> list[str]:
    lines = [
        f"in-process cold build by stage ({times.total:.3f} s wall, {times.total_cpu:.3f} s CPU, "
        "with timers):",
        f"  {'stage':<28}{'wall s':>8}{'CPU s':>8}{'CPU share':>10}{'calls':>9}",
    ]
    top = [label for label, parent in times.parents.items() if parent is None]
    for label in top:
        lines.append(_stage_line(times, label, indent=""))
        for child, parent in times.parents.items():
            if parent == label:
                lines.append(_stage_line(times, child, indent="  "))
    other = times.total - sum(times.seconds[label] for label in top)
    other_cpu = times.total_cpu - sum(times.cpu[label] for label in top)
    share = other_cpu / times.total_cpu if times.total_cpu else 0.0
    lines.append(f"  {'other (unwrapped)':<28}{other:>8.3f}{other_cpu:>8.3f}{share:>10.0%}")
    return lines


def _stage_line(times: StageTimes, label: str, indent: str) -> str:
    cpu = times.cpu[label]
    share = cpu / times.total_cpu if times.total_cpu else 0.0
    name = indent + label
    return (
        f"  {name:<28}{times.seconds[label]:>8.3f}{cpu:>8.3f}{share:>10.0%}"
        f"{times.calls[label]:>9,}"
    )


def _describe(summary: dict[str, int] | None) -> str:
    if summary is None:
        return ""
    text = (
        f"{summary['new']} new, {summary['changed']} changed, "
        f"{summary['unchanged']} unchanged"
    )
    return text + (f", {summary['cards']} cards" if "cards" in summary else "")


def _summary_warnings(name: str, timing: CliTiming, expected: dict[str, int]) -> list[str]:
    summary = timing.summary
    if summary is None:
        return [f"{name}: no change summary in flashgen's output"]
    return [
        f"{name}: expected {key}={value}, flashgen reported {summary}"
        for key, value in expected.items()
        if summary.get(key) != value
    ]


def sanity_warnings(report: Report) -> list[str]:
    """The rebuilds must have done what they claim to measure."""
    warnings = []
    for name, timing, expected in (
        ("cold build", report.cold, {"changed": 0, "unchanged": 0}),
        ("nothing-changed rebuild", report.unchanged, {"new": 0, "changed": 0}),
        ("one-file rebuild", report.one_changed, {"new": 0, "changed": 1}),
    ):
        warnings += _summary_warnings(name, timing, expected)
    if report.stretch > 1.10:
        warnings.append(
            f"the machine was busy: single-process measurements took {report.stretch:.2f}× "
            "their CPU time in wall time (load average "
            f"{report.machine['load_before']:.1f} before, {report.machine['load_after']:.1f} "
            "after); compare the CPU columns, or run again when the machine is idle"
        )
    return warnings


def _timing_json(
    value: Timing | CliTiming | None, reference: CliTiming | None
) -> dict[str, Any] | None:
    if value is None:
        return None
    out: dict[str, Any] = {"seconds": round(value.best, 4), "cpu_seconds": round(value.best_cpu, 4)}
    if reference is not None:
        out["ratio_to_minimal"] = round(value.best / reference.best, 3)
        out["cpu_ratio_to_minimal"] = round(value.best_cpu / reference.best_cpu, 3)
    if isinstance(value, CliTiming):
        out["max_rss_mb"] = round(value.max_rss_mb, 1)
        out["largest_process_rss_mb"] = round(max(run.max_rss_kb for run in value.runs) / 1024, 1)
        out["process_tree_rss_mb_sampled"] = round(
            max(run.tree_rss_kb for run in value.runs) / 1024, 1
        )
        out["summary"] = value.summary
        out["runs"] = [round(run.seconds, 4) for run in value.runs]
        out["cpu_runs"] = [round(run.cpu_seconds, 4) for run in value.runs]
    else:
        out["runs"] = [round(run, 4) for run in value.runs]
        out["cpu_runs"] = [round(run, 4) for run in value.cpu]
    return out


def to_json(report: Report) -> dict[str, Any]:
    def timing(value: Timing | CliTiming | None) -> dict[str, Any] | None:
        return _timing_json(value, report.minimal)

    return {
        "vault": report.vault,
        "machine": report.machine,
        "minimal_pipeline": timing(report.minimal),
        "parse": timing(report.parse),
        "dialect_parse": timing(report.dialect_parse),
        "read": timing(report.read),
        "startup": timing(report.startup),
        "cold_build": timing(report.cold),
        "cold_build_in_process": timing(report.cold_in_process),
        "rebuild_unchanged": timing(report.unchanged),
        "rebuild_one_file_changed": timing(report.one_changed),
        "targets": [
            {"what": what, "value": round(value, 3), "runs": [round(r, 3) for r in every],
             "goal": goal}
            for what, value, every, _, goal in report.targets()
        ],
        "peak_rss_mb": round(report.peak_rss_mb, 1),
        "sections_per_second": round(report.sections_per_second, 1),
        "sections_per_second_in_process": round(report.sections_per_second_in_process, 1),
        "stages": asdict(report.stages) if report.stages is not None else None,
        "wall_over_cpu": round(report.stretch, 3),
        "warnings": sanity_warnings(report),
    }


def image_to_json(report: ImageReport) -> dict[str, Any]:
    return {
        "vault": report.vault,
        "machine": report.machine,
        "minimal_pipeline": _timing_json(report.minimal, None),
        "cold_build": _timing_json(report.cold, None),
        "rebuild_unchanged": _timing_json(report.unchanged, None),
        "rebuild_one_line_changed": _timing_json(report.one_line, None),
        "package_bytes": report.package_bytes,
    }


# --------------------------------------------------------------------------------------------
# Command line


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description="Benchmark flashgen build against the minimal pipeline a user would write.",
        epilog="example: python -m benchmarks.bench --scale 10 --json > bench.json",
    )
    parser.add_argument("--scale", type=float, default=1.0,
                        help=f"vault size as a multiple of {REFERENCE_FILES} files (default 1)")
    parser.add_argument("--files", type=int, help="number of files (overrides --scale)")
    parser.add_argument("--image-heavy", action="store_true",
                        help="instead: 800 files with 240 MB of images, and a one-line edit")
    parser.add_argument("--seed", type=int, default=0, help="vault random seed (default 0)")
    parser.add_argument("--runs", type=int,
                        help="runs per measurement, best kept (default 3; 1 above 600 files)")
    parser.add_argument("--keep", type=Path, metavar="DIR",
                        help="generate the vault and packages in DIR (new or empty) and keep them")
    parser.add_argument("--no-stages", action="store_true",
                        help="skip the per-stage breakdown (one extra in-process build)")
    parser.add_argument("--json", action="store_true", help="print JSON instead of a table")
    args = parser.parse_args(argv)

    files = args.files if args.files is not None else round(REFERENCE_FILES * args.scale)
    if files < 1:
        parser.error("the vault needs at least one file")
    runs = args.runs if args.runs is not None else (3 if files <= 600 else 1)
    if runs < 1:
        parser.error("--runs must be at least 1")

    def log(message: str) -> None:
        print(message, file=sys.stderr, flush=True)

    def run(workdir: Path) -> str:
        if args.image_heavy:
            image_report = benchmark_image_heavy(args.seed, args.runs or 3, workdir, log)
            if args.json:
                return json.dumps(image_to_json(image_report), indent=1, ensure_ascii=False)
            return format_image_table(image_report)
        report = benchmark(files, args.seed, runs, workdir, not args.no_stages, log)
        if args.json:
            return json.dumps(to_json(report), indent=1, ensure_ascii=False)
        return format_table(report)

    try:
        if args.keep is not None:
            if args.keep.exists() and any(args.keep.iterdir()):
                parser.error(f"--keep {args.keep}: the folder is not empty")
            args.keep.mkdir(parents=True, exist_ok=True)
            print(run(args.keep.resolve()))
        else:
            with tempfile.TemporaryDirectory(prefix="flashgen-bench-") as scratch:
                print(run(Path(scratch)))
    except RuntimeError as exc:  # StageError included
        print(f"error: {exc}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
