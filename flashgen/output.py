"""Writing beside the user's files safely: the build lock, atomic replacement, and clearing
what a killed build left behind. Used only by the commit stage and its sinks."""

import os
import shutil
import sys
import tempfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from glob import escape as glob_escape
from pathlib import Path
from typing import IO

from flashgen.errors import BuildLockedError, WriteError
from flashgen.targets import TEMPORARY_SUFFIX, is_leftover, temporary_prefix


def lock_name(output: Path) -> str:
    return f".{output.name}.build-lock"


def make_folder(folder: Path) -> None:
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise WriteError(f"cannot create the folder {folder}: {exc.strerror}") from exc


@dataclass(frozen=True)
class HeldLock:
    """Proof that this process holds the build lock of ``output``."""

    output: Path


@contextmanager
def build_lock(output: Path) -> Iterator[HeldLock]:
    """Hold an exclusive lock on ``output``; a second build of it fails fast.

    Worker processes forked by the build share the lock, and die with the build (see
    ``files._die_with``), so a killed build does not leave it behind.
    """
    make_folder(output.parent)
    path = output.with_name(lock_name(output))
    try:
        handle = open(path, "a+b")  # noqa: SIM115 - closed below, after the unlock
    except OSError as exc:
        raise WriteError(f"cannot create the build lock {path}: {exc.strerror}") from exc
    with handle:
        try:
            _lock(handle)
        except OSError as exc:
            raise BuildLockedError(
                f"another flashgen build is writing {output} right now; try again when it ends"
            ) from exc
        try:
            yield HeldLock(output)
        finally:
            _unlock(handle)


if sys.platform == "win32":
    import msvcrt

    def _lock(handle: IO[bytes]) -> None:
        handle.seek(0)
        msvcrt.locking(handle.fileno(), msvcrt.LK_NBLCK, 1)

    def _unlock(handle: IO[bytes]) -> None:
        handle.seek(0)
        msvcrt.locking(handle.fileno(), msvcrt.LK_UNLCK, 1)

else:
    import fcntl

    def _lock(handle: IO[bytes]) -> None:
        fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)

    def _unlock(handle: IO[bytes]) -> None:
        fcntl.flock(handle, fcntl.LOCK_UN)


def remove_leftovers(output: Path, *targets: Path) -> None:
    """Temporary files of a build that was killed: with the lock held, none is in use. Only
    names flashgen makes are removed (``targets.is_leftover``), never a user's own file."""
    for target in targets:
        for leftover in target.parent.glob(f".{glob_escape(target.name)}.*"):
            if leftover.name == lock_name(output) or not is_leftover(leftover.name, target):
                continue
            if leftover.is_dir() and not leftover.is_symlink():
                shutil.rmtree(leftover, ignore_errors=True)
            else:
                leftover.unlink(missing_ok=True)


def replace_atomically(target: Path, write: Callable[[Path], object]) -> None:
    """``write`` a temporary file beside ``target``, then rename it into place: a process
    killed at any moment leaves the old file whole."""
    try:
        handle, temporary = tempfile.mkstemp(
            TEMPORARY_SUFFIX, temporary_prefix(target), dir=target.parent
        )
    except OSError as exc:
        raise WriteError(f"cannot write {target}: {exc.strerror}") from exc
    os.close(handle)
    try:
        write(Path(temporary))
        os.chmod(temporary, 0o644)
        os.replace(temporary, target)
    except OSError as exc:
        raise WriteError(f"cannot write {target}: {exc.strerror}") from exc
    finally:
        if os.path.exists(temporary):
            os.unlink(temporary)
