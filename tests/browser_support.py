"""Open preview pages in a real headless Chromium (Debian's ``chromium``) and read back what
the pages measured about themselves.

Every check page is loaded with ``--dump-dom``: the page (or the sheet of frames that holds
the pages) writes its findings into a ``data-report`` attribute, and Chromium's console log
on stderr shows any script error in any frame.
"""

import fcntl
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


class Browser:
    """A headless Chromium that stays open, driven over the DevTools protocol on a pipe
    (``--remote-debugging-pipe``: JSON messages ending in NUL on fds 3 and 4), for what a
    single ``--dump-dom`` cannot show: a page that changes while it is open."""

    def __init__(self) -> None:
        self.profile = tempfile.mkdtemp(prefix="fg-chromium-")
        to_browser, self._requests = _pipe_with_high_fds()
        self._replies, from_browser = _pipe_with_high_fds()

        def as_fds_3_and_4() -> None:
            os.dup2(to_browser, 3)
            os.dup2(from_browser, 4)

        self.process = subprocess.Popen(
            [chromium(), *FLAGS, f"--user-data-dir={self.profile}", "--remote-debugging-pipe",
             "about:blank"],
            pass_fds=(3, 4, to_browser, from_browser),
            preexec_fn=as_fds_3_and_4,
            stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        )
        os.close(to_browser)
        os.close(from_browser)
        self._next_id = 0
        self._buffer = b""

    def call(self, method: str, session: str | None = None, **params: Any) -> Any:
        self._next_id += 1
        message: dict[str, Any] = {"id": self._next_id, "method": method, "params": params}
        if session:
            message["sessionId"] = session
        os.write(self._requests, json.dumps(message).encode() + b"\0")
        while True:
            while b"\0" not in self._buffer:
                chunk = os.read(self._replies, 1 << 16)
                if not chunk:
                    raise RuntimeError("chromium closed its DevTools pipe")
                self._buffer += chunk
            raw, self._buffer = self._buffer.split(b"\0", 1)
            reply = json.loads(raw)
            if reply.get("id") == self._next_id:
                if "error" in reply:
                    raise RuntimeError(f"{method}: {reply['error']}")
                return reply["result"]

    def open(self, url: str) -> str:
        """Open ``url`` in a new tab; returns the tab's session for ``evaluate``."""
        target = self.call("Target.createTarget", url=url)["targetId"]
        session: str = self.call("Target.attachToTarget", targetId=target, flatten=True)[
            "sessionId"
        ]
        return session

    def evaluate(self, session: str, expression: str) -> Any:
        result = self.call("Runtime.evaluate", session, expression=expression, returnByValue=True)
        return result["result"].get("value")

    def close(self) -> None:
        self.process.kill()
        self.process.wait()
        os.close(self._requests)
        os.close(self._replies)
        shutil.rmtree(self.profile, ignore_errors=True)


def _pipe_with_high_fds() -> tuple[int, int]:
    """A pipe whose ends are not fds 3 or 4 (the child's are made those)."""
    ends = []
    for end in os.pipe():
        ends.append(fcntl.fcntl(end, fcntl.F_DUPFD, 10))
        os.close(end)
    return ends[0], ends[1]
