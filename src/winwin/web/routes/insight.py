"""web routes for insight (filled in by its capability)."""

from fastapi import APIRouter

router = APIRouter()
