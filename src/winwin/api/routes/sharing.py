"""api routes for sharing (filled in by its capability)."""

from fastapi import APIRouter

router = APIRouter()
