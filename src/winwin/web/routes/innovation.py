"""Pages of open innovation (filled in by the innovation web work)."""

from __future__ import annotations

from fastapi import APIRouter

router = APIRouter()
