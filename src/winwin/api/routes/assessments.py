"""api routes for assessments (filled in by its capability)."""

from fastapi import APIRouter

router = APIRouter()
