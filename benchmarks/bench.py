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

from benchmarks.make_vault import VaultStats, make_vault

REFERENCE_FILES = 240
NOTE_SUFFIXES = (".md", ".markdown")
_SUMMARY = re.compile(
    r"(\d+) new, (\d+) changed, (\d+) renamed/moved, (\d+) removed, (\d+) unchanged"
)
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
    Stage("templates", "flashgen.build", "load_card_templates"),
    Stage("discover", "flashgen.build", "discover"),
    Stage("read", "flashgen.build", "read_document"),
    Stage("split", "flashgen.build", "split_document"),
    Stage("markdown-it parse", "markdown_it.main", "MarkdownIt.parse", parent="split"),
    Stage("render", "flashgen.build", "render_document"),
    Stage("pygments", "flashgen.markdown", "highlight_code", parent="render"),
    Stage("sanitize", "flashgen.render", "clean_html", parent="render"),
    Stage("media resolve+hash", "flashgen.media", "MediaStore.resolve", parent="render"),
    Stage("prompt parse", "flashgen.render", "parse_prompt", parent="render"),
    Stage("fill", "flashgen.build", "fill_notes"),
    Stage("sketch", "flashgen.fill", "sketch", parent="fill"),
    Stage("checks", "flashgen.build", "markdown_problems"),
    Stage("checks", "flashgen.build", "heading_problems"),
    Stage("checks", "flashgen.build", "dangling_references"),
    Stage("checks", "flashgen.build", "duplicate_prompts"),
    Stage("load lockfile", "flashgen.build", "load_lock"),
    Stage("plan", "flashgen.build", "plan_deck"),
    Stage("write", "flashgen.build", "write_deck"),
    Stage("sqlite", "flashgen.write", "_write_collection", parent="write"),
    Stage("zip", "flashgen.write", "_zip_package", parent="write"),
    Stage("lockfile json", "flashgen.write", "lock_to_json", parent="write"),
)


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
    floor: Timing
    dialect_parse: Timing | None
    read: Timing
    startup: CliTiming
    cold: CliTiming
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
        wall = self.floor.best + self.cold_in_process.best
        cpu = self.floor.best_cpu + self.cold_in_process.best_cpu
        return wall / cpu if cpu else 1.0

    def ratio(self, seconds: float) -> float:
        return seconds / self.floor.best

    def cpu_ratio(self, seconds: float) -> float:
        return seconds / self.floor.best_cpu


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
        from flashgen.markdown import make_markdown
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
    command = [sys.executable, "-m", "flashgen", *args]
    env = dict(os.environ)
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
    match = _SUMMARY.search(stdout)
    if match is None:
        return None
    keys = ("new", "changed", "renamed", "removed", "unchanged")
    summary = dict(zip(keys, (int(group) for group in match.groups()), strict=True))
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


def in_process_build(vault: Path, output: Path) -> None:
    from flashgen.build import build_deck
    from flashgen.config import DeckConfig

    config = DeckConfig(name="Bench", notes_dir=vault.resolve(), output=output.resolve())
    saved = os.environ.get("XDG_CACHE_HOME")
    os.environ["XDG_CACHE_HOME"] = str(output.parent.resolve() / "xdg-cache")  # cold: see run_cli
    try:
        build_deck(config)
    finally:
        if saved is None:
            del os.environ["XDG_CACHE_HOME"]
        else:
            os.environ["XDG_CACHE_HOME"] = saved


@contextmanager
def stage_timers() -> Iterator[StageTimes]:
    """Wrap each function of STAGES in a timer for the duration of the block."""
    times = StageTimes()
    restore: list[Callable[[], None]] = []
    try:
        for stage in STAGES:
            owner: Any = importlib.import_module(stage.module)
            *path, name = stage.attr.split(".")
            for part in path:
                owner = getattr(owner, part, None)
            original = getattr(owner, name, None) if owner is not None else None
            if not callable(original):
                continue
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
    with stage_timers() as times:
        start, start_cpu = time.perf_counter(), time.process_time()
        in_process_build(vault, output)
        times.total = time.perf_counter() - start
        times.total_cpu = time.process_time() - start_cpu
    return times


def benchmark(
    files: int, seed: int, runs: int, workdir: Path, stages: bool, log: Callable[[str], None]
) -> Report:
    load_before = os.getloadavg()[0]
    vault = workdir / "vault"
    log(f"generating a vault of {files} files in {vault} …")
    stats: VaultStats = make_vault(vault, files=files, seed=seed)
    paths = note_files(vault)

    log(f"floor: markdown-it-py over {len(paths)} files, best of {runs} …")
    texts: list[str] = []

    def read_all() -> None:
        texts[:] = [path.read_text(encoding="utf-8") for path in paths]

    read = best_of(runs, read_all)
    floor = measure_floor(texts, runs)
    dialect = measure_dialect_parse(texts, runs)

    log("startup: python -m flashgen --version …")
    startup = CliTiming(tuple(run_cli(["--version"], workdir) for _ in range(runs)))

    cold_runs: list[CliRun] = []
    for n in range(1, runs + 1):
        log(f"cold build (subprocess) {n}/{runs} …")
        output = workdir / f"cold-{n}" / "Bench.apkg"  # a fresh folder: no lockfile, no cache
        cache_home = output.parent / "xdg-cache"
        cold_runs.append(run_cli(build_args(vault, output), workdir, cache_home))
    cold = CliTiming(tuple(cold_runs))

    log(f"cold build (in-process build_deck), best of {runs} …")
    counter = iter(range(1_000_000))
    in_process = best_of(
        runs, lambda: in_process_build(vault, workdir / f"inproc-{next(counter)}" / "Bench.apkg")
    )

    log(f"rebuild, nothing changed (lockfile of the last cold build), best of {runs} …")
    unchanged = CliTiming(
        tuple(run_cli(build_args(vault, output), workdir, cache_home) for _ in range(runs))
    )

    edited = mid_size_file(vault)
    log(f"rebuild after appending a paragraph to {edited.relative_to(vault)}, best of {runs} …")
    one_changed_runs: list[CliRun] = []
    for n in range(runs):
        append_paragraph(edited, n + 1)
        one_changed_runs.append(run_cli(build_args(vault, output), workdir, cache_home))
    one_changed = CliTiming(tuple(one_changed_runs))

    stage_times = None
    if stages:
        log("stage breakdown (one more in-process cold build, with timers) …")
        stage_times = measure_stages(vault, workdir / "stages" / "Bench.apkg")

    return Report(
        vault={
            "files": stats.files,
            "sections": stats.sections,
            "bytes": stats.bytes,
            "edited_file_bytes": edited.stat().st_size,
        },
        machine={
            "cpus": os.cpu_count(),
            "python": platform.python_version(),
            "platform": platform.platform(),
            "processor": _cpu_model(),
            "flashgen": _flashgen_revision(),
            "load_before": load_before,
            "load_after": os.getloadavg()[0],
        },
        floor=floor,
        dialect_parse=dialect,
        read=read,
        startup=startup,
        cold=cold,
        cold_in_process=in_process,
        unchanged=unchanged,
        one_changed=one_changed,
        stages=stage_times,
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


def format_table(report: Report) -> str:
    v = report.vault
    m = report.machine
    lines = [
        f"flashgen benchmark: {v['files']} files, {v['sections']:,} sections, "
        f"{v['bytes'] / 1e6:.2f} MB; {m['cpus']} CPUs ({m['processor']}), Python {m['python']}, "
        f"flashgen {m['flashgen']}, load average {m['load_before']:.1f} → {m['load_after']:.1f}",
        "",
        f"{'measurement':<44}{'wall s':>8}{'× floor':>9}{'CPU s':>8}{'× floor':>9}"
        f"{'peak RSS':>10}  result",
    ]

    def row(name: str, timing: Timing | CliTiming, note: str = "") -> None:
        rss = f"{timing.max_rss_mb:>7.0f} MB" if isinstance(timing, CliTiming) else " " * 10
        lines.append(
            f"{name:<44}{timing.best:>8.3f}{report.ratio(timing.best):>9.2f}"
            f"{timing.best_cpu:>8.3f}{report.cpu_ratio(timing.best_cpu):>9.2f}{rss}  {note}"
        .rstrip())

    row("(a) floor: markdown-it-py parse, all files", report.floor)
    if report.dialect_parse is not None:
        row("    same, flashgen's dialect (plugins)", report.dialect_parse)
    row("    reading the files (not in the floor)", report.read)
    row("    startup: python -m flashgen --version", report.startup)
    row("(b) cold build, CLI subprocess", report.cold, _describe(report.cold.summary))
    row("    cold build, build_deck in-process", report.cold_in_process)
    row("(c) rebuild, nothing changed", report.unchanged, _describe(report.unchanged.summary))
    row(f"(d) rebuild, 1 file changed ({v['edited_file_bytes'] / 1000:.0f} KB)",
        report.one_changed, _describe(report.one_changed.summary))
    lines.append(
        f"(e) peak memory of a build: {report.cold.max_rss_mb:.0f} MB max RSS (cold CLI)"
    )
    lines.append(
        f"(f) throughput: {report.sections_per_second:,.0f} sections/s cold CLI, "
        f"{report.sections_per_second_in_process:,.0f} sections/s in-process"
    )
    if report.stages is not None:
        lines += ["", *format_stages(report.stages)]
    for warning in sanity_warnings(report):
        lines.append(f"warning: {warning}")
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


def sanity_warnings(report: Report) -> list[str]:
    """The rebuilds must have done what they claim to measure."""
    warnings = []
    for name, timing, expected in (
        ("cold build", report.cold, {"changed": 0, "unchanged": 0}),
        ("nothing-changed rebuild", report.unchanged, {"new": 0, "changed": 0}),
        ("one-file rebuild", report.one_changed, {"new": 0, "changed": 1}),
    ):
        summary = timing.summary
        if summary is None:
            warnings.append(f"{name}: no change summary in flashgen's output")
            continue
        for key, value in expected.items():
            if summary.get(key) != value:
                warnings.append(f"{name}: expected {key}={value}, flashgen reported {summary}")
    if report.stretch > 1.10:
        warnings.append(
            f"the machine was busy: single-process measurements took {report.stretch:.2f}× "
            "their CPU time in wall time (load average "
            f"{report.machine['load_before']:.1f} before, {report.machine['load_after']:.1f} "
            "after); compare the CPU columns, or run again when the machine is idle"
        )
    return warnings


def to_json(report: Report) -> dict[str, Any]:
    def timing(value: Timing | CliTiming | None) -> dict[str, Any] | None:
        if value is None:
            return None
        out: dict[str, Any] = {
            "seconds": round(value.best, 4),
            "ratio_to_floor": round(report.ratio(value.best), 3),
            "cpu_seconds": round(value.best_cpu, 4),
            "cpu_ratio_to_floor": round(report.cpu_ratio(value.best_cpu), 3),
        }
        if isinstance(value, CliTiming):
            out["max_rss_mb"] = round(value.max_rss_mb, 1)
            out["largest_process_rss_mb"] = round(
                max(run.max_rss_kb for run in value.runs) / 1024, 1
            )
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

    data: dict[str, Any] = {
        "vault": report.vault,
        "machine": report.machine,
        "floor": timing(report.floor),
        "dialect_parse": timing(report.dialect_parse),
        "read": timing(report.read),
        "startup": timing(report.startup),
        "cold_build": timing(report.cold),
        "cold_build_in_process": timing(report.cold_in_process),
        "rebuild_unchanged": timing(report.unchanged),
        "rebuild_one_file_changed": timing(report.one_changed),
        "peak_rss_mb": round(report.cold.max_rss_mb, 1),
        "sections_per_second": round(report.sections_per_second, 1),
        "sections_per_second_in_process": round(report.sections_per_second_in_process, 1),
        "stages": asdict(report.stages) if report.stages is not None else None,
        "wall_over_cpu": round(report.stretch, 3),
        "warnings": sanity_warnings(report),
    }
    return data


# --------------------------------------------------------------------------------------------
# Command line


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description="Benchmark flashgen build against the markdown-it-py parse floor.",
        epilog="example: python -m benchmarks.bench --scale 10 --json > bench.json",
    )
    parser.add_argument("--scale", type=float, default=1.0,
                        help=f"vault size as a multiple of {REFERENCE_FILES} files (default 1)")
    parser.add_argument("--files", type=int, help="number of files (overrides --scale)")
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

    try:
        if args.keep is not None:
            if args.keep.exists() and any(args.keep.iterdir()):
                parser.error(f"--keep {args.keep}: the folder is not empty")
            args.keep.mkdir(parents=True, exist_ok=True)
            report = benchmark(files, args.seed, runs, args.keep.resolve(), not args.no_stages,
                               log)
        else:
            with tempfile.TemporaryDirectory(prefix="flashgen-bench-") as scratch:
                report = benchmark(files, args.seed, runs, Path(scratch), not args.no_stages, log)
    except RuntimeError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    if args.json:
        print(json.dumps(to_json(report), indent=1, ensure_ascii=False))
    else:
        print(format_table(report))
    return 0


if __name__ == "__main__":
    sys.exit(main())
