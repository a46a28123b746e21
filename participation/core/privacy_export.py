""""Download my data": a zip of everything held about a person (data.json + one CSV per dataset,
UTF-8 with BOM through `core.exports`), built by a job, stored privately (EXPORT_FOLDER, default
instance/exports/), offered for 7 days through a signed link that works only for its owner.

Each feature contributes its datasets through `signals.personal_data_export` (its
`personal_data.py`); core adds the account, consents, demographics, notifications and follows.
"""
from __future__ import annotations

import io
import json
import logging
import secrets
import zipfile
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any

from flask import current_app
from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from ..extensions import db
from . import audit, clock, exports, jobs, mail, notifications, signals, tokens
from .errors import Conflict, NotFound
from .models import Follow, Notification, Upload, User
from .privacy_models import Consent, DataExport, Demographics, ExportStatus, ProfileSetting

log = logging.getLogger(__name__)
KEEP_DAYS = 7
MAX_AGE = KEEP_DAYS * 24 * 3600
TOKEN_PURPOSE = "data-export"
NOT_AVAILABLE = _l("This download is not available (it expired or is not yours).")


def export_dir() -> Path:
    configured = current_app.config.get("EXPORT_FOLDER")
    path = Path(configured) if configured else Path(current_app.instance_path) / "exports"
    path.mkdir(parents=True, exist_ok=True)
    return path


# --- requests and downloads ------------------------------------------------------------------------

def latest_export(user: User) -> DataExport | None:
    return db.session.scalar(select(DataExport).where(DataExport.user_id == user.id)
                             .order_by(DataExport.id.desc()).limit(1))


def is_available(export: DataExport | None) -> bool:
    return (export is not None and export.status == ExportStatus.READY and export.expires_at is not None
            and export.expires_at > clock.now())


def request_export(user: User) -> DataExport:
    """Ask for a new zip (one at a time); the request is audited; a job builds it after the commit."""
    pending = db.session.scalar(select(DataExport).where(DataExport.user_id == user.id,
                                                         DataExport.status == ExportStatus.PENDING))
    if pending is not None:
        raise Conflict(_l("Your data is already being prepared. Please come back in a few minutes."))
    export = DataExport(user_id=user.id, status=ExportStatus.PENDING, requested_at=clock.now())
    db.session.add(export)
    db.session.flush()
    audit.record(user, "privacy.export_request", export)
    from .privacy_jobs import build_data_export

    jobs.after_commit(build_data_export, export.id)
    return export


def download_token(export: DataExport) -> str:
    return tokens.make(TOKEN_PURPOSE, [export.user_id, export.id])


def export_for_token(user: Any, token: str) -> DataExport:
    """The ready, unexpired export a link names, only for its owner; NotFound otherwise."""
    try:
        user_id, export_id = tokens.read(TOKEN_PURPOSE, token, max_age=MAX_AGE)
    except (tokens.BadToken, ValueError, TypeError):
        raise NotFound(NOT_AVAILABLE) from None
    if not isinstance(export_id, int) or getattr(user, "id", None) != user_id:
        raise NotFound(NOT_AVAILABLE)
    export = db.session.get(DataExport, export_id)
    if export is None or export.user_id != user_id or not is_available(export) or not export.filename \
            or not (export_dir() / export.filename).is_file():
        raise NotFound(NOT_AVAILABLE)
    return export


def record_download(user: User, export: DataExport) -> Path:
    export.downloaded_at = clock.now()
    audit.record(user, "privacy.export_download", export)
    db.session.flush()
    return export_dir() / str(export.filename)


def delete_exports(user: User) -> None:
    for export in db.session.scalars(select(DataExport).where(DataExport.user_id == user.id)).all():
        _remove_file(export)
        db.session.delete(export)
    db.session.flush()


def _remove_file(export: DataExport) -> None:
    if export.filename:
        try:
            (export_dir() / export.filename).unlink(missing_ok=True)
        except OSError:  # pragma: no cover - the periodic clean-up tries again
            log.warning("could not remove export file %s", export.filename)


def remove_expired() -> int:
    """Delete expired zips (and requests that never finished within a day). Caller commits."""
    now = clock.now()
    rows = db.session.scalars(select(DataExport).where(
        ((DataExport.expires_at.is_not(None)) & (DataExport.expires_at <= now))
        | ((DataExport.status != ExportStatus.READY) & (DataExport.requested_at <= now - timedelta(days=1))))).all()
    for export in rows:
        _remove_file(export)
        db.session.delete(export)
    db.session.flush()
    return len(rows)


# --- building the zip ------------------------------------------------------------------------------

def _plain(value: Any) -> Any:
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple | set):
        return [_plain(v) for v in value]
    if value is None or isinstance(value, str | int | float | bool):
        return value
    return str(value)


def core_datasets(user: User) -> dict[str, list[dict]]:
    from .mail_models import NotificationPreference
    from .pages import PolicyAcceptance

    def rows(model: Any, *columns: str) -> list[dict]:
        found = db.session.scalars(select(model).where(model.user_id == user.id)).all()
        return [{name: getattr(row, name) for name in columns} for row in found]

    # Notifications as the notifications page shows them: the text of content hidden since is not carried.
    mine = list(db.session.scalars(select(Notification).where(Notification.user_id == user.id)
                                   .order_by(Notification.id)))
    shown = notifications.shown_data_of(mine)
    return {
        "account": [{
            "id": user.id, "email": user.email, "display_name": user.display_name, "language": user.language,
            "created_at": user.created_at, "last_login_at": user.last_login_at,
            "email_confirmed_at": user.email_confirmed_at, "blocked_at": user.blocked_at,
            "blocked_reason": user.blocked_reason,
            "roles": [a.role.value for a in user.roles],
        }],
        "policy_acceptances": rows(PolicyAcceptance, "slug", "version", "accepted_at"),
        "consents": rows(Consent, "kind", "given_at"),
        "demographics": rows(Demographics, "age_group", "area_id", "gender", "consented_at"),
        "profile": rows(ProfileSetting, "public", "updated_at"),
        "notifications": [{"id": n.id, "kind": n.kind, "target_type": n.target_type, "target_id": n.target_id,
                           "data": shown[n.id], "created_at": n.created_at, "read_at": n.read_at} for n in mine],
        "follows": rows(Follow, "target_type", "target_id", "created_at"),
        "notification_preferences": rows(NotificationPreference, "topic", "frequency"),
        "uploads": [{"id": u.id, "file": u.filename, "created_at": u.created_at} for u in
                    db.session.scalars(select(Upload).where(Upload.uploader_id == user.id))],
    }


def collect(user: User) -> dict[str, list[dict]]:
    """Every dataset held about `user`: core's, then each feature's (personal_data_export)."""
    datasets = core_datasets(user)
    for contribution in signals.collect(signals.personal_data_export, user=user):
        for name, rows in contribution.items():
            datasets.setdefault(name, []).extend(rows)
    return {name: [_plain(row) for row in rows] for name, rows in datasets.items()}


def zip_bytes(datasets: dict[str, list[dict]]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("data.json", json.dumps(datasets, ensure_ascii=False, indent=2, sort_keys=True))
        for name, rows in sorted(datasets.items()):
            header: list[str] = []
            for row in rows:
                header += [key for key in row if key not in header]
            cells = [[json.dumps(row.get(k), ensure_ascii=False) if isinstance(row.get(k), dict | list)
                      else row.get(k) for k in header] for row in rows]
            archive.writestr(f"{name}.csv", exports.csv_text(header, cells).encode("utf-8"))
    return buffer.getvalue()


def build(export_id: int) -> None:
    """The job's work: write the zip, mark the export ready for 7 days. Idempotent; caller commits."""
    export = db.session.get(DataExport, export_id)
    if export is None or export.status == ExportStatus.READY:
        return
    user = db.session.get(User, export.user_id)
    if user is None:
        return
    content = zip_bytes(collect(user))
    name = f"{secrets.token_hex(16)}.zip"
    (export_dir() / name).write_bytes(content)
    export.filename, export.size_bytes = name, len(content)
    export.status, export.ready_at = ExportStatus.READY, clock.now()
    export.expires_at = export.ready_at + timedelta(days=KEEP_DAYS)
    db.session.flush()
    mail.queue(user.email, "data_export_ready", user=user, expires_at=export.expires_at,
               link=mail.external_url("privacy.download", token=download_token(export)))
