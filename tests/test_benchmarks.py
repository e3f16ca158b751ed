"""The benchmark's stage breakdown names functions a build really calls.

A stage whose function moved used to vanish from the table without a word; now the benchmark
stops with ``StageError``, and this test fails as soon as a function of ``bench.STAGES`` is
moved, renamed or no longer called (timings are never asserted: see benchmarks/README.md).
"""

from pathlib import Path

from benchmarks.bench import STAGES, measure_stages, resolve_stage
from benchmarks.make_vault import make_vault


def test_every_stage_names_an_existing_function() -> None:
    for stage in STAGES:
        resolve_stage(stage)


def test_a_cold_build_calls_every_stage(tmp_path: Path) -> None:
    make_vault(tmp_path / "vault", files=30)
    times = measure_stages(tmp_path / "vault", tmp_path / "out" / "Bench.apkg")
    assert set(times.calls) == {stage.label for stage in STAGES}
    assert all(times.calls.values())
