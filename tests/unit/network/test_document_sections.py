"""The sections of the network document come in the order of their numbers, however
their modules were imported, and a number is one section's only."""

from __future__ import annotations

import pytest

from winwin.network import io
from winwin.network.sections import list_section


def test_every_capability_section_is_found_in_its_order() -> None:
    found = io.sections()
    orders = [section.order for section in found]
    assert orders == sorted(orders)
    names = [getattr(section.start, "__qualname__", "") for section in found]
    assert names == [
        "NetworkSection",
        "ItemsSection",
        "InnovationSection",
        "AssessmentsSection",
        "list_section:actions",
        "list_section:initiatives",
        "list_section:tie_sharing",
    ]


def test_a_taken_number_is_refused_and_the_sections_stay_as_they_were() -> None:
    before = io.sections()
    with pytest.raises(ValueError, match="document section 20 is taken"):
        list_section(20, "elsewhere", lambda *_: None, lambda *_: (0, 0), lambda *_: [])  # type: ignore[arg-type,return-value]
    assert io.sections() == before
