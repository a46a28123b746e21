"""Bridging lives in `core.bridging` (proposals' comments use it too); re-exported for the engine's API."""
from __future__ import annotations

from ..core.bridging import BridgingScore, bridging, bridging_ranking, support_breadth

__all__ = ["BridgingScore", "bridging", "bridging_ranking", "support_breadth"]
