"""Organisation admin pages: profile, people, invitations."""

from __future__ import annotations

from fastapi import APIRouter

router = APIRouter()
