"""Facilitators' pages for conversations: set up, seed statements, review, close, publish, export."""
from __future__ import annotations

from flask import Response, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required
from wtforms import SelectChoice

from ..core.actions import form_status, submit
from ..core.forms import fill_translated, translated
from ..core.i18n import localized
from ..core.services import parse_id
from ..processes.queries import get_process
from . import analysis, exports, permissions, queries, services
from .forms import ConversationForm, RejectForm, ToggleForm
from .models import Conversation
from .views import bp


def _phase_choices(form: ConversationForm, process) -> None:
    form.phase_id.choices = [SelectChoice("", _("The whole process"))] + [
        SelectChoice(str(p.id), localized(p.title)) for p in process.phases]


def _data(form: ConversationForm) -> dict:
    return {"topic": translated(form, "topic"), "description": translated(form, "description"),
            "phase_id": parse_id(form.phase_id.data) if form.phase_id.data else None,
            "moderation": form.moderation.data, "allow_anonymous": form.allow_anonymous.data,
            "allow_statements": form.allow_statements.data,
            "seeds": (form.seeds.data or "").splitlines()}


@bp.route("/admin/processes/<int:process_id>/conversations/new", methods=["GET", "POST"])
@login_required
def admin_new(process_id: int):
    process = get_process(process_id)
    if not permissions.can_create_conversation(current_user, process.id):
        abort(403, description=permissions.NOT_FACILITATOR)
    form = ConversationForm()
    _phase_choices(form, process)
    if form.validate_on_submit():
        ok, conversation = submit(form, lambda: services.create_conversation(current_user, process, _data(form)),
                                  _("The conversation has been created."))
        if ok:
            return redirect(url_for("conversations.admin_edit", conversation_id=conversation.id))
    return render_template("conversations/admin_form.html", form=form, process=process,
                           conversation=None), form_status()


def _manage_page(conversation: Conversation, form: ConversationForm | None = None, status: int = 200,
                 reject_form: RejectForm | None = None):
    if form is None:
        form = ConversationForm(formdata=None, moderation=conversation.moderation.value,
                                allow_anonymous=conversation.allow_anonymous,
                                allow_statements=conversation.allow_statements,
                                phase_id=str(conversation.phase_id or ""))
        fill_translated(form, "topic", conversation.topic)
        fill_translated(form, "description", conversation.description)
    _phase_choices(form, conversation.process)
    return render_template("conversations/admin_form.html", form=form, process=conversation.process,
                           conversation=conversation, statements=queries.statements_for_staff(conversation),
                           pending=queries.pending_statements(conversation),
                           reject_form=reject_form or RejectForm(formdata=None), toggle=ToggleForm(),
                           analysis=analysis.latest(conversation)), status


@bp.route("/admin/conversations/<int:conversation_id>/", methods=["GET", "POST"])
@login_required
def admin_edit(conversation_id: int):
    conversation = queries.get_for_manage(current_user, conversation_id)
    if request.method == "GET":
        return _manage_page(conversation)
    form = ConversationForm()
    _phase_choices(form, conversation.process)
    if form.validate_on_submit():
        data = _data(form)
        seeds = data.pop("seeds")
        ok, _result = submit(form, lambda: (services.update_conversation(current_user, conversation, data),
                                            seeds and services.add_seed_statements(current_user, conversation, seeds)),
                             _("The conversation has been saved."))
        if ok:
            return redirect(url_for("conversations.admin_edit", conversation_id=conversation.id))
    return _manage_page(conversation, form, 400)


@bp.post("/admin/conversations/<int:conversation_id>/settings")
@login_required
def admin_toggle(conversation_id: int):
    conversation = queries.get_for_manage(current_user, conversation_id)
    if not ToggleForm().validate_on_submit():
        abort(400)
    action = request.form.get("action", "")
    messages = {"close": _("The conversation is closed."), "reopen": _("The conversation is open again."),
                "publish": _("The report is public."), "unpublish": _("The report is visible to facilitators only."),
                "recompute": _("The opinion groups have been recomputed.")}
    if action not in messages:
        abort(400)
    if action in ("close", "reopen"):
        services.set_closed(current_user, conversation, action == "close")
    elif action in ("publish", "unpublish"):
        services.publish_report(current_user, conversation, action == "publish")
    else:
        analysis.recompute(conversation)

    flash(messages[action], "success")
    return redirect(url_for("conversations.admin_edit", conversation_id=conversation.id))


def _after_review(conversation: Conversation):
    """Facilitators go back to the review queue; moderators (who may review but not manage the
    conversation) to the conversation itself, never to the facilitators' page."""
    if permissions.can_manage_conversation(current_user, conversation):
        return redirect(url_for("conversations.admin_edit", conversation_id=conversation.id) + "#review")
    return redirect(url_for("conversations.detail", slug=conversation.process.slug,
                            conversation_id=conversation.id))


@bp.post("/admin/conversations/<int:conversation_id>/statements/<int:statement_id>/<action>")
@login_required
def admin_review(conversation_id: int, statement_id: int, action: str):
    conversation = queries.get_for_manage_or_moderate(current_user, conversation_id)
    statement = queries.get_statement(conversation, statement_id)
    if action == "accept":
        if not ToggleForm().validate_on_submit():
            abort(400)
        services.accept_statement(current_user, statement)
        flash(_("The statement is now shown to participants."), "success")
        return _after_review(conversation)
    if action != "reject":
        abort(404)
    form = RejectForm()
    if form.validate_on_submit():
        ok, _result = submit(form, lambda: services.reject_statement(current_user, statement, form.reason.data),
                             _("The statement has been rejected; its author sees the reason."))
        if ok:
            return _after_review(conversation)
    if not permissions.can_manage_conversation(current_user, conversation):
        # The facilitators' page (settings, exports) is not theirs: say what was wrong, nothing more.
        errors = [str(e) for e in form.reason.errors] or [_("Please give the reason, so the author understands.")]
        abort(400, description=errors[0])
    return _manage_page(conversation, status=400, reject_form=form)


@bp.post("/admin/conversations/<int:conversation_id>/export/<name>")
@login_required
def admin_export(conversation_id: int, name: str):
    conversation = queries.get_for_manage(current_user, conversation_id)
    if not ToggleForm().validate_on_submit():
        abort(400)
    builders = {"participants-votes.csv": exports.participants_votes, "comments.csv": exports.comments,
                "summary.csv": exports.summary}
    if name not in builders:
        abort(404)
    body = exports.audited(current_user, conversation, name, builders[name])
    return Response(body, mimetype="text/csv",
                    headers={"Content-Disposition": f'attachment; filename="conversation-{conversation.id}-{name}"'})
