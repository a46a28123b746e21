"""Rate limits of the API routes: per API key (its own limit) or per address, and per address overall."""
from __future__ import annotations

from flask import current_app, g, request
from flask_limiter.util import get_remote_address

from .models import ApiKey


def request_key() -> ApiKey | None:
    """The active API key this request carries (`api_key` parameter), looked up once per request."""
    from .services import authenticate_key

    if "api_key_row" not in g:
        g.api_key_row = authenticate_key(request.values.get("api_key"))
    return g.api_key_row


def client_limit() -> str:
    key = request_key()
    return key.rate_limit if key is not None else current_app.config["API_RATE_LIMIT"]


def client_id() -> str:
    key = request_key()
    return f"api-key:{key.id}" if key is not None else f"api-addr:{get_remote_address()}"


def address_limit() -> str:
    return current_app.config["API_ADDRESS_RATE_LIMIT"]


def limit_api(blueprint) -> None:
    """Every route of `blueprint`: the client's limit, and a ceiling per address."""
    from ..extensions import limiter

    limiter.limit(client_limit, key_func=client_id)(blueprint)
    limiter.limit(address_limit, key_func=get_remote_address)(blueprint)
