"""REST routes of open innovation (filled in by the innovation API work)."""

from __future__ import annotations

from fastapi import APIRouter

router = APIRouter(tags=["innovation"])
