"""Where a report is: the map's point, or an address or landmark resolved through the gazetteer."""
from __future__ import annotations

from typing import Any

from flask_babel import lazy_gettext as _l

from ..core.errors import InvalidInput
from ..core.sanitize import clean_text
from ..places import lookup
from .models import ADDRESS_MAX
from .queries import clean_place


class PlaceChoice(InvalidInput):
    """Several places of the gazetteer match the typed address: the resident chooses one (`matches`)."""

    def __init__(self, matches: list[lookup.Match]):
        super().__init__(_l("Several places match. Please choose one."), field="address")
        self.matches = matches


def locate(data: dict[str, Any]) -> tuple[float, float]:
    """The point of a report: the map's (or typed) coordinates, else the chosen or typed gazetteer place."""
    if data.get("latitude") in (None, "") and data.get("longitude") in (None, ""):
        chosen = lookup.get(data.get("place_id"))
        if chosen is not None:
            return chosen.latitude, chosen.longitude
        text = " ".join(clean_text(data.get("address")).split())[:ADDRESS_MAX]
        if text:
            match = lookup.resolve(text)
            if match is not None:
                return match.latitude, match.longitude
            found = lookup.search(text)
            if found:
                raise PlaceChoice(found)
            raise InvalidInput(_l("We could not find “%(address)s”. Check the spelling, try a nearby landmark, "
                                  "or choose the place on the map.", address=text), field="address")
    return clean_place(data.get("latitude"), data.get("longitude"))
