"""Organisations: profiles and people (filled in with the organisation admin pages)."""

from __future__ import annotations

from fastapi import APIRouter

router = APIRouter(tags=["organizations"])
