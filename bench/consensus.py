"""Benchmark: the consensus engine against Pol.is's own groups, and the speed of one recompute.

For each Pol.is conversation in the data folder (participants-votes.csv, comments.csv, summary.csv
per folder; the shared open data are CC BY 4.0, see LICENSE-NOTE.md there) prints the adjusted
Rand index with the groups Pol.is itself assigned, over the participants Pol.is grouped: the
engine with k given (Pol.is's number of groups) and with k chosen by the engine, and the plain
baseline (column-mean imputation, PCA, k-means), then how the engine's GIC top 5 overlaps its
overall consensus list and the bridging top 10 overlaps the GIC top 10, and the medians over the
conversations with at least 100 participants. Then times one whole recompute on a synthetic
10,000 participants x 1,000 statements at about 10 % density (about 950,000 votes), sparse path
(scipy.sparse + svds) and dense path (full SVD), with the machine's load average.

    .venv/bin/python bench/consensus.py
    .venv/bin/python bench/consensus.py --data ../shared/data/polis --runs 5
    .venv/bin/python bench/consensus.py --no-speed
"""
from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from collections.abc import Callable
from functools import partial
from pathlib import Path
from typing import Literal

import numpy as np
from sklearn.cluster import KMeans
from sklearn.decomposition import PCA
from sklearn.metrics import adjusted_rand_score, silhouette_score
from threadpoolctl import threadpool_limits  # type: ignore[import-untyped]

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from participation.conversations import engine  # noqa: E402
from tests.conversations.test_engine import PolisConversation, ari_with_polis, load_polis  # noqa: E402


def plain_groups(conversation: PolisConversation, k: int | None) -> dict[int, int]:
    """Baseline: unseen cells imputed with the column mean of the seen ones, moderation ignored,
    PCA to 2-D, k-means (k given, or chosen by silhouette over 2..5) on the participants with at
    least min(7, columns) votes, the others put in the group of the nearest centre."""
    votes = conversation.votes.latest()
    pids, rows = np.unique(votes.participant, return_inverse=True)
    _, cols = np.unique(votes.statement, return_inverse=True)
    n, c = pids.size, int(cols.max()) + 1
    matrix = np.full((n, c), np.nan)
    matrix[rows, cols] = votes.value
    means = np.nanmean(matrix, axis=0)
    matrix = np.where(np.isnan(matrix), means[None, :], matrix)
    points = PCA(n_components=2, random_state=0).fit_transform(matrix)
    active = np.bincount(rows, minlength=n) >= min(7, c)
    fits = {q: KMeans(n_clusters=q, n_init=10, random_state=0).fit(points[active]) for q in ([k] if k else range(2, 6))}
    if k is None:
        k = max(fits, key=lambda q: silhouette_score(points[active], fits[q].labels_))
    labels = fits[k].predict(points)
    labels[active] = fits[k].labels_
    return dict(zip(pids.tolist(), labels.tolist(), strict=True))


def ari_plain(conversation: PolisConversation, k: int | None) -> float:
    groups = plain_groups(conversation, k)
    ids = sorted(conversation.groups)
    return float(adjusted_rand_score([conversation.groups[i] for i in ids], [groups[i] for i in ids]))


def quality(data: Path) -> None:
    folders = sorted(p for p in data.iterdir() if (p / "participants-votes.csv").exists())
    if not folders:
        sys.exit(f"no Pol.is conversations in {data}")
    print(f"Agreement with Pol.is's own groups (adjusted Rand index over the participants Pol.is grouped), {data}")
    print(f"{'conversation':<46} {'n':>5} {'k':>2} | {'given':>5} {'chosen':>6} {'k':>2} | {'plain':>5} {'plain*':>6} |"
          f" {'GIC5&cons5':>10} {'bridge10&GIC10':>14}")
    columns: dict[str, list[float]] = {"given": [], "chosen": [], "plain": [], "plain*": []}
    for folder in folders:
        conversation = load_polis(folder)
        n = int(np.unique(conversation.votes.participant).size)
        with threadpool_limits(limits=1):
            given = engine.compute(conversation.votes, moderated_out=conversation.moderated_out, k=conversation.k)
            chosen = engine.compute(conversation.votes, moderated_out=conversation.moderated_out)
            plain, plain_chosen = ari_plain(conversation, conversation.k), ari_plain(conversation, None)
        row = {"given": ari_with_polis(conversation, given), "chosen": ari_with_polis(conversation, chosen),
               "plain": plain, "plain*": plain_chosen}
        gic5 = {g.statement for g in chosen.gic_top("agree", 5)}
        consensus5 = {c.statement for c in chosen.consensus_agree}
        gic10 = {g.statement for g in chosen.gic_top("agree", 10)}
        live = [v for v in zip(conversation.votes.participant.tolist(), conversation.votes.statement.tolist(),
                               conversation.votes.value.tolist(), strict=True)
                if v[1] not in conversation.moderated_out]
        bridge10 = {b.statement for b in engine.bridging_ranking(engine.bridging(live))[:10]}
        print(f"{folder.name[:46]:<46} {n:>5} {conversation.k:>2} | {row['given']:5.2f} {row['chosen']:6.2f}"
              f" {chosen.k:>2} | {row['plain']:5.2f} {row['plain*']:6.2f} |"
              f" {len(gic5 & consensus5):>4} of {len(consensus5):<3} {len(bridge10 & gic10):>7} of {len(gic10):<4}")
        if n >= 100:
            for key, value in row.items():
                columns[key].append(value)
    if columns["given"]:
        print(f"{'median over the ' + str(len(columns['given'])) + ' with n >= 100':<57} | "
              f"{statistics.median(columns['given']):5.2f} {statistics.median(columns['chosen']):6.2f}    | "
              f"{statistics.median(columns['plain']):5.2f} {statistics.median(columns['plain*']):6.2f} |")
    print("given: k = Pol.is's number of groups; chosen: k chosen by the engine (its k shown); plain: column-mean"
          " imputation + PCA + k-means (plain*: k by silhouette).")
    print("Representative statements: not compared. The open-data export (participants-votes.csv, comments.csv,"
          " summary.csv) does not contain Pol.is's published representative statements.")


def synthetic(participants: int, statements: int, density: float, seed: int = 1) -> tuple[engine.Votes, set[int]]:
    """Three latent opinion groups leaning differently on every statement; 3 % of statements moderated out."""
    rng = np.random.default_rng(seed)
    per = rng.binomial(statements, density, participants)
    who = np.repeat(np.arange(participants), per)
    what = np.concatenate([rng.choice(statements, count, replace=False) for count in per])
    group = rng.integers(0, 3, participants)
    lean = rng.uniform(-1, 1, (3, statements))
    p_agree = 0.45 + 0.35 * lean[group[who], what]
    draw = rng.random(who.size)
    values = np.where(draw < p_agree, 1, np.where(draw < 0.9, -1, 0)).astype(np.int8)
    moderated = set(rng.choice(statements, statements * 3 // 100, replace=False).tolist())
    return engine.Votes(who, what, values), moderated


def seconds(fn: Callable[[], object], runs: int) -> list[float]:
    fn()  # warm-up
    samples = []
    for _ in range(runs):
        start = time.perf_counter()
        fn()
        samples.append(time.perf_counter() - start)
    return samples


def speed(participants: int, statements: int, density: float, runs: int) -> None:
    votes, moderated = synthetic(participants, statements, density)
    print(f"\nOne recompute, synthetic {participants:,} participants x {statements:,} statements, {len(votes):,} votes"
          f" (density {len(votes) / participants / statements:.3f}), one thread, {os.cpu_count()} cores")
    load_before = os.getloadavg()
    paths: tuple[Literal["sparse", "dense"], ...] = ("sparse", "dense")
    for path in paths:
        samples = seconds(partial(engine.compute, votes, moderated_out=moderated, svd=path), runs)
        print(f"{path + ' path':<14} median {statistics.median(samples):6.2f} s   min {min(samples):6.2f} s"
              f"   (n={runs})")
    result = engine.compute(votes, moderated_out=moderated)
    load_after = os.getloadavg()
    print(f"groups: k={result.k}, sizes {result.group_sizes}")
    print("load average (1, 5, 15 min) before: {:.2f} {:.2f} {:.2f}, after: {:.2f} {:.2f} {:.2f}".format(
        *load_before, *load_after))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=ROOT / "tests" / "data" / "polis",
                        help="folder of Pol.is conversations (default: tests/data/polis)")
    parser.add_argument("--participants", type=int, default=10_000)
    parser.add_argument("--statements", type=int, default=1_000)
    parser.add_argument("--density", type=float, default=0.095)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--no-speed", action="store_true", help="skip the synthetic timing")
    parser.add_argument("--no-quality", action="store_true", help="skip the Pol.is comparison")
    args = parser.parse_args()
    if not args.no_quality:
        quality(args.data)
    if not args.no_speed:
        speed(args.participants, args.statements, args.density, args.runs)


if __name__ == "__main__":
    main()
