"""Open preview pages in a real headless Chromium (Debian's ``chromium``) and read back what
the pages measured about themselves.

Every check page is loaded with ``--dump-dom``: the page (or the sheet of frames that holds
the pages) writes its findings into a ``data-report`` attribute, and Chromium's console log
on stderr shows any script error in any frame.
"""

import html
import json
import os
import shutil
import subprocess
import tempfile
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from benchmarks.screenshot_cards import CHROMIUM_FLAGS, CHROMIUM_NAMES

FLAGS = (
    *(flag for flag in CHROMIUM_FLAGS if not flag.startswith("--virtual-time-budget")),
    "--enable-logging=stderr",
    "--v=0",
)


def chromium() -> str:
    """The browser; CI (``CI`` set) must have it (``.ci/run`` installs it), elsewhere the
    browser tests are skipped when it is missing."""
    for name in CHROMIUM_NAMES:
        found = shutil.which(name)
        if found:
            return found
    if os.environ.get("CI"):
        raise RuntimeError("chromium not found: .ci/run should have installed it")
    pytest.skip("chromium is not installed (apt-get install chromium)")


@dataclass(frozen=True)
class Loaded:
    report: Any
    """The page's data-report, parsed from JSON."""
    console_errors: tuple[str, ...]
    """Console lines of uncaught errors, in any frame."""


def load(page: str, window: tuple[int, int] = (1200, 900), budget_ms: int = 15000) -> Loaded:
    with tempfile.TemporaryDirectory(prefix="fg-chromium-") as profile:
        result = subprocess.run(
            [
                chromium(),
                *FLAGS,
                f"--user-data-dir={profile}",
                f"--window-size={window[0]},{window[1]}",
                f"--virtual-time-budget={budget_ms}",
                "--dump-dom",
                page,
            ],
            capture_output=True,
            text=True,
            timeout=300,
            check=False,
        )
    start = result.stdout.find('data-report="')
    if start < 0:
        raise AssertionError(f"{page}: no report in the page\n{result.stderr[-3000:]}")
    end = result.stdout.index('"', start + len('data-report="'))
    report = json.loads(html.unescape(result.stdout[start + len('data-report="') : end]))
    errors = tuple(
        line for line in result.stderr.splitlines() if "CONSOLE" in line and "Uncaught" in line
    )
    return Loaded(report, errors)


def sheet(folder: Path, pages: Sequence[str], width: int) -> Path:
    """A page of frames, each exactly ``width`` wide, that collects what each side page
    posts when it is ready (see the preview's reviewer.js)."""
    frames = "".join(
        f'<iframe src="{page}" width="{width}" height="200" style="border:0"></iframe>'
        for page in pages
    )
    script = (
        "const reports = {};"
        "window.addEventListener('message', (event) => {"
        " const frame = Array.from(document.querySelectorAll('iframe'))"
        "  .find(f => f.contentWindow === event.source);"
        " if (!frame || !event.data || event.data.flashgen !== 'side') return;"
        " reports[frame.getAttribute('src')] = event.data.report;"
        " document.documentElement.dataset.report = JSON.stringify(reports); });"
    )
    path = folder / f"sheet-{width}-{len(pages)}-{abs(hash(tuple(pages)))}.html"
    path.write_text(
        f'<!doctype html><html data-report="{{}}"><head><meta charset="utf-8">'
        f"<script>{script}</script></head><body>{frames}</body></html>",
        encoding="utf-8",
    )
    return path
