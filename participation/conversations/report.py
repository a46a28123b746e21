"""What the opinion map and the report show, read from the stored analysis (no engine at request time).

Groups are described in plain words from their representative statements: how many of the group
agreed (or disagreed) and how many of everyone else did, so a resident or a council member reads
「グループAの87%が賛成、ほかのグループでは23%」 instead of test statistics.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from flask_babel import gettext as _

from .models import Analysis, Conversation, Participant, Statement
from .queries import statements_by_id

# Colour-blind-safe palette (Okabe–Ito), dark enough for 3:1 against white for outlines and labels.
PALETTE = ("#0072B2", "#D55E00", "#009E73", "#CC79A7", "#8A6D00", "#56707F")
WIDTH, HEIGHT, PAD = 640, 400, 36


@dataclass(frozen=True)
class Share:
    statement: Statement
    direction: str  # agree / disagree
    group_percent: int
    others_percent: int | None
    text: str  # the sentence in words


@dataclass
class GroupView:
    index: int
    label: str
    size: int
    colour: str
    points: str = ""  # SVG polygon points
    centre: tuple[float, float] = (0.0, 0.0)
    radius: float = 0.0  # for groups too small for a polygon
    representatives: list[Share] = field(default_factory=list)
    summary: str = ""


@dataclass
class Row:
    statement: Statement
    percents: list[int | None]  # agree % per group


@dataclass
class Report:
    conversation: Conversation
    analysis: Analysis | None
    groups: list[GroupView]
    consensus: list[Row]
    rejections: list[Row]
    divisive: list[Row]
    you: tuple[float, float] | None = None
    you_group: str | None = None
    width: int = WIDTH
    height: int = HEIGHT


def _percent(part: int, whole: int) -> int | None:
    return round(100 * part / whole) if whole else None


def _project(bounds: list[float]) -> Any:
    if len(bounds) != 4:
        return lambda x, y: (WIDTH / 2, HEIGHT / 2)
    minx, miny, maxx, maxy = bounds
    spanx, spany = (maxx - minx) or 1.0, (maxy - miny) or 1.0

    def project(x: float, y: float) -> tuple[float, float]:
        return (round(PAD + (x - minx) / spanx * (WIDTH - 2 * PAD), 1),
                round(HEIGHT - PAD - (y - miny) / spany * (HEIGHT - 2 * PAD), 1))
    return project


def _share(statement: Statement, counts: list[list[int]], g: int, direction: str, label: str) -> Share:
    column = 0 if direction == "agree" else 1
    mine = counts[g] if g < len(counts) else [0, 0, 0]
    others = [c for i, c in enumerate(counts) if i != g]
    group_percent = _percent(mine[column], mine[2]) or 0
    others_percent = _percent(sum(c[column] for c in others), sum(c[2] for c in others))
    if direction == "agree":
        text = (_("%(g)d%% of group %(label)s agreed; %(o)d%% of the other groups did.",
                  g=group_percent, label=label, o=others_percent) if others_percent is not None
                else _("%(g)d%% of group %(label)s agreed.", g=group_percent, label=label))
    else:
        text = (_("%(g)d%% of group %(label)s disagreed; %(o)d%% of the other groups did.",
                  g=group_percent, label=label, o=others_percent) if others_percent is not None
                else _("%(g)d%% of group %(label)s disagreed.", g=group_percent, label=label))
    return Share(statement, direction, group_percent, others_percent, text)


def _summary(label: str, shares: list[Share]) -> str:
    agreed = [f"「{s.statement.text}」" for s in shares if s.direction == "agree"][:2]
    disagreed = [f"「{s.statement.text}」" for s in shares if s.direction == "disagree"][:2]
    sep = _(", ")
    if agreed and disagreed:
        return _("People in group %(label)s tend to agree with %(agreed)s and disagree with %(disagreed)s.",
                 label=label, agreed=sep.join(agreed), disagreed=sep.join(disagreed))
    if agreed:
        return _("People in group %(label)s tend to agree with %(agreed)s.", label=label, agreed=sep.join(agreed))
    if disagreed:
        return _("People in group %(label)s tend to disagree with %(disagreed)s.",
                 label=label, disagreed=sep.join(disagreed))
    return _("Group %(label)s has no statement that sets it apart yet.", label=label)


def build(conversation: Conversation, analysis: Analysis | None, participant: Participant | None = None) -> Report:
    if analysis is None or not analysis.groups:
        return Report(conversation, analysis, [], [], [], [])
    project = _project(analysis.bounds)
    wanted: list[int] = [r["statement"] for g in analysis.groups for r in g["representatives"]]
    wanted += analysis.consensus + analysis.rejections + analysis.divisive
    by_id = statements_by_id(conversation, sorted(set(wanted)))
    per_statement = analysis.statements
    groups = []
    for g, data in enumerate(analysis.groups):
        view = GroupView(index=g, label=data["label"], size=data["size"], colour=PALETTE[g % len(PALETTE)])
        hull = [project(x, y) for x, y in data["hull"]]
        view.centre = project(*data["centre"])
        if len(hull) >= 3:
            view.points = " ".join(f"{x},{y}" for x, y in hull)
        else:
            view.radius = 18.0
        for r in data["representatives"]:
            statement = by_id.get(r["statement"])
            if statement is None or not statement.is_visible:
                continue  # hidden means hidden, in reports too
            counts = per_statement.get(str(statement.id), {}).get("groups", [])
            view.representatives.append(_share(statement, counts, g, r["direction"], data["label"]))
        view.summary = _summary(data["label"], view.representatives)
        groups.append(view)

    def rows(ids: list[int]) -> list[Row]:
        out = []
        for sid in ids:
            statement = by_id.get(sid)
            if statement is None or not statement.is_visible:
                continue
            counts = per_statement.get(str(sid), {}).get("groups", [])
            out.append(Row(statement, [_percent(c[0], c[2]) for c in counts]))
        return out

    report = Report(conversation, analysis, groups, rows(analysis.consensus), rows(analysis.rejections),
                    rows(analysis.divisive))
    if participant is not None and participant.in_conversation and participant.x is not None \
            and participant.y is not None:
        report.you = project(participant.x, participant.y)
        if participant.group is not None and participant.group < len(groups):
            report.you_group = groups[participant.group].label
    return report
