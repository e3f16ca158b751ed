"""How long a one-file edit takes to reach Anki with ``flashgen sync``, beside a cold sync.

For each delivery — the collection file (``--collection``) and AnkiConnect (``--anki-connect``,
here the protocol-faithful AnkiConnect of ``tests/ankiconnect_server.py`` over a real
``anki`` Collection, in its own process) — on a synthetic vault (``make_vault``):

- **cold**: the first ``flashgen sync`` into an empty collection (no lockfile, no cache);
- **edit → synced**: a paragraph appended to the median-size note, then ``flashgen sync``
  (the package and lockfile are written as always, then one note goes to Anki), best of
  ``--runs``; the command's own output must say ``1 updated``.

Every time is the wall time of the whole command as a user runs it (interpreter start,
imports, build, Anki). The machine is shared: compare within one run. Targets (issue 12):
edit → synced ≤ 1 s at 240 files, ≤ 2 s at 2,400 files.

    .venv/bin/python -m benchmarks.sync_bench              # 240 files
    .venv/bin/python -m benchmarks.sync_bench --scale 10   # 2,400 files
"""

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import asdict, dataclass
from pathlib import Path

from benchmarks.bench import append_paragraph, mid_size_file
from benchmarks.make_vault import make_vault

REPO = Path(__file__).resolve().parent.parent
DELIVERIES = ("collection", "ankiconnect")
TARGETS = {1: 1.0, 10: 2.0}
_SERVE = """
import sys, time
from anki.collection import Collection
from tests.ankiconnect_server import serving
col = Collection(sys.argv[1])
with serving(col) as (url, _):
    print(url, flush=True)
    sys.stdin.read()
col.close()
"""


@dataclass(frozen=True)
class Result:
    delivery: str
    files: int
    notes: int
    cold_seconds: float
    cold_anki: str
    edit_seconds: list[float]
    edit_anki: str

    @property
    def best_edit(self) -> float:
        return min(self.edit_seconds)


def environment() -> dict[str, str]:
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(filter(None, (str(REPO), env.get("PYTHONPATH"))))
    return env


def timed_sync(args: Sequence[str], cwd: Path) -> tuple[float, str]:
    """Run ``flashgen sync ARGS``: its wall time and its ``Anki: …`` line."""
    start = time.perf_counter()
    done = subprocess.run(
        [sys.executable, "-m", "flashgen", "sync", *args],
        cwd=cwd, env=environment(), capture_output=True, text=True, check=False,
    )
    seconds = time.perf_counter() - start
    if done.returncode != 0:
        raise RuntimeError(f"flashgen sync exited {done.returncode}:\n{done.stderr[-2000:]}")
    anki = [line for line in done.stdout.splitlines() if line.startswith("Anki")]
    return seconds, anki[-1] if anki else "?"


def new_collection(path: Path) -> None:
    subprocess.run(
        [sys.executable, "-c", "import sys; from anki.collection import Collection; "
         "Collection(sys.argv[1]).close()", str(path)],
        check=True, env=environment(),
    )


@contextmanager
def anki_connect(collection: Path) -> Iterator[str]:
    with subprocess.Popen(
        [sys.executable, "-c", _SERVE, str(collection)],
        stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True, env=environment(),
    ) as server:
        assert server.stdout is not None and server.stdin is not None
        url = server.stdout.readline().strip()
        try:
            yield url
        finally:
            server.stdin.close()
            server.wait(timeout=60)


def measure(delivery: str, vault: Path, work: Path, runs: int, files: int) -> Result:
    folder = work / delivery
    folder.mkdir()
    collection = folder / "collection.anki2"
    new_collection(collection)
    common = [str(vault), "-o", str(folder / "bench.apkg"), "--deck", "Bench"]
    with anki_connect(collection) if delivery == "ankiconnect" else _no_server() as url:
        target = ["--anki-connect", url] if url else ["--collection", str(collection)]
        cold, cold_anki = timed_sync([*common, *target], folder)
        note = mid_size_file(vault)
        edits = []
        edit_anki = ""
        for run in range(runs):
            append_paragraph(note, run)
            seconds, edit_anki = timed_sync([*common, *target], folder)
            if " 1 updated," not in edit_anki:
                raise RuntimeError(f"the edit did not update one note: {edit_anki}")
            edits.append(seconds)
    notes = int(cold_anki.split(" added")[0].rsplit(" ", 1)[-1]) if "added" in cold_anki else 0
    return Result(delivery, files, notes, cold, cold_anki, edits, edit_anki)


@contextmanager
def _no_server() -> Iterator[str]:
    yield ""


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--scale", type=float, default=1.0, help="240 × SCALE files")
    parser.add_argument("--runs", type=int, default=3, help="edits per delivery (best kept)")
    parser.add_argument("--keep", type=Path, help="work in this (new) folder and keep it")
    parser.add_argument("--json", action="store_true", help="JSON instead of the table")
    options = parser.parse_args()
    files = round(240 * options.scale)
    with tempfile.TemporaryDirectory(prefix="flashgen-sync-bench-") as scratch:
        work = options.keep or Path(scratch)
        work.mkdir(parents=True, exist_ok=True)
        results = []
        for delivery in DELIVERIES:
            vault = work / f"vault-{delivery}"
            make_vault(vault, files=files)
            print(f"{delivery}: syncing {files} files…", file=sys.stderr)
            results.append(measure(delivery, vault, work, options.runs, files))
    if options.json:
        print(json.dumps([asdict(r) | {"best_edit": r.best_edit} for r in results], indent=1))
        return
    target = TARGETS.get(round(options.scale))
    load = os.getloadavg()[0]
    print(f"{files} files, load average {load:.2f} (2 cores shared: compare within one run)")
    print(f"{'delivery':<12} {'notes':>6} {'cold sync s':>12} {'edit→synced s':>14}  runs")
    for r in results:
        runs = ", ".join(f"{s:.2f}" for s in r.edit_seconds)
        verdict = "" if target is None else (" ≤ target" if r.best_edit <= target else " > target")
        print(f"{r.delivery:<12} {r.notes:>6} {r.cold_seconds:>12.2f} {r.best_edit:>14.2f}  "
              f"{runs}{verdict}")
        print(f"{'':<12} cold: {r.cold_anki}; edit: {r.edit_anki}")


if __name__ == "__main__":
    main()
