"""Scale: memory and time of a cold build over many files, and over one file of many headings.

    .venv/bin/python -m benchmarks.scale                 # 25k and 50k files; 50k and 100k headings
    .venv/bin/python -m benchmarks.scale --files 100000  # the issue's 100,000 tiny files
    .venv/bin/python -m benchmarks.scale --headings 200000

Each build runs ``flashgen build`` as a subprocess (``-j 1``, no cache) on a generated vault and
reports its wall time and peak memory (the largest resident set of the build and its
workers, from ``getrusage``). Two sizes of each shape are built so that the ratio of their
times says whether time is linear in the input (2.0 for twice the input); on a busy machine
compare ratios within one run, not times across runs.
"""

import argparse
import subprocess
import sys
import tempfile
import time
from pathlib import Path


def tiny_files(folder: Path, count: int) -> None:
    for index in range(count):
        sub = folder / f"d{index // 1000:03d}"
        sub.mkdir(parents=True, exist_ok=True)
        (sub / f"n{index}.md").write_text(f"# Note {index}\n\nAnswer {index}.\n", "utf-8")


def many_headings(folder: Path, count: int) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    parts = ["# One big file\n\n"]
    parts += [f"## Heading {index}\n\nThe answer to heading {index}.\n\n" for index in range(count)]
    (folder / "big.md").write_text("".join(parts), "utf-8")


def build(notes: Path, output: Path) -> tuple[float, int]:
    """Wall seconds and peak MiB of one cold build (a fresh interpreter for each)."""
    command = [sys.executable, "-c", _CHILD, str(notes), str(output)]
    started = time.perf_counter()
    done = subprocess.run(command, capture_output=True, text=True)
    elapsed = time.perf_counter() - started
    if done.returncode != 0:
        raise SystemExit(f"build failed: {done.stderr[-2000:]}")
    return elapsed, int(done.stdout.split()[-1])


_CHILD = """
import resource, sys
from pathlib import Path
from flashgen.build import BuildOptions, build_deck
from flashgen.config import DeckConfig
config = DeckConfig(name="Scale", notes_dir=Path(sys.argv[1]), output=Path(sys.argv[2]))
build_deck(config, BuildOptions(now=1_800_000_000, cache=False, jobs=1))
own = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
workers = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
print(max(own, workers) // 1024)
"""


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--files", type=int, default=50_000, help="the larger file count")
    parser.add_argument("--headings", type=int, default=100_000, help="the larger heading count")
    arguments = parser.parse_args()
    rows = []
    with tempfile.TemporaryDirectory() as scratch:
        root = Path(scratch)
        for shape, make, size in (
            ("tiny files", tiny_files, arguments.files),
            ("headings in one file", many_headings, arguments.headings),
        ):
            times = []
            for count in (size // 2, size):
                notes = root / f"{shape[:4]}-{count}"
                make(notes, count)
                seconds, peak = build(notes, root / f"{shape[:4]}-{count}.apkg")
                times.append(seconds)
                rows.append(f"| {count:,} {shape} | {seconds:.1f} s | {peak} MiB |")
                print(rows[-1], file=sys.stderr)
            rows.append(f"| time ratio (2× input) | {times[1] / times[0]:.2f} | |")
    print("| build | time | peak memory |\n|---|---|---|\n" + "\n".join(rows))


if __name__ == "__main__":
    main()
