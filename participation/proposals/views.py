"""Proposal pages: list, map data, submit (with similar proposals), detail, comments, answers."""
from __future__ import annotations

import secrets
from typing import Any

from flask import Blueprint, abort, flash, jsonify, redirect, render_template, request, session, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_required

from ..core import geo, notifications, signals
from ..core.actions import form_status, submit
from ..core.errors import ServiceError
from ..core.forms import attach_error
from ..core.i18n import current_language
from ..core.security import limit_posting
from ..core.services import parse_id
from ..extensions import db
from ..processes.capabilities import is_allowed, require
from ..processes.models import Capability
from ..processes.queries import get_process_by_slug
from . import comment_queries, permissions, queries, search, services
from .forms import AnswerForm, CommentEditForm, CommentForm, ProposalForm, ProposalTextForm
from .models import ALIGNMENT_LABELS, STATE_LABELS, Alignment, State

bp = Blueprint("proposals", __name__, template_folder="templates")

SEED_KEY = "proposal_seed"


def _seed() -> int:
    """A random-order seed kept for this visitor, so pages never repeat or skip proposals."""
    seed = session.get(SEED_KEY)
    if not isinstance(seed, int) or not 1 <= seed < queries.RANDOM_PRIME:
        seed = secrets.randbelow(queries.RANDOM_PRIME - 1) + 1
        session[SEED_KEY] = seed
    return seed


def _page_arg() -> int:
    value = request.args.get("page", "1")
    try:
        page = int(value)
    except ValueError:
        abort(400, description=_l("The page number must be a whole number."))
    return max(1, min(page, queries.MAX_PAGE))


@bp.get("/processes/<slug>/proposals/")
def index(slug: str):
    process = get_process_by_slug(slug, current_user)
    state = request.args.get("state", "all")
    state = state if state in queries.STATE_FILTERS else "all"
    sort = request.args.get("sort", "random")
    sort = sort if sort in queries.SORTS else "random"
    q = request.args.get("q", "")[:200]
    flags = {name: request.args.get(name) == "1" for name in ("with_location", "followed", "mine")}
    listing = queries.list_proposals(process, current_user, state=state, sort=sort, seed=_seed(),
                                      page=_page_arg(), q=q, **flags)
    query_args = {"state": state, "sort": sort, **({"q": q} if q else {}),
                  **{name: 1 for name, on in flags.items() if on}}
    return render_template("proposals/index.html", process=process, listing=listing, state=state,
                           sort=sort, q=q, flags=flags, query_args=query_args,
                           propose=is_allowed(process, Capability.PROPOSE, current_user),
                           held=queries.held_answers_to_publish(current_user, process),
                           broad_available=queries.opinion_groups(process, members=False) is not None)


@bp.get("/processes/<slug>/proposals.geojson")
def geojson(slug: str):
    process = get_process_by_slug(slug, current_user)
    # A bad bbox raises InvalidInput: the error handler answers .geojson paths in JSON.
    state = request.args.get("state", "all")
    return jsonify(queries.geojson(process, geo.parse_bbox(request.args.get("bbox")),
                                   state=state if state in queries.STATE_FILTERS else "all",
                                   q=request.args.get("q", "")[:200]))


@bp.route("/processes/<slug>/proposals/new", methods=["GET", "POST"])
@login_required
@limit_posting
def new(slug: str):
    process = get_process_by_slug(slug, current_user)
    require(process, Capability.PROPOSE, current_user)  # 403 with the reason
    if request.method == "GET" or request.form.get("step") == "1":
        form = ProposalTextForm()
        if request.method == "POST" and form.validate_on_submit():
            similar = search.similar_proposals(process, form.title.data, form.body.data)
            full = ProposalForm(formdata=None, title=form.title.data, body=form.body.data)
            return render_template("proposals/new_details.html", process=process, form=full,
                                   similar=similar)
        status = form_status()
        return render_template("proposals/new.html", process=process, form=form), status
    form = ProposalForm()
    if form.validate_on_submit():
        data = {"title": form.title.data, "body": form.body.data, "address": form.address.data,
                "latitude": form.latitude.data, "longitude": form.longitude.data,
                "images": request.files.getlist("images"), "language": current_language()}
        ok, proposal = submit(form, lambda: services.submit_proposal(process, current_user, data),
                              _("Your proposal has been published. You will be notified when the city answers it."))
        if ok:
            return redirect(url_for("proposals.detail", proposal_id=proposal.id))
    return render_template("proposals/new_details.html", process=process, form=form, similar=[]), 400


def _int_arg(name: str) -> int | None:
    value = request.args.get(name)
    if value is None:
        return None
    parsed = parse_id(value)
    if parsed is None:
        abort(400, description=_l("The page number must be a whole number."))
    return min(parsed, queries.MAX_PAGE)


def _detail(proposal, *, status: int = 200, error: str | None = None, comment_form=None,
            reply_to: int | None = None):
    process = proposal.process
    order = request.args.get("comments", "oldest")
    order = order if order in comment_queries.COMMENT_ORDERS else "oldest"
    reply_to = reply_to or _int_arg("reply_to")
    thread = _int_arg("thread") or reply_to  # a reply form shows the whole thread it belongs to
    page = comment_queries.comment_page(proposal, order, _int_arg("page") or 1, thread)
    answers = queries.public_answers(proposal)
    return render_template(
        "proposals/detail.html", proposal=proposal, process=process, error=error,
        comment_page=page, comment_order=order,
        comment_form=comment_form or CommentForm(formdata=None), reply_to=reply_to,
        votes=comment_queries.my_votes(current_user, page.ids),
        support_decision=is_allowed(process, Capability.SUPPORT, current_user),
        comment_decision=is_allowed(process, Capability.COMMENT, current_user),
        supported=queries.has_supported(current_user, proposal),
        following=notifications.is_following(current_user, proposal),
        limit_left=queries.support_limit_left(process, current_user),
        answers=answers, latest_answer=answers[-1] if answers else None,
        held=queries.held_answers_of(current_user, proposal),
        answer_form=AnswerForm(formdata=None) if permissions.can_answer_proposal(current_user, proposal) else None,
        versions=proposal.versions,
        outcome_blocks=signals.collect(signals.proposal_outcome_blocks, proposal=proposal),
    ), status


@bp.get("/proposals/<int:proposal_id>")
def detail(proposal_id: int):
    return _detail(queries.get_proposal(proposal_id, current_user))


def _act(proposal, action, success: str):
    """Run one service action for the proposal page: commit and redirect, or show why not."""
    try:
        action()
    except ServiceError as exc:
        db.session.rollback()
        return _detail(proposal, status=exc.status_code, error=str(exc.message))
    flash(success, "success")
    return redirect(url_for("proposals.detail", proposal_id=proposal.id))


@bp.post("/proposals/<int:proposal_id>/support")
@login_required
def support(proposal_id: int):
    proposal = queries.get_proposal(proposal_id, current_user)
    if request.form.get("action") == "remove":
        return _act(proposal, lambda: services.unsupport(current_user, proposal),
                    _("Your support has been removed."))
    return _act(proposal, lambda: services.support(current_user, proposal),
                _("Thank you for your support!"))


@bp.post("/proposals/<int:proposal_id>/follow")
@login_required
def follow(proposal_id: int):
    proposal = queries.get_proposal(proposal_id, current_user)
    if request.form.get("action") == "unfollow":
        return _act(proposal, lambda: services.unfollow(current_user, proposal),
                    _("You no longer follow this proposal."))
    return _act(proposal, lambda: services.follow(current_user, proposal),
                _("You follow this proposal. You will be notified of comments and answers."))


@bp.post("/proposals/<int:proposal_id>/withdraw")
@login_required
def withdraw(proposal_id: int):
    proposal = queries.get_proposal(proposal_id, current_user)
    return _act(proposal, lambda: services.withdraw_proposal(current_user, proposal),
                _("Your proposal has been withdrawn. It stays visible, marked as withdrawn."))


@bp.route("/proposals/<int:proposal_id>/edit", methods=["GET", "POST"])
@login_required
def edit(proposal_id: int):
    proposal = queries.get_proposal(proposal_id, current_user)
    services.require_can_edit_proposal(current_user, proposal)
    form = ProposalTextForm(obj=proposal if request.method == "GET" else None)
    if form.validate_on_submit():
        data = {"title": form.title.data, "body": form.body.data}
        ok, _result = submit(form, lambda: services.edit_proposal(current_user, proposal, data),
                             _("Your proposal has been updated. The earlier text stays visible in its history."))
        if ok:
            return redirect(url_for("proposals.detail", proposal_id=proposal.id))
    status = form_status()
    return render_template("proposals/edit.html", proposal=proposal, form=form), status


@bp.post("/proposals/<int:proposal_id>/comments")
@login_required
@limit_posting
def comment(proposal_id: int):
    proposal = queries.get_proposal(proposal_id, current_user)
    form = CommentForm()
    raw_parent = request.form.get("parent_id") or None
    parent = parse_id(raw_parent)
    if raw_parent is not None and parent is None:
        abort(400)
    if not form.validate_on_submit():
        return _detail(proposal, status=400, comment_form=form, reply_to=parent)
    try:
        added = services.add_comment(current_user, proposal, form.body.data, form.alignment.data,
                                     parent, language=current_language())
    except ServiceError as exc:
        db.session.rollback()
        attach_error(form, exc)
        return _detail(proposal, status=exc.status_code, comment_form=form,
                       reply_to=parent, error=str(exc.message))
    flash(_("Your comment has been published."), "success")
    # Where the new comment shows: its thread, or the top of the newest-first order.
    where: dict[str, Any] = {"thread": added.root_id} if added.root_id else {"comments": "newest"}
    return redirect(url_for("proposals.detail", proposal_id=proposal.id, **where) + f"#comment-{added.id}")


@bp.route("/proposals/<int:proposal_id>/comments/<int:comment_id>/edit", methods=["GET", "POST"])
@login_required
def comment_edit(proposal_id: int, comment_id: int):
    proposal = queries.get_proposal(proposal_id, current_user)
    comment = queries.get_comment(proposal, comment_id)
    services.require_can_edit_comment(current_user, comment)
    form = CommentEditForm(obj=comment if request.method == "GET" else None)
    if form.validate_on_submit():
        ok, _result = submit(form, lambda: services.edit_comment(current_user, comment, form.body.data),
                          _("Your comment has been updated."))
        if ok:
            where: dict[str, Any] = {"thread": comment.root_id} if comment.root_id else {}
            return redirect(url_for("proposals.detail", proposal_id=proposal.id, **where) + f"#comment-{comment.id}")
    status = form_status()
    return render_template("proposals/comment_edit.html", proposal=proposal, comment=comment,
                           form=form), status


@bp.post("/proposals/<int:proposal_id>/comments/<int:comment_id>/delete")
@login_required
def comment_delete(proposal_id: int, comment_id: int):
    proposal = queries.get_proposal(proposal_id, current_user)
    comment = queries.get_comment(proposal, comment_id)
    return _act(proposal, lambda: services.delete_comment(current_user, comment, proposal),
                _("Your comment has been deleted."))


@bp.post("/proposals/<int:proposal_id>/comments/<int:comment_id>/vote")
@login_required
def comment_vote(proposal_id: int, comment_id: int):
    proposal = queries.get_proposal(proposal_id, current_user)
    comment = queries.get_comment(proposal, comment_id)
    value = {"up": 1, "down": -1}.get(request.form.get("value", ""))
    if value is None:
        abort(400, description=services.VOTE_UP_OR_DOWN)
    return _act(proposal, lambda: services.vote_comment(current_user, comment, value),
                _("Your vote has been counted."))


@bp.post("/proposals/<int:proposal_id>/answer")
@login_required
def answer(proposal_id: int):
    proposal = queries.get_proposal(proposal_id, current_user)
    services.require_can_answer(current_user, proposal)
    form = AnswerForm()
    if not form.validate_on_submit():
        errors = " ".join(str(m) for ms in form.errors.values() for m in ms)
        return _detail(proposal, status=400, error=_("Please check the answer form: %(errors)s", errors=errors))
    try:
        result = services.answer_proposal(current_user, proposal, {
            "state": form.state.data, "text": form.text.data, "cost": form.cost.data,
            "planned_period": form.planned_period.data})
    except ServiceError as exc:
        db.session.rollback()
        return _detail(proposal, status=exc.status_code, error=str(exc.message))
    flash(_("The answer is public.") if result.published_at else
          _("The answer is saved and held until a facilitator publishes it."), "success")
    return redirect(url_for("proposals.detail", proposal_id=proposal.id) + "#answer")


@bp.post("/proposals/<int:proposal_id>/answers/<int:answer_id>/publish")
@login_required
def publish_answer(proposal_id: int, answer_id: int):
    proposal = queries.get_proposal(proposal_id, current_user)
    answer_row = queries.get_answer(proposal, answer_id)
    return _act(proposal, lambda: services.publish_answer(current_user, answer_row),
                _("The answer is public."))


@bp.post("/processes/<slug>/proposals/publish-answers")
@login_required
def publish_all(slug: str):
    process = get_process_by_slug(slug, current_user)
    count = services.publish_all_answers(current_user, process)
    flash(_("%(n)d answers have been published.", n=count), "success")
    return redirect(url_for("proposals.index", slug=process.slug))


@bp.app_template_global()
def proposal_state_label(state: str) -> str:
    return str(STATE_LABELS[State(state)])


@bp.app_template_global()
def alignment_label(value: int) -> str:
    return str(ALIGNMENT_LABELS[Alignment(value)])
