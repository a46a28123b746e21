"""GET /places/search?q=: suggestions for the address field (JSON, public, rate limited)."""
from __future__ import annotations

from flask import Blueprint, current_app, jsonify, request

from ..extensions import limiter
from . import lookup

bp = Blueprint("places", __name__)


def _limit() -> str:
    return current_app.config["PLACES_SEARCH_RATE_LIMIT"]


@bp.get("/places/search")
@limiter.limit(_limit)
def search():
    """[{"name", "kind": "town|block|landmark", "lat", "lon"}], at most 8; [] for an empty query."""
    found = lookup.search(request.args.get("q", "")[:lookup.QUERY_MAX])
    return jsonify([{"name": m.full_name(), "kind": m.kind, "lat": round(m.latitude, 6),
                    "lon": round(m.longitude, 6)} for m in found])
