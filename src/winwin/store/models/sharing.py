"""Tables for the micro-network beyond the network document (audit, invitations)."""

from __future__ import annotations
