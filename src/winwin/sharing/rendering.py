"""Markdown of items and comments, made safe to insert into a page."""

from __future__ import annotations

import nh3
from markdown_it import MarkdownIt

_markdown = MarkdownIt("commonmark", {"html": False, "linkify": False}).enable("table")


def render_markdown(text: str) -> str:
    """Markdown to HTML that is safe to insert into a page.

    Raw HTML in the source is shown as text (markdown-it's ``html`` is off) and the
    result is sanitised again by nh3, so a script in a title or body stays inert.
    """
    return nh3.clean(_markdown.render(text), link_rel="noopener noreferrer nofollow")
