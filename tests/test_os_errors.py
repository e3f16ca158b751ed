"""Every OS and SQLite error a build meets is ``Error: …`` and exit status 1, never a
traceback: a disk that fills up (a file size limit stands for it), a cache that cannot be
opened, a lockfile that is a folder."""

import resource
import signal
import subprocess
from pathlib import Path

import pytest

from tests.hostile_support import flashgen_command, subprocess_env, write_vault

NOTES = {f"n{i}.md": f"# Note {i}\n\n" + "answer words " * 200 + "\n" for i in range(40)}


def _limit_file_size(limit: int) -> None:
    signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
    resource.setrlimit(resource.RLIMIT_FSIZE, (limit, limit))


@pytest.mark.parametrize("limit", [2_000, 30_000, 200_000])
def test_a_full_disk_is_an_error_not_a_traceback(tmp_path: Path, limit: int) -> None:
    write_vault(tmp_path / "notes", NOTES)
    done = subprocess.run(
        flashgen_command("build", "notes", "-o", "out/d.apkg", "-j", "1"),
        cwd=tmp_path, env=subprocess_env(), capture_output=True, text=True,
        preexec_fn=lambda: _limit_file_size(limit),
    )
    assert (done.returncode, done.stdout) == (1, "")
    assert done.stderr == f"Error: cannot write {tmp_path}/out/d.apkg: disk I/O error\n"
    assert not (tmp_path / "out" / "d.apkg").exists()


def test_a_lockfile_that_is_a_folder_is_an_error(tmp_path: Path) -> None:
    write_vault(tmp_path / "notes", NOTES)
    (tmp_path / "out" / "d.lock.json").mkdir(parents=True)
    done = subprocess.run(
        flashgen_command("build", "notes", "-o", "out/d.apkg"),
        cwd=tmp_path, env=subprocess_env(), capture_output=True, text=True,
    )
    assert (done.returncode, done.stderr) == (
        1, f"Error: cannot read lockfile {tmp_path}/out/d.lock.json: Is a directory\n"
    )
