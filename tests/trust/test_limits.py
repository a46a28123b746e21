"""Issue 11, items 10-12: the flag limit per account, the posting limit counts final submits only
and keeps what was typed, and a pixel budget per request."""
from __future__ import annotations

import io

import pytest
from PIL import Image

from participation.core import uploads
from participation.core.errors import InvalidInput

from ..security.test_authorization import build_world
from .test_hidden import client_as


def token_of(client):
    from ..conftest import CSRF_RE

    return CSRF_RE.search(client.get("/account/").get_data(as_text=True)).group(1)


def test_flag_limit_is_per_account_not_per_address(app):
    app.config["FLAG_RATE_LIMIT"] = "1 per hour"
    world = build_world(app)
    a = client_as(app, world["users"]["resident"])
    b = client_as(app, world["users"]["other_resident"])
    data = {"target_type": "proposals", "reason": "spam", "next": "/"}
    first = a.post("/moderation/flag", data={**data, "target_id": str(world["proposal"]), "csrf_token": token_of(a)})
    assert first.status_code == 302
    again = a.post("/moderation/flag", data={**data, "target_id": str(world["own"]), "csrf_token": token_of(a)})
    assert again.status_code == 429
    # Same address (the test client's), another account: its first flag goes through.
    other = b.post("/moderation/flag", data={**data, "target_id": str(world["proposal"]), "csrf_token": token_of(b)})
    assert other.status_code == 302


def test_posting_limit_counts_only_final_submits_and_keeps_the_text(app, make_user, login, post_form,
                                                                   make_process):
    app.config["POST_RATE_LIMIT"] = "1 per minute"
    process = make_process("square")
    login(make_user())
    new = "/processes/square/proposals/new"
    step1 = {"step": "1", "title": "公園にベンチを", "body": "座る場所がありません。"}
    for _ in range(3):  # step 1 (with the similar proposals) does not count
        assert post_form(new, step1, page=new).status_code == 200
    refused = post_form(new, {"step": "2", "title": "短", "body": ""}, page=new)  # refused: not counted
    assert refused.status_code == 400
    final = {"step": "2", "title": "公園にベンチを置く", "body": "座る場所がありません。"}
    assert post_form(new, final, page=new).status_code == 302
    limited = post_form(new, {**final, "title": "二つ目の提案を書きました"}, page=new)
    assert limited.status_code == 429
    html = limited.get_data(as_text=True)
    assert "二つ目の提案を書きました" in html  # the form comes back with what was typed
    assert "短時間にたくさん投稿されました" in html
    assert process  # (the process the proposals go to)


def png(side: int) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (side, side), (255, 255, 255)).save(out, format="PNG")
    return out.getvalue()


def test_pixel_budget_per_request(app):
    big = png(5000)  # 25 million pixels: one is fine, two in one request are not
    with app.test_request_context("/"):
        upload = uploads.save_image(big)
        assert max(upload.width, upload.height) == uploads.MAX_SIDE
        with pytest.raises(InvalidInput) as refused:
            uploads.save_image(png(4999))
        assert "合わせて大きすぎます" in str(refused.value.message) or "too large together" in str(
            refused.value.message)
    with app.test_request_context("/"):  # a new request has a new budget
        uploads.save_image(png(4998))


def test_jpeg_is_decoded_at_a_reduced_scale(app):
    out = io.BytesIO()
    Image.new("RGB", (6000, 4000), (10, 120, 30)).save(out, format="JPEG")
    with app.test_request_context("/"):
        from flask import g

        upload = uploads.save_image(out.getvalue())
        assert g.upload_pixels <= 3000 * 2000  # drafted at half scale at most, not 24 MP
        assert (upload.width, upload.height) == (2048, 1365)
