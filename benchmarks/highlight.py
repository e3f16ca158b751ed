"""Highlighting candidates, timed and compared on the fenced code of a generated vault.

For every language the vault's notes use (C, Python, Java, bash, SQL, CUDA, Rust, Go,
assembly), each candidate highlights every block, best of ``--runs``:

* ``pygments``: ``pygments.highlight`` with flashgen's HtmlFormatter, as before issue 13;
* ``lex only``: Pygments' lexer alone (what any formatter, however lean, still pays);
* ``fast rules``: the same, with the lexer prepared by ``flashgen.lexing.accelerated``
  (only the rules that can match the next character are tried); its HTML is compared with
  ``pygments``' byte for byte;
* ``syntect``: syntect-py (Sublime Text grammars, native), when it is installed: its
  class-based HTML (``ClassedHTMLGenerator``) and its inline-styled HTML. Its markup uses
  other class names than Pygments', so "same" only checks that the text is kept.

Usage::

    python -m benchmarks.highlight [--files 240] [--runs 3]
"""

from __future__ import annotations

import argparse
import html
import re
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from functools import partial
from pathlib import Path
from typing import Any

from pygments import highlight
from pygments.formatters import HtmlFormatter
from pygments.lexers import get_lexer_by_name

from benchmarks.make_vault import make_vault
from flashgen.lexing import accelerated

_FENCE = re.compile(r"^```(\w+)\n(.*?)^```", re.S | re.M)
_TAG = re.compile(r"<[^>]+>")
SYNTECT_NAMES = {"c": "C", "python": "Python", "java": "Java", "bash": "Bash", "sql": "SQL",
                 "rust": "Rust", "go": "Go"}


def code_blocks(files: int) -> dict[str, list[str]]:
    blocks: dict[str, list[str]] = {}
    with tempfile.TemporaryDirectory() as scratch:
        make_vault(Path(scratch) / "vault", files=files)
        for path in sorted((Path(scratch) / "vault").rglob("*.md*")):
            for match in _FENCE.finditer(path.read_text(encoding="utf-8")):
                blocks.setdefault(match.group(1), []).append(match.group(2))
    return blocks


def best_ms(runs: int, codes: Sequence[str], action: Callable[[str], object]) -> float:
    best = float("inf")
    for _ in range(runs):
        start = time.process_time()
        for code in codes:
            result = action(code)
            if not isinstance(result, str):
                list(result)  # type: ignore[call-overload]  # a generator of tokens
        best = min(best, time.process_time() - start)
    return 1000 * best


def syntect_candidates(language: str) -> dict[str, Callable[[str], str]]:
    try:
        import syntect  # type: ignore[import-not-found]
    except ImportError:
        return {}
    name = SYNTECT_NAMES.get(language)
    assets = syntect.load_assets()
    syntaxes = assets.get_syntax_set()
    syntax = syntaxes.find_syntax_by_name(name) if name else None
    if syntax is None:
        return {}
    theme, themes = assets.get_theme("InspiredGitHub"), assets.get_theme_set()

    def classed(code: str) -> str:
        generator = syntect.ClassedHTMLGenerator(syntax, syntaxes, syntect.ClassStyle.spaced())
        for line in code.splitlines(keepends=True):
            generator.parse_html_for_line_which_includes_newline(line)
        return str(generator.finalize())

    def inline(code: str) -> str:
        return str(syntect.highlighted_html_for_string_py(code, syntax, theme, syntaxes, themes,
                                                          "no", 1))

    return {"syntect classes": classed, "syntect inline": inline}


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--files", type=int, default=240, help="vault size (default 240)")
    parser.add_argument("--runs", type=int, default=3, help="best of this many runs")
    args = parser.parse_args(argv)
    blocks = code_blocks(args.files)
    formatter = HtmlFormatter(cssclass="highlight")
    header = f"{'language':<9}{'blocks':>7}{'pygments':>10}{'lex only':>10}{'fast rules':>12}" \
             f"{'same HTML':>11}  syntect (ms per block, text kept)"
    print("milliseconds (CPU) per block, best of", args.runs)
    print(header)
    totals: dict[str, float] = {}
    for language, codes in sorted(blocks.items()):
        plain = get_lexer_by_name(language, stripnl=False, ensurenl=True)
        fast = accelerated(get_lexer_by_name(language, stripnl=False, ensurenl=True))
        candidates: dict[str, Callable[[str], object]] = {
            "pygments": partial(highlight, lexer=plain, formatter=formatter),
            "lex only": plain.get_tokens,
            "fast rules": partial(highlight, lexer=fast, formatter=formatter),
        }
        timings = {name: best_ms(args.runs, codes, run) for name, run in candidates.items()}
        same = sum(highlight(c, plain, formatter) == highlight(c, fast, formatter) for c in codes)
        others = []
        for name, candidate in syntect_candidates(language).items():
            ms = best_ms(args.runs, codes, candidate)
            kept = all(html.unescape(_TAG.sub("", candidate(c))).strip() == c.strip()
                       for c in codes)
            others.append(f"{name} {ms / len(codes):.3f}{'' if kept else ' (text changed)'}")
            timings[name] = ms
        for name, ms in timings.items():
            totals[name] = totals.get(name, 0.0) + ms
        n = len(codes)
        print(f"{language:<9}{n:>7}{timings['pygments'] / n:>10.3f}{timings['lex only'] / n:>10.3f}"
              f"{timings['fast rules'] / n:>12.3f}{f'{same}/{n}':>11}  {'; '.join(others)}")
    summary: dict[str, Any] = {name: round(ms, 1) for name, ms in totals.items()}
    print("total ms (all blocks):", summary)
    print(f"fast rules / pygments: {totals['fast rules'] / totals['pygments']:.2f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
