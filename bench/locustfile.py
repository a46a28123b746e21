"""Locust users for `load.py`: anonymous residents reading the main pages (or the baseline's two).

BENCH_TARGET=app|baseline, BENCH_SLUG, BENCH_PROPOSALS="first:count", BENCH_ISSUES="first:count" and
BENCH_ACCEPT_ENCODING come from `load.py`.
"""
from __future__ import annotations

import os
import random

from locust import FastHttpUser, constant, task

LAT0, LON0, SPAN_LAT, SPAN_LON = 35.52, 139.55, 0.27, 0.33
SLUG = os.environ.get("BENCH_SLUG", "bench")
FIRST_PROPOSAL, PROPOSALS = (int(v) for v in os.environ.get("BENCH_PROPOSALS", "1:1000").split(":"))
FIRST_ISSUE, ISSUES = (int(v) for v in os.environ.get("BENCH_ISSUES", "1:10000").split(":"))
HEADERS = {"Accept-Encoding": os.environ.get("BENCH_ACCEPT_ENCODING", "gzip, deflate, br")}
LIST = f"/processes/{SLUG}/proposals/"


def viewport() -> str:
    lat = LAT0 + random.random() * (SPAN_LAT - 0.004)
    lon = LON0 + random.random() * (SPAN_LON - 0.006)
    return f"{lon:.5f},{lat:.5f},{lon + 0.006:.5f},{lat + 0.004:.5f}"


class Resident(FastHttpUser):
    """The eight main pages, equally often."""

    wait_time = constant(0)

    def get(self, path: str, name: str) -> None:
        self.client.get(path, name=name, headers=HEADERS)

    @task
    def home(self):
        self.get("/", "home")

    @task
    def proposal_list(self):
        self.get(LIST, "proposal list")

    @task
    def search(self):
        self.get(LIST + "?q=" + random.choice(["公園", "駐輪場", "駅前", "ベンチ", "図書館"]), "search")

    @task
    def proposal_page(self):
        self.get(f"/proposals/{FIRST_PROPOSAL + random.randrange(PROPOSALS)}", "proposal page")

    @task
    def issues(self):
        self.get("/issues/", "/issues/")

    @task
    def geojson(self):
        self.get(f"/issues.geojson?bbox={viewport()}", "issues.geojson")

    @task
    def issue_page(self):
        self.get(f"/issues/{FIRST_ISSUE + random.randrange(ISSUES)}", "issue page")

    @task
    def stats(self):
        self.get("/issues/stats", "/issues/stats")


class ListAndMap(FastHttpUser):
    """Only the proposal list and the GeoJSON: what the baseline serves (and the app, for the comparison)."""

    wait_time = constant(0)

    @task
    def proposal_list(self):
        self.client.get(LIST, name="proposal list", headers=HEADERS)

    @task
    def geojson(self):
        self.client.get(f"/issues.geojson?bbox={viewport()}", name="issues.geojson", headers=HEADERS)
