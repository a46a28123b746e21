"""Conversation pages for residents: vote one statement at a time, add statements, the opinion map,
my votes and the published report. Everything works as plain forms without JavaScript."""
from __future__ import annotations

import secrets

from flask import Blueprint, abort, flash, redirect, render_template, request, session, url_for
from flask_babel import gettext as _
from flask_login import current_user

from ..core.actions import form_status, submit
from ..core.errors import ServiceError
from ..core.i18n import current_language
from ..core.models import User
from ..core.services import parse_id
from ..extensions import db
from . import analysis, jobs, permissions, queries, report, services
from .forms import StatementForm, VoteForm
from .models import VOTE_LABELS, Conversation, VoteValue

bp = Blueprint("conversations", __name__, template_folder="templates")
BROWSER_KEY = "conversation_browser"


def _browser_token(conversation: Conversation, *, create: bool) -> str | None:
    """Anonymous participants are one per browser (a random token in the signed session cookie)."""
    if isinstance(current_user._get_current_object(), User) or not conversation.allow_anonymous:
        return None
    if create and not session.get(BROWSER_KEY):
        session[BROWSER_KEY] = secrets.token_hex(16)
    return session.get(BROWSER_KEY)


def _participant(conversation: Conversation):
    return queries.find_participant(conversation, current_user, _browser_token(conversation, create=False))


def _page(conversation: Conversation, *, chosen: int | None = None, error: str | None = None,
          status: int = 200):
    participant = _participant(conversation)
    decision = queries.may_vote(conversation, current_user)
    statement = review = None
    if chosen is not None:
        found = queries.get_statement(conversation, chosen)
        if found.is_visible and decision:
            statement = found
        elif not found.is_visible and permissions.can_moderate_statements(current_user, conversation):
            review = found  # moderators and facilitators see a hidden or waiting statement in context
        elif not found.is_visible:
            abort(404)
    elif decision:
        statement = queries.next_statement(conversation, participant)
    return render_template("conversations/detail.html", conversation=conversation, process=conversation.process,
                           decision=decision, statement=statement, review=review, form=VoteForm(), error=error,
                           progress=queries.progress(conversation, participant), vote_labels=VOTE_LABELS,
                           participant=participant, groups=queries.groups_count(conversation)), status


@bp.get("/processes/<slug>/conversations/<int:conversation_id>")
def detail(slug: str, conversation_id: int):
    conversation = queries.get_in_process(slug, conversation_id, current_user)
    chosen = request.args.get("statement")
    if chosen is not None and parse_id(chosen) is None:
        abort(404)
    return _page(conversation, chosen=parse_id(chosen) if chosen else None)


@bp.post("/processes/<slug>/conversations/<int:conversation_id>/vote")
def vote(slug: str, conversation_id: int):
    conversation = queries.get_in_process(slug, conversation_id, current_user)
    form = VoteForm()
    if not form.validate_on_submit():
        abort(400)
    token = _browser_token(conversation, create=True)
    try:
        services.cast_vote(conversation, current_user, parse_id(form.statement_id.data),
                           request.form.get("vote"), browser_token=token)
    except ServiceError as exc:
        db.session.rollback()
        return _page(conversation, error=str(exc.message), status=exc.status_code)
    jobs.schedule_if_due(conversation)
    if request.form.get("next") == "my-votes":
        flash(_("Your vote has been changed."), "success")
        return redirect(url_for("conversations.my_votes", slug=slug, conversation_id=conversation.id))
    return redirect(url_for("conversations.detail", slug=slug, conversation_id=conversation.id) + "#statement")


@bp.route("/processes/<slug>/conversations/<int:conversation_id>/statements/new", methods=["GET", "POST"])
def new_statement(slug: str, conversation_id: int):
    conversation = queries.get_in_process(slug, conversation_id, current_user)
    if not current_user.is_authenticated:
        return redirect(url_for("core.login", next=request.full_path))
    form = StatementForm()
    similar: list = []
    if form.validate_on_submit():
        similar = queries.similar_statements(conversation, form.text.data or "")
        if similar and form.confirmed.data != "1":
            form.confirmed.data = "1"
            return render_template("conversations/statement_new.html", conversation=conversation,
                                   process=conversation.process, form=form, similar=similar)
        ok, statement = submit(form, lambda: services.submit_statement(
            conversation, current_user, form.text.data, language=current_language()),
            _("Thank you! Your statement has been added."))
        if ok:
            if statement.state != "accepted":
                flash(_("It will be shown to others once a facilitator has reviewed it."), "info")
            return redirect(url_for("conversations.detail", slug=slug, conversation_id=conversation.id))
    decision = queries.may_vote(conversation, current_user)
    return render_template("conversations/statement_new.html", conversation=conversation,
                           process=conversation.process, form=form, similar=similar,
                           decision=decision), form_status()


@bp.get("/processes/<slug>/conversations/<int:conversation_id>/map")
def opinion_map(slug: str, conversation_id: int):
    conversation = queries.get_in_process(slug, conversation_id, current_user)
    participant = _participant(conversation)
    built = report.build(conversation, analysis.latest(conversation), participant)
    return render_template("conversations/map.html", conversation=conversation, process=conversation.process,
                           report=built, participant=participant)


@bp.get("/processes/<slug>/conversations/<int:conversation_id>/my-votes")
def my_votes(slug: str, conversation_id: int):
    conversation = queries.get_in_process(slug, conversation_id, current_user)
    participant = _participant(conversation)
    return render_template("conversations/my_votes.html", conversation=conversation, process=conversation.process,
                           votes=queries.my_votes(participant), form=VoteForm(), vote_labels=VOTE_LABELS,
                           values=VoteValue, decision=queries.may_vote(conversation, current_user))


@bp.get("/processes/<slug>/conversations/<int:conversation_id>/report")
def report_page(slug: str, conversation_id: int):
    conversation = queries.get_in_process(slug, conversation_id, current_user)
    if not permissions.can_view_report(current_user, conversation):
        abort(404)
    built = report.build(conversation, analysis.latest(conversation))
    return render_template("conversations/report.html", conversation=conversation, process=conversation.process,
                           report=built)
