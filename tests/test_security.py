"""Nothing leaks into a package, nothing runs on a card, nothing is lost or modified.

Media may come only from inside the media root (after resolving symlinks) and only when its
content is the media its name says; scripts, handlers and script URLs are removed from every
field; the notes are never written; two builds of one deck at once cannot both write; a build
killed at any moment leaves the previous package and lockfile whole.
"""

import hashlib
import os
import shutil
import signal
import subprocess
import sys
import zipfile
from collections.abc import Callable
from pathlib import Path

import pytest

from flashgen.build import BuildOptions, build_deck
from flashgen.lockfile import load_lock
from flashgen.media import MEDIA_EXTENSIONS, looks_like
from tests.hostile_support import (
    PNG,
    REPO,
    T1,
    T2,
    active_content,
    build,
    by_prompt,
    copy_vault,
    deck_config,
    flashgen_command,
    imported,
    messages,
    subprocess_env,
    write_vault,
)

SECRET = b"flashgen-test-secret: this must never reach a package\n"
HOSTNAME = Path("/etc/hostname")
HOST = HOSTNAME.read_bytes() if HOSTNAME.is_file() else b"no /etc/hostname here\n"


# --- media -------------------------------------------------------------------------------


@pytest.fixture
def leaky_site(tmp_path: Path) -> Path:
    """A media root ``site/`` with notes in ``site/notes``, and secrets outside and inside."""
    site = tmp_path / "site"
    home = tmp_path / "home"
    write_vault(home, {".ssh/id_rsa": SECRET, "photo.png": PNG})
    write_vault(
        site,
        {
            "img/ok.png": PNG,
            "img/secret.png": SECRET,
            "img/host.png": HOST,
            "img/key.jpg": SECRET,
            "img/notes.txt": SECRET,
            "img/vector.svg": b"<!-- looks like SVG -->\n" + SECRET,
        },
    )
    (site / "img" / "escape.png").symlink_to("/etc/passwd")
    (site / "img" / "outside.png").symlink_to(home / "photo.png")
    (site / "img" / "key-link.png").symlink_to(home / ".ssh" / "id_rsa")
    depth = "../" * 12
    write_vault(
        site / "notes",
        {
            "leaks.md": f"""# Leaks

![passwd]({depth}etc/passwd)

![hostname](/etc/hostname)

![key](~/.ssh/id_rsa)

![key by path](../../home/.ssh/id_rsa)

![escaping symlink](../img/escape.png)

![photo outside the root](../img/outside.png)

![symlinked key](../img/key-link.png)

![[escape.png]]

![text posing as PNG](../img/secret.png)

![hostname posing as PNG](../img/host.png)

![key posing as JPEG](../img/key.jpg)

![comment posing as SVG](../img/vector.svg)

![not media](../img/notes.txt)

<img src="file:///etc/hostname"> <img src="../../home/photo.png">

![encoded](%2e%2e/%2e%2e/home/photo.png)

![the one good image](../img/ok.png)
""",
        },
    )
    return site


def test_media_from_outside_the_root_or_not_media_never_reaches_anki(
    leaky_site: Path, tmp_path: Path
) -> None:
    output = tmp_path / "out" / "deck.apkg"
    result = build(leaky_site / "notes", output, media_root=leaky_site)
    depth = "../" * 12
    assert messages(result) == [
        f"leaks.md:3: warning: media outside the media root refused: {depth}etc/passwd",
        "leaks.md:5: warning: media not found: /etc/hostname",
        "leaks.md:7: warning: media not found: ~/.ssh/id_rsa",
        "leaks.md:9: warning: media outside the media root refused: ../../home/.ssh/id_rsa",
        "leaks.md:11: warning: media outside the media root refused: ../img/escape.png",
        "leaks.md:13: warning: media outside the media root refused: ../img/outside.png",
        "leaks.md:15: warning: media outside the media root refused: ../img/key-link.png",
        "leaks.md:17: warning: media not found: escape.png",
        "leaks.md:19: warning: content is not PNG media, refused: ../img/secret.png",
        "leaks.md:21: warning: content is not PNG media, refused: ../img/host.png",
        "leaks.md:23: warning: content is not JPG media, refused: ../img/key.jpg",
        "leaks.md:25: warning: content is not SVG media, refused: ../img/vector.svg",
        "leaks.md:27: warning: not a media file, refused: ../img/notes.txt",
        "leaks.md:29: warning: file: URL refused, not bundled: file:///etc/hostname",
        "leaks.md:29: warning: media outside the media root refused: ../../home/photo.png",
        "leaks.md:31: warning: media outside the media root refused: "
        "%2e%2e/%2e%2e/home/photo.png",
    ]
    found, media, folder = imported(output, tmp_path / "anki")
    good = f"flashgen-{hashlib.sha256(PNG).hexdigest()[:20]}.png"
    assert media == {good}
    assert (folder / good).read_bytes() == PNG
    secrets = [SECRET.strip(), HOST.strip()]
    fields = "".join(value for note in found for value in note.fields.values())
    assert not [secret for secret in secrets if secret.decode() in fields]
    assert f'src="{good}"' in fields


def test_embed_by_name_never_finds_a_file_outside_the_media_root(tmp_path: Path) -> None:
    """An Obsidian embed falls back to a file of that name anywhere in the vault: a vault
    folder that is a symlink to elsewhere must not make that elsewhere reachable."""
    elsewhere = write_vault(tmp_path / "elsewhere", {"private.png": PNG})
    notes = write_vault(tmp_path / "notes", {"embed.md": "# Embed\n\n![[private.png]]\n"})
    (notes / "linked").symlink_to(elsewhere)
    output = tmp_path / "out" / "deck.apkg"
    result = build(notes, output, media_root=notes)
    assert messages(result) == [
        "embed.md:3: warning: media outside the media root refused: private.png"
    ]
    assert imported(output, tmp_path / "anki")[1] == set()


SIGNATURES = {
    "png": b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR",
    "jpg": b"\xff\xd8\xff\xe0\x00\x10JFIF",
    "jpeg": b"\xff\xd8\xff\xe1\x00\x10Exif",
    "gif": b"GIF89a\x01\x00\x01\x00",
    "webp": b"RIFF\x24\x00\x00\x00WEBPVP8 ",
    "svg": b'<?xml version="1.0"?>\n<svg xmlns="http://www.w3.org/2000/svg">',
    "bmp": b"BM\x36\x00\x00\x00",
    "avif": b"\x00\x00\x00\x1cftypavif",
    "ico": b"\x00\x00\x01\x00\x01\x00",
    "mp3": b"ID3\x04\x00\x00",
    "ogg": b"OggS\x00\x02",
    "oga": b"OggS\x00\x02",
    "wav": b"RIFF\x24\x00\x00\x00WAVEfmt ",
    "m4a": b"\x00\x00\x00\x20ftypM4A ",
    "flac": b"fLaC\x00\x00\x00\x22",
    "opus": b"OggS\x00\x02",
    "mp4": b"\x00\x00\x00\x18ftypmp42",
    "webm": b"\x1a\x45\xdf\xa3\x01\x00",
    "ogv": b"OggS\x00\x02",
    "mov": b"\x00\x00\x00\x14ftypqt  ",
    "mkv": b"\x1a\x45\xdf\xa3\x01\x00",
}


def test_every_media_extension_has_a_signature() -> None:
    assert set(SIGNATURES) == MEDIA_EXTENSIONS


@pytest.mark.parametrize("extension", sorted(MEDIA_EXTENSIONS))
def test_content_sniffing_accepts_the_real_format_and_refuses_text(extension: str) -> None:
    assert looks_like(extension, SIGNATURES[extension])
    assert not looks_like(extension, SECRET)
    assert not looks_like(extension, b"")
    others = {SIGNATURES[e] for e in SIGNATURES if not _same_family(e, extension)}
    assert not [head for head in others if looks_like(extension, head)]


def _same_family(one: str, other: str) -> bool:
    families = [{"jpg", "jpeg"}, {"ogg", "oga", "opus", "ogv"}, {"webm", "mkv"},
                {"avif", "m4a", "mp4", "mov"}]
    return one == other or any({one, other} <= family for family in families)


def test_media_that_is_a_named_pipe_is_refused_without_hanging(tmp_path: Path) -> None:
    notes = write_vault(tmp_path / "notes", {"pipe.md": "# Pipe\n\n![](pipe.png)\n"})
    os.mkfifo(notes / "pipe.png")
    result = build(notes, tmp_path / "out" / "deck.apkg")
    assert messages(result) == ["pipe.md:3: warning: not a regular file, refused: pipe.png"]


# --- HTML --------------------------------------------------------------------------------

UNSAFE_NOTE = """# Parent <img src=x onerror=alert(1)>

## 脚本 / Script <svg onload=alert(2)>

<script>alert("block")</script>

<div onclick="alert(3)" style="background:url(javascript:alert(4))">div</div>

Inline <img src="https://example.com/a.png" onerror="alert(5)"> text.

<a href="javascript:alert(6)">js</a> <a href="JaVaScRiPt:alert(7)">mixed</a>
<a href=" jav&#x09;ascript:alert(8)">entity</a> <a href="javascript&colon;alert(9)">colon</a>

<a href="data:text/html;base64,PHNjcmlwdD5hbGVydCgxMCk8L3NjcmlwdD4=">data</a>

<iframe srcdoc="<script>alert(11)</script>"></iframe> <iframe src="javascript:alert(12)"></iframe>

<svg><a><animate attributeName="href" values="javascript:alert(13)"/><text>t</text></a></svg>

<form action="javascript:alert(14)"><button formaction="javascript:alert(15)">b</button></form>

<object data="javascript:alert(16)"></object> <embed src="javascript:alert(17)">

<math><maction actiontype="statusline" xlink:href="javascript:alert(18)">m</maction></math>

<meta http-equiv="refresh" content="0;url=javascript:alert(19)"> <base href="javascript:x//">

<SCRIPT SRC="https://example.com/x.js"></SCRIPT><scr<script>ipt>alert(20)</script>

[link](javascript:alert(21)) [upper](JAVASCRIPT:alert(22)) <javascript:alert(23)>
[entity](&#106;avascript:alert(24)) [vb](vbscript:msgbox(25)) ![image](javascript:alert(26))
[data](data:text/html,<b>27</b>) [ref][evil]

[evil]: javascript:alert(28)
"""


@pytest.fixture
def unsafe_notes(tmp_path: Path) -> Path:
    files = {"unsafe.md": UNSAFE_NOTE, "<img src=x onerror=alert(0)>.md": "# F\n\nf\n"}
    return write_vault(tmp_path / "notes", files)


def test_unsafe_html_is_removed_from_every_field_imported_into_anki(
    unsafe_notes: Path, tmp_path: Path
) -> None:
    output = tmp_path / "out" / "deck.apkg"
    result = build(unsafe_notes, output)
    found = imported(output, tmp_path / "anki")[0]
    assert len(found) == 2
    active = {
        f"{note.fields['Prompt']} {name}": active_content(value)
        for note in found
        for name, value in note.fields.items()
    }
    assert {where: what for where, what in active.items() if what} == {}
    script = by_prompt(found)["脚本 / Script <svg>"]
    assert script.fields["PromptCJK"] == "脚本"
    assert "alert(21)" in script.fields["Answer"]  # the link's text stays, as text
    removed = sorted({d.message for d in result.diagnostics if "unsafe" in d.message})
    assert removed == [
        "link to a data: URL is unsafe: shown as text",
        "link to a javascript: URL is unsafe: shown as text",
        "link to a vbscript: URL is unsafe: shown as text",
        "unsafe HTML removed: <base>",
        "unsafe HTML removed: <embed>",
        "unsafe HTML removed: <meta>",
        "unsafe HTML removed: <object>",
        "unsafe HTML removed: <script>",
        "unsafe HTML removed: data: URL",
        "unsafe HTML removed: javascript: URL",
        "unsafe HTML removed: onclick=",
        "unsafe HTML removed: onerror=",
        "unsafe HTML removed: onload=",
        "unsafe HTML removed: script in style=",
        "unsafe HTML removed: srcdoc=",
        "unsafe HTML removed: values= holding a script URL",
    ]


def test_allow_unsafe_html_keeps_everything(unsafe_notes: Path, tmp_path: Path) -> None:
    """The control for the test above: the checker does find what the sanitizer removes."""
    output = tmp_path / "out" / "deck.apkg"
    build(unsafe_notes, output, allow_unsafe_html=True)
    found = imported(output, tmp_path / "anki")[0]
    answer = by_prompt(found)["脚本 / Script <svg onload=\"alert(2)\">"].fields["Answer"]
    assert {"<script>", "div onclick=", "iframe srcdoc=", "a href='javascript:alert(6)'"} <= set(
        active_content(answer)
    )


# --- the notes are never written --------------------------------------------------------


def _snapshot(root: Path) -> dict[str, tuple[int, int, int, str]]:
    """Mode, size, mtime and content hash of every entry under ``root`` (links not followed)."""
    state: dict[str, tuple[int, int, int, str]] = {}
    for folder, dirs, files in os.walk(root):
        for name in dirs + files:
            path = Path(folder) / name
            info = path.lstat()
            digest = ""
            if path.is_file() and not path.is_symlink():
                digest = hashlib.sha256(path.read_bytes()).hexdigest()
            state[path.relative_to(root).as_posix()] = (
                info.st_mode, info.st_size, info.st_mtime_ns, digest
            )
    return state


def test_a_build_and_a_check_never_modify_the_notes(tmp_path: Path) -> None:
    vault = copy_vault("hostile", tmp_path / "vault")
    shutil.copytree(REPO / "tests" / "vaults" / "basic", vault / "basic")
    write_vault(vault, {"nul.md": b"# NUL\n\nx\x00y\n", "crlf.md": b"# CRLF\r\n\r\nBody.\r\n"})
    (vault / "loop").symlink_to(".")
    os.mkfifo(vault / "pipe.md")
    before = _snapshot(vault)
    output = tmp_path / "out" / "deck.apkg"
    build(vault, output)
    build(vault, output, now=T2)
    build_deck(deck_config(vault, output), BuildOptions(dry_run=True))
    assert _snapshot(vault) == before


# --- two builds at once, and killed builds --------------------------------------------------


def test_a_second_build_of_the_same_deck_at_once_fails_with_a_clear_error(
    tmp_path: Path,
) -> None:
    notes = write_vault(
        tmp_path / "notes", {f"n{i}.md": f"# Note {i}\n\nAnswer {i}.\n" for i in range(3)}
    )
    output = tmp_path / "out" / "deck.apkg"
    second: list[subprocess.CompletedProcess[str]] = []

    def start_another_build(done: int, total: int) -> None:
        if done == 1:
            second.append(
                subprocess.run(
                    flashgen_command("build", str(notes), "-o", str(output), "--deck", "Hostile"),
                    capture_output=True, text=True, cwd=tmp_path, env=subprocess_env(), timeout=120,
                )
            )
            assert not output.exists()

    first = build_deck(deck_config(notes, output), BuildOptions(now=T1), start_another_build)
    [other] = second
    assert (other.returncode, other.stdout, other.stderr) == (
        1,
        "",
        f"Error: another flashgen build is writing {output} right now; try again when it ends\n",
    )
    assert first.written
    assert len(imported(output, tmp_path / "anki")[0]) == 3


KILL_VAULT_FILES = 150
KILL_ATTEMPTS = 5


def _temporary(folder: Path, prefix: str) -> Callable[[], bool]:
    """True while a temporary file ``prefix…`` (package or lockfile being written) exists."""

    def present() -> bool:
        return any(
            name.startswith(prefix) and not name.endswith(".build-lock")
            for name in os.listdir(folder)
        )

    return present


def _running_for(seconds: float) -> Callable[[], bool]:
    """True once the build has run for a while: it is reading and rendering notes."""
    start = os.times().elapsed
    return lambda: os.times().elapsed - start > seconds


def _killed(command: list[str], cwd: Path, when: Callable[[], Callable[[], bool]]) -> bool:
    """Run the build at the lowest priority, SIGKILL it as soon as ``when()`` says so; did
    the kill land before the build ended?"""
    nice = ["nice", "-n", "19"] if shutil.which("nice") else []
    process = subprocess.Popen([*nice, *command], env=subprocess_env(), cwd=cwd)
    ready = when()
    while process.poll() is None:
        if ready():
            process.send_signal(signal.SIGKILL)
            break
    return process.wait() == -signal.SIGKILL


def test_a_killed_build_leaves_the_previous_package_and_lockfile_whole(tmp_path: Path) -> None:
    vault = tmp_path / "vault"
    subprocess.run(
        [sys.executable, str(REPO / "benchmarks" / "make_vault.py"), str(vault),
         "--files", str(KILL_VAULT_FILES)],
        check=True, capture_output=True,
    )
    output = tmp_path / "out" / "deck.apkg"
    config = deck_config(vault, output)
    guids = {note.guid for note in build_deck(config, BuildOptions(now=T1)).plan.notes}
    command = flashgen_command("build", str(vault), "-o", str(output), "--deck", "Hostile", "-q")
    moments: dict[str, Callable[[], Callable[[], bool]]] = {
        "reading notes": lambda: _running_for(0.5),
        "writing the package": lambda: _temporary(output.parent, f".{output.name}."),
        "writing the lockfile": lambda: _temporary(output.parent, f".{config.lockfile.name}."),
    }
    edits = 0
    for moment, when in moments.items():
        for _ in range(KILL_ATTEMPTS):  # a build that ends before the moment is seen: again
            edits += 1
            for path in vault.rglob("*.md"):
                with open(path, "a", encoding="utf-8") as note:
                    note.write(f"\nEdit number {edits}.\n")
            previous = output.read_bytes()
            if _killed(command, tmp_path, when):
                break
        else:
            pytest.fail(f"no build was killed while {moment} in {KILL_ATTEMPTS} attempts")

        # The package is the previous one, or (killed just after the rename) the whole new
        # one: never a part of one.
        if moment == "reading notes":
            assert output.read_bytes() == previous
        with zipfile.ZipFile(output) as archive:
            assert archive.testzip() is None, moment
        found = imported(output, tmp_path / "anki" / moment.replace(" ", "-"))[0]
        assert {note.guid for note in found} == guids, moment
        lock = load_lock(config.lockfile)
        assert lock is not None
        assert {entry.guid for entry in lock.entries if entry.active} == guids, moment

    after = build_deck(config, BuildOptions(now=T2))
    assert after.written
    found = imported(output, tmp_path / "anki" / "after")[0]
    assert {note.guid for note in found} == guids
    assert any(f"Edit number {edits}." in note.fields["Answer"] for note in found)


def test_check_writes_nothing(tmp_path: Path) -> None:
    notes = copy_vault("hostile", tmp_path / "notes")
    output = tmp_path / "out" / "deck.apkg"
    result = build_deck(deck_config(notes, output), BuildOptions(dry_run=True))
    assert result.errors
    assert not result.written
    assert not output.parent.exists()
