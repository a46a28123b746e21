"""The bare baseline: a tiny Flask app with raw SQL and one Jinja template of similar size serving the
same proposal list page (random order, page 1) and the same bbox GeoJSON from the same database file.

It does what any page must do (one query, one template, escaping, a JSON body) and nothing the
platform adds (sessions, CSRF, locale, permissions, hidden-content rules beyond the WHERE clause,
security headers, compression). What the app costs beyond it is the platform's overhead.

    BASELINE_DATABASE_URL=sqlite:////tmp/x.sqlite3 .venv/bin/gunicorn --chdir bench "baseline:create_app()"
"""
from __future__ import annotations

import os
import random
import sqlite3
import threading
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from flask import Flask, abort, jsonify, render_template_string, request

PER_PAGE = 20
GEOJSON_LIMIT = 500
CELL_LAT, CELL_LON, ROW = 0.0025, 0.003, 1_000_000  # the app's grid (core.geo)
HIDE_CLOSED_AFTER = timedelta(days=183)
CITY_TZ = ZoneInfo("Asia/Tokyo")

TEMPLATE = """<!doctype html>
<html lang="ja">
<head>
  <meta charset="utf-8">
  <meta name="viewport" content="width=device-width, initial-scale=1">
  <title>提案: {{ title }} | みどり川市 市民参加</title>
  <link rel="stylesheet" href="/static/css/site.css">
</head>
<body>
  <a class="skip-link" href="#main">本文へ移動</a>
  <header class="site-header"><div class="wrap header-inner">
    <p class="site-name"><a href="/">みどり川市 <span class="site-sub">市民参加</span></a></p>
    <nav class="lang-switch" aria-label="言語"><ul><li><span aria-current="true" lang="ja">日本語</span></li>
      <li><a href="?lang=en" lang="en" hreflang="en">English</a></li></ul></nav></div>
    <nav class="main-nav" aria-label="メイン"><details class="site-menu"><summary class="menu-button">メニュー</summary>
      <ul class="wrap"><li><a href="/">ホーム</a></li>
      <li><a href="/processes/" aria-current="page">参加プロセス</a></li>
      <li><a href="/issues/">まちの課題</a></li><li><a href="/meetings/">会議</a></li>
      <li><a href="/alerts/">お知らせ</a></li>
      <li><a href="/auth/login">ログイン</a></li><li><a href="/auth/register">アカウント登録</a></li>
      </ul></details></nav>
  </header>
  <main id="main" class="wrap">
  <p><a href="/processes/{{ slug }}/">{{ title }}</a></p>
  <h1>提案</h1>
  <details class="filter-box"><summary>絞り込み</summary>
  <form method="get" class="filters" role="search" aria-label="提案の検索と絞り込み">
    <div class="field"><label for="q">検索</label><input type="search" id="q" name="q" maxlength="200"></div>
    <div class="field"><label for="state">状態</label><select id="state" name="state">
      {% for value, label in states %}<option value="{{ value }}">{{ label }}</option>{% endfor %}</select></div>
    <div class="field"><label for="sort">並び順</label><select id="sort" name="sort">
      {% for value, label in sorts %}<option value="{{ value }}">{{ label }}</option>{% endfor %}</select></div>
    <button type="submit" class="button button-secondary">表示</button>
  </form></details>
  <details class="map-toggle"><summary>位置のある提案の地図</summary>
    <div class="map" data-map role="region" aria-label="提案の地図"
         data-geojson="/processes/{{ slug }}/proposals.geojson">
    <p class="map-fallback">地図の表示にはJavaScriptが必要です。</p></div></details>
  <ul class="proposal-list">
  {% for p in items %}
  <li class="card proposal-card">
    <h2 class="card-title"><a href="/proposals/{{ p.id }}">{{ p.title }}</a></h2>
    <p class="meta"><span class="state state-{{ p.state }}">{{ state_labels.get(p.state, p.state) }}</span>
      · 賛同 {{ p.supports_count }} 件 · コメント {{ p.comments_count }} 件
      {% if p.latitude is not none %}· 位置あり{% endif %} · {{ p.display_name }}</p>
    <p>{{ p.body | truncate(140) }}</p>
  </li>
  {% endfor %}
  </ul>
  {% if has_next %}<nav aria-label="ページ" class="pagination"><ul><li aria-current="page">1 ページ目</li>
    <li><a href="?page=2" rel="next">次へ</a></li></ul></nav>{% endif %}
  <p><a href="/processes/{{ slug }}/proposals.geojson">位置のある提案（GeoJSON、オープンデータ）</a></p>
  </main>
  <footer class="site-footer"><div class="wrap"><p>みどり川市 — 住民と市が一緒に決める場所です。</p>
    <p>住民が書いた内容は CC BY 4.0 で公開しています。</p>
    <ul class="footer-links"><li><a href="/moderation/transparency">モデレーションの透明性</a></li>
    <li><a href="/opendata/">オープンデータ</a></li><li><a href="/api/docs">API</a></li></ul></div></footer>
</body>
</html>
"""
STATES = [("all", "すべて（取り下げを除く）"), ("not_answered", "未回答"), ("evaluating", "検討中"),
          ("accepted", "採用"), ("rejected", "不採用"), ("withdrawn", "取り下げ")]
SORTS = [("random", "ランダム"), ("most_supported", "賛同の多い順"), ("most_commented", "コメントの多い順"),
         ("newest", "新しい順")]
STATE_LABELS = {"published": "公開中", "evaluating": "検討中", "accepted": "採用", "rejected": "不採用"}


def _connect(url: str):
    if url.startswith("sqlite:///"):
        connection = sqlite3.connect(url[len("sqlite:///"):], check_same_thread=False)
        connection.row_factory = sqlite3.Row
        connection.execute("PRAGMA journal_mode=WAL")
        return connection, "?"
    import psycopg
    from psycopg.rows import dict_row

    dsn = url.replace("postgresql+psycopg://", "postgresql://")
    return psycopg.connect(dsn, row_factory=dict_row, autocommit=True), "%s"


def create_app(database_url: str | None = None) -> Flask:
    url = database_url or os.environ["BASELINE_DATABASE_URL"]
    sqlite = url.startswith("sqlite")
    app = Flask(__name__)
    local = threading.local()  # one connection per worker thread, kept (as the app's pool does)

    def connection():
        if not hasattr(local, "db"):
            local.db, local.marker = _connect(url)
        return local.db, local.marker

    def query(sql: str, params: tuple) -> list:
        db, marker = connection()
        return db.execute(sql.replace("?", marker), params).fetchall()

    @app.get("/processes/<slug>/proposals/")
    def proposals(slug: str):
        process = query("SELECT id, title FROM processes WHERE slug = ?", (slug,))
        if not process:
            abort(404)
        start = random.randrange(2**31)
        sql = ("SELECT p.id, p.title, p.body, p.state, p.supports_count, p.comments_count, p.latitude, "
               "u.display_name FROM proposals p LEFT JOIN users u ON u.id = p.author_id "
               "WHERE p.process_id = ? AND p.hidden_at IS NULL AND p.state != 'withdrawn' AND p.random_key >= ? "
               "ORDER BY p.random_key, p.id LIMIT ?")
        rows = query(sql, (process[0]["id"], start, PER_PAGE + 1))
        title = process[0]["title"]
        if isinstance(title, str):
            import json

            title = json.loads(title)
        return render_template_string(TEMPLATE, slug=slug, title=title.get("ja", ""), items=rows[:PER_PAGE],
                                      has_next=len(rows) > PER_PAGE, states=STATES, sorts=SORTS,
                                      state_labels=STATE_LABELS)

    @app.get("/issues.geojson")
    def issues_geojson():
        try:
            min_lon, min_lat, max_lon, max_lat = (float(v) for v in request.args["bbox"].split(","))
        except (KeyError, ValueError):
            abort(400)
        rows_range = range(int((min_lat + 90) // CELL_LAT), int((max_lat + 90) // CELL_LAT) + 1)
        cols_range = range(int((min_lon + 180) // CELL_LON), int((max_lon + 180) // CELL_LON) + 1)
        cells = [r * ROW + c for r in rows_range for c in cols_range]
        # The app's rule: closed since the start of the city-time month about six months ago.
        cutoff = (datetime.now(UTC) - HIDE_CLOSED_AFTER).astimezone(CITY_TZ).replace(
            day=1, hour=0, minute=0, second=0, microsecond=0).astimezone(UTC)
        cutoff_param = cutoff.replace(tzinfo=None).strftime("%Y-%m-%d %H:%M:%S.%f") if sqlite else cutoff
        sql = ("SELECT id, title, status, latitude, longitude, category_id, metoo_count, created_at "
               "FROM issues WHERE hidden_at IS NULL AND (closed_at IS NULL OR closed_at >= ?) "
               "AND latitude BETWEEN ? AND ? AND longitude BETWEEN ? AND ? "
               f"AND geocell IN ({', '.join('?' * len(cells))}) "
               "ORDER BY created_at DESC, id DESC LIMIT ?")
        rows = query(sql, (cutoff_param, min_lat, max_lat, min_lon, max_lon, *cells, GEOJSON_LIMIT + 1))
        categories = {r["id"]: r["name"] for r in query("SELECT id, name FROM issue_categories", ())}
        features = [{"type": "Feature", "geometry": {"type": "Point", "coordinates": [r["longitude"], r["latitude"]]},
                     "properties": {"id": r["id"], "title": r["title"], "status": r["status"],
                                    "category": categories.get(r["category_id"]), "metoo_count": r["metoo_count"],
                                    "created_at": str(r["created_at"]), "url": f"/issues/{r['id']}"}}
                    for r in rows[:GEOJSON_LIMIT]]
        return jsonify({"type": "FeatureCollection", "features": features, "truncated": len(rows) > GEOJSON_LIMIT})

    return app
