"""The consensus engine: opinion groups, representative statements, consensus, routing, bridging.

Synthetic conversations check each rule of the method; real Pol.is conversations (tests/data/polis,
CC BY 4.0, see LICENSE-NOTE.md there) check agreement with the groups Pol.is itself found.
"""
from __future__ import annotations

import csv
import json
import statistics
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pytest
from sklearn.metrics import adjusted_rand_score

from participation.conversations import engine, groups
from participation.conversations import statistics as group_statistics
from participation.conversations.engine import Candidate, State, Votes

POLIS = Path(__file__).resolve().parent.parent / "data" / "polis"
LARGE_SETS = (  # the shared Pol.is conversations with at least 100 participants
    "15-per-hour-seattle", "austria-climate.2vkxcncppn.2022-07-07", "austria-climate.5twd2jsnkf.2022-08-08",
    "austria-climate.7z7ejpbmv5.2022-08-08", "canadian-electoral-reform", "scoop-hivemind.biodiversity",
    "scoop-hivemind.taxes", "scoop-hivemind.ubi", "ssis.land-bank-farmland.2rumnecbeh.2021-08-01",
)


# ---------------------------------------------------------------------------------------------
# Pol.is open data (the loader lives here: the engine knows no file format)


@dataclass
class PolisConversation:
    votes: Votes
    moderated_out: set[int]
    groups: dict[int, int]  # participant -> group-id Pol.is assigned (grouped participants only)
    comments: dict[int, str]

    @property
    def k(self) -> int:
        return len(set(self.groups.values()))


def load_polis(folder: Path) -> PolisConversation:
    """participants-votes.csv (one column per statement: 1, -1, 0 or empty) and comments.csv."""
    participants, statements, values, groups = [], [], [], {}
    with open(folder / "participants-votes.csv", newline="", encoding="utf-8") as handle:
        reader = csv.reader(handle)
        header = next(reader)
        first, group_column = header.index("n-disagree") + 1, header.index("group-id")
        columns = [int(c) for c in header[first:]]
        for row in reader:
            participant = int(row[0])
            if row[group_column] != "":
                groups[participant] = int(row[group_column])
            for statement, cell in zip(columns, row[first:], strict=True):
                if cell != "":
                    participants.append(participant)
                    statements.append(statement)
                    values.append(int(float(cell)))
    with open(folder / "comments.csv", newline="", encoding="utf-8") as handle:
        comments = list(csv.DictReader(handle))
    return PolisConversation(
        votes=Votes(np.array(participants), np.array(statements), np.array(values)),
        moderated_out={int(c["comment-id"]) for c in comments if c["moderated"] == "-1"},
        groups=groups,
        comments={int(c["comment-id"]): c["comment-body"] for c in comments},
    )


def ari_with_polis(conversation: PolisConversation, result: engine.Result) -> float:
    ids = sorted(conversation.groups)
    return float(adjusted_rand_score([conversation.groups[i] for i in ids], [result.group_of(i) for i in ids]))


# ---------------------------------------------------------------------------------------------
# Synthetic conversations


def camps(
    per_camp: int = 30, statements: int = 20, noise: float = 0.1, seed: int = 1, common: tuple[int, ...] = (),
) -> list[tuple[int, int, int]]:
    """Two camps: camp A (participants 0..per_camp-1) agrees with the first half of the statements
    and disagrees with the second half, camp B (per_camp..) the opposite; `noise` of the votes are
    passes. Statements in `common` (ids from `statements` on) are agreed by nearly everyone."""
    rng = np.random.default_rng(seed)
    rows = []
    for participant in range(2 * per_camp):
        camp = 1 if participant < per_camp else -1
        for statement in range(statements):
            side = 1 if statement < statements // 2 else -1
            vote = 0 if rng.random() < noise else camp * side
            rows.append((participant, statement, vote))
        for statement in common:
            rows.append((participant, statement, -1 if rng.random() < 0.05 else 1))
    return rows


def camp_of(participant: int, per_camp: int = 30) -> int:
    return 0 if participant < per_camp else 1


# ---------------------------------------------------------------------------------------------
# Groups


def test_two_separated_camps_become_two_groups() -> None:
    result = engine.compute(camps())
    assert result.k == 2
    assert result.in_conversation.all()
    labels = [result.group_of(p) for p in range(60)]
    assert adjusted_rand_score([camp_of(p) for p in range(60)], labels) == 1.0
    assert sorted(result.group_sizes) == [30, 30]
    assert result.centres.shape == (2, 2)
    assert result.coordinates.shape == (60, 2)


def test_identical_camps_are_two_distinct_points_and_two_groups() -> None:
    result = engine.compute(camps(noise=0.0))
    assert result.k == 2
    assert adjusted_rand_score([camp_of(p) for p in range(60)], result.display_group.tolist()) == 1.0


def test_sparse_and_dense_svd_give_the_same_groups() -> None:
    votes = camps(per_camp=40, statements=30, noise=0.3, seed=4)
    sparse_result = engine.compute(votes)
    dense_result = engine.compute(votes, svd="dense")
    assert np.allclose(np.abs(sparse_result.coordinates), np.abs(dense_result.coordinates), atol=1e-8)
    assert adjusted_rand_score(sparse_result.group, dense_result.group) == 1.0


def test_moderated_out_statement_counts_as_passed_by_everyone() -> None:
    rng = np.random.default_rng(2)
    votes = [v for v in camps(statements=12, noise=0.1, seed=2) if rng.random() > 0.3]  # some unseen
    # Statement 99: seen by only part of the participants, then moderated out.
    votes += [(p, 99, 1 if p % 3 else -1) for p in range(0, 60, 2)]
    moderated = engine.compute(votes, moderated_out={99})
    everyone_passed = engine.compute([v for v in votes if v[1] != 99] + [(p, 99, 0) for p in range(60)])
    assert np.allclose(moderated.coordinates, everyone_passed.coordinates)
    dropped = engine.compute([v for v in votes if v[1] != 99])
    assert not np.allclose(np.abs(moderated.coordinates), np.abs(dropped.coordinates))
    # It never shows up in the statements picked out, and it is never ranked by consensus.
    assert all(r.statement != 99 for reps in moderated.representatives for r in reps)
    assert all(c.statement != 99 for c in moderated.consensus_agree + moderated.consensus_disagree)
    assert not moderated.gic[99].ranked
    assert moderated.statement_stats[99].moderated_out
    assert [c.statement for c in moderated.candidates([99, 0])] == [0]


def test_participants_with_few_votes_are_not_clustered_but_get_a_display_group() -> None:
    votes = camps()
    votes += [(100, 0, 1), (100, 1, 1), (101, 10, 1), (101, 11, 1), (101, 0, -1)]  # A-like and B-like
    result = engine.compute(votes)
    for participant in (100, 101):
        i = result.index_of(participant)
        assert i is not None
        assert not result.in_conversation[i]
        assert result.group[i] == -1
        nearest = np.argmin(((result.centres - result.coordinates[i]) ** 2).sum(axis=1))
        assert result.display_group[i] == nearest
    assert sum(result.group_sizes) == 60
    assert result.group_of(100) == result.group_of(0)  # voted like camp A
    assert result.group_of(101) == result.group_of(59)  # voted like camp B
    assert result.group_of(12345) == -1
    assert 100 not in result.state.in_conversation


def test_at_least_fifteen_most_active_are_clustered_and_once_in_stays_in() -> None:
    # Five statements: ten participants voted on all five (enough: min(7, 5)), ten on three only.
    rows = [(p, s, 1 if (p + s) % 2 else -1) for p in range(20) for s in range(5 if p % 2 else 3)]
    result = engine.compute(rows)
    assert int(result.in_conversation.sum()) == 15
    assert result.state.in_conversation == {p for p in range(20) if p % 2} | {0, 2, 4, 6, 8}
    # Once in, always in: participant 1000 has one vote but was clustered before.
    again = engine.compute(camps() + [(1000, 0, 1)], previous=State(in_conversation=frozenset({1000})))
    i = again.index_of(1000)
    assert i is not None and again.in_conversation[i] and again.group[i] >= 0


def test_hysteresis_keeps_k_until_a_challenger_wins_four_times_in_a_row() -> None:
    votes = camps(noise=0.2)
    assert engine.compute(votes).k == 2
    state = State(k=3)
    ks = []
    for _ in range(4):
        result = engine.compute(votes, previous=state)
        ks.append(result.k)
        state = result.state
    assert ks == [3, 3, 3, 2]
    assert state.challenger is None and state.streak == 0
    # A challenger's streak ends when the current k wins again.
    streaking = State(k=3, challenger=4, streak=3)
    assert groups.hysteresis(streaking, 3, [2, 3, 4, 5]) == State(k=3)
    assert groups.hysteresis(streaking, 2, [2, 3, 4, 5]) == State(k=3, challenger=2, streak=1)
    assert groups.hysteresis(streaking, 4, [2, 3, 4, 5]) == State(k=4)


def test_forced_k() -> None:
    result = engine.compute(camps(noise=0.3), k=3)
    assert result.k == 3 and len(result.group_sizes) == 3 and min(result.group_sizes) > 0


def test_group_numbers_stay_put_across_recomputes() -> None:
    votes = camps(per_camp=30, noise=0.2, seed=3)
    first = engine.compute(votes)
    # The camp numbered 1 grows to be the larger one: numbering by size alone would swap the numbers.
    grower = 0 if first.group_of(0) == 1 else 59
    more = votes + [(200 + p, s, v) for p in range(40) for (q, s, v) in votes if q == grower]
    second = engine.compute(more, previous=first.state)
    assert [second.group_of(p) for p in range(60)] == [first.group_of(p) for p in range(60)]
    fresh = engine.compute(more)
    assert [fresh.group_of(p) for p in range(60)] == [1 - first.group_of(p) for p in range(60)]


def test_state_round_trips_through_json() -> None:
    state = engine.compute(camps(), previous=State(k=3)).state
    assert State.from_dict(json.loads(json.dumps(state.to_dict()))) == state


def test_latest_vote_wins() -> None:
    votes = Votes.from_rows([(1, 1, 1), (1, 2, -1), (1, 1, -1), (2, 1, 0)])
    latest = votes.latest()
    assert sorted(zip(latest.participant.tolist(), latest.statement.tolist(), latest.value.tolist(),
                      strict=True)) == [(1, 1, -1), (1, 2, -1), (2, 1, 0)]
    result = engine.compute(votes)
    assert result.statement_stats[1].n_disagree == 1 and result.statement_stats[1].n_agree == 0


def test_votes_are_checked() -> None:
    with pytest.raises(ValueError):
        Votes.from_rows([(1, 1, 2)])
    with pytest.raises(ValueError):
        Votes(np.array([1, 2]), np.array([1]), np.array([1]))


# ---------------------------------------------------------------------------------------------
# Edge cases


def test_no_votes() -> None:
    result = engine.compute([])
    assert result.k == 0 and result.participants.size == 0 and result.coordinates.shape == (0, 2)
    assert result.representatives == () and result.gic == {} and result.consensus_agree == ()
    assert result.group_of(1) == -1
    assert result.candidates([1, 2]) == [Candidate(1), Candidate(2)]
    kept = State(k=3, challenger=2, streak=1)
    assert engine.compute([], previous=kept).state == kept


def test_one_participant() -> None:
    result = engine.compute([(7, 1, 1), (7, 2, -1)])
    assert result.k == 1 and result.group_of(7) == 0 and result.group_sizes == (1,)
    assert result.representatives == ((),)


def test_all_identical_votes_are_one_group() -> None:
    result = engine.compute([(p, s, 1) for p in range(30) for s in range(10)])
    assert result.k == 1 and result.group_sizes == (30,)
    assert np.allclose(result.coordinates, 0)
    assert [c.statement for c in result.consensus_agree] == [0, 1, 2, 3, 4]
    assert all(g.ranked for g in result.gic.values())


def test_one_distinct_point_is_one_group() -> None:
    # Everyone votes the same way on every statement they saw, and everyone saw everything.
    rows = [(p, s, 1 if s % 2 else -1) for p in range(25) for s in range(8)]
    result = engine.compute(rows)
    assert result.k == 1 and set(result.display_group.tolist()) == {0}


def test_all_statements_moderated_out() -> None:
    result = engine.compute(camps(statements=4), moderated_out={0, 1, 2, 3})
    assert result.k == 1
    assert result.consensus_agree == () and result.representatives == ((),)


# ---------------------------------------------------------------------------------------------
# Statements: representative, consensus


def test_representative_statements_of_two_camps() -> None:
    result = engine.compute(camps(statements=10, noise=0.1, common=(10,)))
    for participant, (mine, theirs) in ((0, ("agree", "disagree")), (59, ("disagree", "agree"))):
        g = result.group_of(participant)
        reps = result.representatives[g]
        assert 1 <= len(reps) <= 5
        assert reps[0].direction == "agree"  # the best agree statement first
        assert all(r.significant for r in reps)
        assert all(r.statement != 10 for r in reps)  # everyone agrees on it: not distinctive
        for r in reps:
            expected = mine if r.statement < 5 else theirs
            assert r.direction == expected
            assert r.ratio > 1 and r.test > group_statistics.Z90 and r.ratio_test > group_statistics.Z90
        assert [r.score for r in reps[1:]] == sorted((r.score for r in reps[1:]), reverse=True)
        first = reps[0]
        members = [p for p in range(60) if result.group_of(p) == g]
        assert first.n_seen <= len(members) and first.n_agree + first.n_disagree <= first.n_seen
        assert first.p == pytest.approx((1 + first.n_agree) / (2 + first.n_seen))


def test_representative_statistics_follow_the_formulas() -> None:
    a, s, ra, rs = np.array([8.0]), np.array([10.0]), np.array([3.0]), np.array([30.0])
    assert group_statistics._one_proportion(a, s)[0] == pytest.approx(2 * np.sqrt(11) * (9 / 11 - 0.5))
    p1, p2 = 9 / 11, 4 / 31
    pooled = 13 / 42
    z = (p1 - p2) / np.sqrt(pooled * (1 - pooled) * (1 / 11 + 1 / 31))
    assert group_statistics._two_proportion(a, s, ra, rs)[0] == pytest.approx(z)
    assert group_statistics._two_proportion(s, s, rs, rs)[0] == 0.0  # pooled proportion 1


def test_without_significant_statements_the_strongest_one_represents() -> None:
    rng = np.random.default_rng(5)
    rows = [(p, s, int(rng.choice([-1, 0, 1]))) for p in range(40) for s in range(6)]
    result = engine.compute(rows, k=2)
    for reps in result.representatives:
        assert len(reps) >= 1
        if not reps[0].significant:
            assert len(reps) == 1


def test_group_informed_consensus_ranks_shared_agreement_above_division() -> None:
    result = engine.compute(camps(statements=10, common=(10,)))
    top = result.gic_top("agree")
    assert top[0].statement == 10
    assert result.gic[10].agree > result.gic[0].agree
    assert result.gic[10].agree > result.gic[9].agree
    assert result.gic[10].disagree < result.gic[0].disagree
    a = [result.group_sizes[g] for g in range(2)]
    assert result.gic[10].agree <= np.prod([(n + 1) / (n + 2) for n in a])


def test_gic_needs_votes_in_every_group() -> None:
    rows = camps(statements=10) + [(p, 20, 1) for p in range(3)] + [(p, 20, 1) for p in range(30, 50)]
    result = engine.compute(rows)
    assert not result.gic[20].ranked
    assert result.gic[0].ranked
    assert engine.compute(rows, gic_min_votes_per_group=3).gic[20].ranked


def test_overall_consensus_lists() -> None:
    result = engine.compute(camps(statements=10, common=(10, 11)) + [(p, 12, -1) for p in range(60)])
    assert {c.statement for c in result.consensus_agree} == {10, 11}
    assert [c.statement for c in result.consensus_disagree] == [12]
    for c in result.consensus_agree:
        assert c.p > 0.5 and c.test > group_statistics.Z90 and c.direction == "agree"


# ---------------------------------------------------------------------------------------------
# Routing


def test_routing_priority_formula_and_new_statement_boost() -> None:
    new = engine.routing_priority(0, 0, 0, 0.0)
    assert new == pytest.approx((0.5 * 1 * 0.5 * 9) ** 2)
    old = engine.routing_priority(60, 20, 20, 0.0)
    assert new > 4 * old
    assert engine.routing_priority(60, 20, 20, 1.0) == pytest.approx(4 * old)  # (E + 1) squared
    assert engine.routing_priority(60, 20, 80, 0.0) < old  # often passed


def test_choose_next_puts_seed_statements_first() -> None:
    rng = np.random.default_rng(0)
    candidates = [Candidate(1), Candidate(2, seed=True, seed_order=1), Candidate(3, seed=True, seed_order=0)]
    assert engine.choose_next(candidates, rng) == 3
    assert engine.choose_next(candidates[:2], rng) == 2
    assert engine.choose_next([], rng) is None


def test_choose_next_samples_by_priority() -> None:
    rng = np.random.default_rng(0)
    candidates = [Candidate(1, 300, 100, 100), Candidate(2)]  # much seen, and brand new
    draws = [engine.choose_next(candidates, rng) for _ in range(400)]
    weights = engine.routing_weights(candidates)
    share = draws.count(2) / len(draws)
    assert share == pytest.approx(weights[1] / weights.sum(), abs=0.06)
    assert share > 0.7


def test_candidates_from_a_result() -> None:
    result = engine.compute(camps(statements=6), seed_statements=[5, 4], moderated_out={3})
    candidates = result.candidates([0, 3, 4, 5, 77])
    assert [c.statement for c in candidates] == [0, 4, 5, 77]
    by_id = {c.statement: c for c in candidates}
    assert by_id[5].seed and by_id[5].seed_order == 0 and by_id[4].seed_order == 1
    assert by_id[77].n_agree == 0 and by_id[77].extremity == 0.0 and not by_id[77].seed
    assert by_id[0].n_agree + by_id[0].n_disagree + by_id[0].n_pass == 60
    assert engine.choose_next(candidates, np.random.default_rng(1)) == 5


def test_extremity_is_higher_for_dividing_statements() -> None:
    result = engine.compute(camps(statements=10, common=(10,)))
    extremity = {s: stats.extremity for s, stats in result.statement_stats.items()}
    assert min(extremity[s] for s in range(10)) > 1.5 * extremity[10]
    values = np.array(list(extremity.values()))
    assert np.sqrt((values**2).mean()) == pytest.approx(1.0)


# ---------------------------------------------------------------------------------------------
# Bridging


def test_bridging_ranks_a_cross_camp_item_above_a_one_camp_item() -> None:
    rows = camps(per_camp=25, statements=10, noise=0.0, common=(10,))
    rows += [(p, 11, 1 if p < 25 else -1) for p in range(50)]  # popular in one camp only
    rows += [(p, 12, 1) for p in range(3)]  # too few votes
    scores = engine.bridging(rows)
    assert not scores[12].eligible
    ranking = engine.bridging_ranking(scores)
    assert ranking[0].statement == 10
    assert abs(scores[10].factor) < 0.5
    assert not scores[11].eligible or scores[11].intercept < scores[10].intercept
    assert scores[10].n_votes == 50
    assert engine.bridging([(1, 1, 0)]) == {}


def test_support_breadth() -> None:
    assert engine.support_breadth([10, 10], [20, 20]) > engine.support_breadth([20, 0], [20, 20])
    with pytest.raises(ValueError):
        engine.support_breadth([1], [1, 2])


# ---------------------------------------------------------------------------------------------
# Real conversations


def test_london_youth_policing_small_conversation() -> None:
    conversation = load_polis(POLIS / "london.youth.policing")
    result = engine.compute(conversation.votes, moderated_out=conversation.moderated_out)
    clustered = {int(p) for p in result.participants[result.in_conversation]}
    assert clustered == set(conversation.groups)  # the same 24 participants as Pol.is
    assert 2 <= result.k <= 5 and sum(result.group_sizes) == 24
    assert (result.display_group >= 0).all()
    assert all(len(reps) >= 1 for reps in result.representatives)


def test_scoop_hivemind_ubi_four_groups() -> None:
    conversation = load_polis(POLIS / "scoop-hivemind.ubi")
    assert conversation.k == 4
    result = engine.compute(conversation.votes, moderated_out=conversation.moderated_out, k=4)
    assert result.k == 4 and len(result.representatives) == 4
    assert min(result.group_sizes) > 0
    assert all(1 <= len(reps) <= 5 for reps in result.representatives)
    chosen = engine.compute(conversation.votes, moderated_out=conversation.moderated_out)
    assert 2 <= chosen.k <= 5 and set(chosen.silhouettes) == {2, 3, 4, 5}


def test_agreement_with_polis_groups_on_the_larger_conversations() -> None:
    """Median adjusted Rand index against Pol.is's own groups, k chosen by the engine."""
    scores = []
    for name in LARGE_SETS:
        conversation = load_polis(POLIS / name)
        result = engine.compute(conversation.votes, moderated_out=conversation.moderated_out)
        scores.append(ari_with_polis(conversation, result))
    assert statistics.median(scores) >= 0.90, scores


def test_gic_and_consensus_overlap_on_real_data() -> None:
    conversation = load_polis(POLIS / "scoop-hivemind.taxes")
    result = engine.compute(conversation.votes, moderated_out=conversation.moderated_out)
    gic = {g.statement for g in result.gic_top("agree")}
    consensus = {c.statement for c in result.consensus_agree}
    assert len(gic & consensus) >= 3
    assert not (gic | consensus) & conversation.moderated_out
