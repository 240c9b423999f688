"""Take the documentation's screenshots of the loop from lever to action.

Runs the Finnish browser tests of the whole loop and of a learning initiative
(``tests/e2e/initiatives/test_loop_browser.py``, ``test_learning_browser.py``: a demo
server, Debian's chromium at /usr/bin/chromium through Playwright, 1000 px wide) with
``WINWIN_SCREENSHOTS`` pointing at a fresh folder, then
writes each PNG smaller into ``docs/img/`` (or ``--out``): ancillary chunks dropped and
the image data compressed again at zlib's highest level (and by ``optipng`` when it is
installed). The pictures come from the same steps the test checks, so they show what
the product does.

    PYTHONPATH=src:tests .venv/bin/python tools/screenshots.py [--out docs/img]
"""

from __future__ import annotations

import argparse
import os
import shutil
import struct
import subprocess
import sys
import tempfile
import zlib
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
TESTS = [
    "tests/e2e/initiatives/test_loop_browser.py",
    "tests/e2e/initiatives/test_learning_browser.py",
]
SIGNATURE = b"\x89PNG\r\n\x1a\n"
KEEP = {b"IHDR", b"PLTE", b"tRNS", b"IDAT", b"IEND"}


def _chunks(data: bytes) -> list[tuple[bytes, bytes]]:
    if not data.startswith(SIGNATURE):
        raise ValueError("not a PNG file")
    out, at = [], len(SIGNATURE)
    while at < len(data):
        (length,) = struct.unpack(">I", data[at : at + 4])
        kind = data[at + 4 : at + 8]
        out.append((kind, data[at + 8 : at + 8 + length]))
        at += 12 + length
    return out


def _chunk(kind: bytes, body: bytes) -> bytes:
    crc = zlib.crc32(kind + body) & 0xFFFFFFFF
    return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", crc)


def shrink(data: bytes) -> bytes:
    """The same image with only the chunks needed to show it and its pixel data deflated
    at level 9 (the filtered scanlines are kept as they are, so the pixels are too)."""
    chunks = [(k, b) for k, b in _chunks(data) if k in KEEP]
    pixels = zlib.decompress(b"".join(b for k, b in chunks if k == b"IDAT"))
    head = [_chunk(k, b) for k, b in chunks if k not in (b"IDAT", b"IEND")]
    packed = _chunk(b"IDAT", zlib.compress(pixels, 9))
    smaller = SIGNATURE + b"".join(head) + packed + _chunk(b"IEND", b"")
    return smaller if len(smaller) < len(data) else data


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--out", type=Path, default=ROOT / "docs" / "img")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as shots:
        env = {**os.environ, "WINWIN_SCREENSHOTS": shots, "WINWIN_REQUIRE_BROWSER": "1"}
        env["PYTHONPATH"] = os.pathsep.join(filter(None, ["src", "tests", env.get("PYTHONPATH")]))
        command = [sys.executable, "-m", "pytest", "-p", "no:cacheprovider", "-q", "-m"]
        done = subprocess.run([*command, "browser", *TESTS], cwd=ROOT, env=env, check=False)
        if done.returncode != 0:
            print("a browser test failed; no screenshots written", file=sys.stderr)
            return done.returncode
        args.out.mkdir(parents=True, exist_ok=True)
        optipng = shutil.which("optipng")
        for shot in sorted(Path(shots).glob("*.png")):
            target = args.out / shot.name
            target.write_bytes(shrink(shot.read_bytes()))
            if optipng:
                subprocess.run([optipng, "-quiet", "-o2", str(target)], check=True)
            print(f"wrote {target.relative_to(ROOT)} ({target.stat().st_size // 1024} KiB)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
