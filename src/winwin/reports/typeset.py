"""Typesetting with Typst (the ``typst`` package from PyPI: one self-contained wheel).

A report is a Typst template shipped in this package plus its data: ``data.json`` holds
every text and number already worded and formatted in the report's language, and each
chart is an SVG file beside it. The template reads the data as values, so no name or
title typed by a user is ever read as Typst markup.

**Fonts.** Only the fonts embedded in the ``typst`` wheel are used (Libertinus Serif for
text, DejaVu Sans Mono for code); the machine's own fonts are ignored, so a report looks
the same wherever it is made and needs no system package.
"""

from __future__ import annotations

import json
import tempfile
from collections.abc import Mapping
from importlib.resources import files
from pathlib import Path
from typing import Any

import typst


class TypesettingError(RuntimeError):
    """Typst refused a report (a fault of the template or its data, never of the user)."""


def template(name: str) -> str:
    """The text of one of the package's Typst templates."""
    return files("winwin.reports").joinpath("templates", name).read_text(encoding="utf-8")


def render_pdf(template_name: str, data: Mapping[str, Any], svgs: Mapping[str, str]) -> bytes:
    """The PDF of a template with its data (``data.json``) and charts (file name → SVG)."""
    with tempfile.TemporaryDirectory(prefix="winwin-report-") as folder:
        root = Path(folder)
        (root / "main.typ").write_text(template(template_name), encoding="utf-8")
        (root / "data.json").write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
        for name, svg in svgs.items():
            (root / name).write_text(svg, encoding="utf-8")
        try:
            pdf = typst.compile(str(root / "main.typ"), root=str(root), ignore_system_fonts=True)
        except Exception as exc:  # typst raises its own TypstError
            raise TypesettingError(str(exc)) from exc
    assert isinstance(pdf, bytes)
    return pdf
