"""The shared image upload module (processes, proposals and issues use it).

An upload is decoded (extension and content type are not trusted), checked against
decompression bombs, turned upright by its EXIF orientation, stripped of all metadata (GPS
included) by re-encoding, resized to at most 2048 px, given a thumbnail, and stored outside the
package under the hash of its content. Files written during a transaction that rolls back are
removed again, so a refused submission leaves no orphan files.
"""
from __future__ import annotations

import hashlib
import io
import os
import warnings
from pathlib import Path

from flask import current_app
from flask_babel import lazy_gettext as _l
from PIL import Image, ImageOps, UnidentifiedImageError
from sqlalchemy import event, select
from sqlalchemy.orm import Session
from werkzeug.datastructures import FileStorage

from ..extensions import db
from .errors import InvalidInput
from .models import Upload

MAX_SIDE = 2048
THUMB_SIDE = 480
MAX_PIXELS = 40_000_000  # anything larger is refused as a possible decompression bomb
JPEG_QUALITY = 85
ALLOWED_FORMATS = {"JPEG", "PNG", "GIF", "WEBP"}


def upload_dir() -> Path:
    configured = current_app.config.get("UPLOAD_FOLDER")
    path = Path(configured) if configured else Path(current_app.instance_path) / "uploads"
    path.mkdir(parents=True, exist_ok=True)
    return path


def _refuse(message) -> InvalidInput:
    return InvalidInput(message, field="photos")


def _decode(data: bytes) -> Image.Image:
    if not data:
        raise _refuse(_l("The file is empty."))
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            probe = Image.open(io.BytesIO(data))
            if probe.format not in ALLOWED_FORMATS:
                raise _refuse(_l("Please upload a JPEG, PNG, GIF or WebP image."))
            if probe.width * probe.height > MAX_PIXELS:
                raise _refuse(_l("The image is too large (too many pixels)."))
            probe.verify()
            image = Image.open(io.BytesIO(data))
            image.load()
    except InvalidInput:
        raise
    except (Image.DecompressionBombError, Image.DecompressionBombWarning):
        raise _refuse(_l("The image is too large (too many pixels).")) from None
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError):
        raise _refuse(_l("This file is not an image we can read.")) from None
    return image


def _encode(image: Image.Image, side: int) -> bytes:
    image = image.copy()
    image.thumbnail((side, side), Image.Resampling.LANCZOS)
    out = io.BytesIO()
    # No exif= and no icc_profile: the stored file carries no metadata at all.
    image.save(out, format="JPEG", quality=JPEG_QUALITY, optimize=True)
    return out.getvalue()


def _normalise(image: Image.Image) -> Image.Image:
    image = ImageOps.exif_transpose(image)
    if image.mode in ("RGBA", "LA", "P"):
        image = image.convert("RGBA")
        background = Image.new("RGB", image.size, (255, 255, 255))
        background.paste(image, mask=image.getchannel("A"))
        return background
    return image.convert("RGB")


def save_image(file: FileStorage | bytes, uploader=None) -> Upload:
    """Validate and store one image; returns its (possibly already existing) Upload row."""
    data = file if isinstance(file, bytes) else file.read()
    image = _normalise(_decode(data))
    full = _encode(image, MAX_SIDE)
    digest = hashlib.sha256(full).hexdigest()
    existing = db.session.scalar(select(Upload).where(Upload.sha256 == digest))
    if existing is not None:
        return existing
    thumb = _encode(image, THUMB_SIDE)
    directory = upload_dir()
    written = db.session.info.setdefault("uploads_written", [])
    for name, payload in ((f"{digest}.jpg", full), (f"{digest}_thumb.jpg", thumb)):
        path = directory / name
        if not path.exists():
            tmp = path.with_suffix(".tmp")
            tmp.write_bytes(payload)
            os.replace(tmp, path)
            written.append(path)
    width, height = Image.open(io.BytesIO(full)).size
    upload = Upload(sha256=digest, width=width, height=height, size_bytes=len(full),
                    uploader_id=getattr(uploader, "id", None))
    db.session.add(upload)
    db.session.flush()
    return upload


def save_images(files: list[FileStorage], uploader=None, *, limit: int = 3) -> list[Upload]:
    files = [f for f in files if f and getattr(f, "filename", None)]
    if len(files) > limit:
        raise _refuse(_l("You can attach at most %(n)d photos.", n=limit))
    return [save_image(f, uploader) for f in files]


def _forget(session) -> None:
    session.info.pop("uploads_written", None)


def _remove_written(session, previous_transaction) -> None:
    if previous_transaction.parent is not None:  # a savepoint; the outer transaction decides
        return
    for path in session.info.pop("uploads_written", []):
        path.unlink(missing_ok=True)


# Files written in a transaction live and die with it.
event.listen(Session, "after_commit", _forget)
event.listen(Session, "after_soft_rollback", _remove_written)
