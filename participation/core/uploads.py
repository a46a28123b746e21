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
import math
import os
import re
import time
import warnings
from pathlib import Path
from typing import Any

from flask import current_app, g, has_request_context
from flask_babel import lazy_gettext as _l
from PIL import Image, ImageOps, UnidentifiedImageError
from sqlalchemy import event, select
from sqlalchemy.orm import Session
from werkzeug.datastructures import FileStorage

from ..extensions import db
from .errors import InvalidInput
from .models import Upload
from .registry import registry

MAX_SIDE = 2048
THUMB_SIDE = 480
MAX_PIXELS = 40_000_000  # anything larger is refused as a possible decompression bomb
REQUEST_PIXEL_BUDGET = 40_000_000  # decoded pixels per request, all images together
JPEG_QUALITY = 85
ALLOWED_FORMATS = {"JPEG", "PNG", "GIF", "WEBP"}


def upload_dir() -> Path:
    configured = current_app.config.get("UPLOAD_FOLDER")
    path = Path(configured) if configured else Path(current_app.instance_path) / "uploads"
    path.mkdir(parents=True, exist_ok=True)
    return path


def _refuse(message) -> InvalidInput:
    return InvalidInput(message, field="photos")


def _charge_pixels(pixels: int) -> None:
    """Each request may decode at most UPLOAD_PIXEL_BUDGET pixels in all (several photos of a form
    together): a tiny PNG can unpack into hundreds of megabytes."""
    if not has_request_context():
        return
    budget = int(current_app.config.get("UPLOAD_PIXEL_BUDGET", REQUEST_PIXEL_BUDGET))
    used = int(g.get("upload_pixels", 0)) + pixels
    if used > budget:
        raise _refuse(_l("These images are too large together (more than %(n)d million pixels). Please "
                         "send smaller photos or fewer at a time.", n=budget // 1_000_000))
    g.upload_pixels = used


def _shrink(image: Image.Image) -> Image.Image:
    """Reduce a decoded image that is far larger than what is stored, before any other work."""
    factor = max(image.size) // MAX_SIDE  # the result stays at least MAX_SIDE wide
    if factor < 2:
        return image
    try:
        reduced = image.reduce(factor)
    except ValueError:  # a mode reduce() does not handle: the resize later does the work
        return image
    reduced.info = dict(image.info)  # keeps the EXIF orientation for exif_transpose
    return reduced


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
            image: Image.Image = Image.open(io.BytesIO(data))
            if image.format == "JPEG":
                ratio = MAX_SIDE / max(image.size)  # decode at 1/2, 1/4 or 1/8 scale when larger
                image.draft("RGB", (math.ceil(image.width * ratio), math.ceil(image.height * ratio)))
            _charge_pixels(image.width * image.height)
            image.load()
            image = _shrink(image)
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


# --- serving: hidden means hidden --------------------------------------------------------------

FILE_NAME = re.compile(r"([0-9a-f]{64})(_thumb)?\.jpg")


def upload_for_file(name: str) -> Upload | None:
    """The row of a stored file name (`<sha256>.jpg` or `<sha256>_thumb.jpg`), or None: a file
    without a row (left by a request that died) is never served."""
    match = FILE_NAME.fullmatch(name or "")
    if match is None:
        return None
    return db.session.scalar(select(Upload).where(Upload.sha256 == match.group(1)))


def can_read_upload(user: Any, upload: Upload) -> bool:
    """Readable when some item that uses it (features register them: `register_upload_owner`) is
    readable by `user`. An upload that nothing uses any more is not served."""
    for owner in registry().upload_owners.values():
        for item in owner.find(upload.id):
            if owner.can_read(user, item):
                return True
    return False


# --- cleaning: files with no row ---------------------------------------------------------------

ORPHAN_AGE_SECONDS = 3600


def orphan_files(min_age_seconds: int = ORPHAN_AGE_SECONDS) -> list[Path]:
    """Files in the upload folder that no row names (and half-written `.tmp` files), older than
    `min_age_seconds` (younger ones may belong to a request still running)."""
    directory = upload_dir()
    cutoff = time.time() - min_age_seconds
    candidates: dict[str, list[Path]] = {}
    stale: list[Path] = []
    for path in directory.iterdir():
        if not path.is_file() or path.stat().st_mtime > cutoff:
            continue
        match = FILE_NAME.fullmatch(path.name)
        if match is None:
            if path.suffix == ".tmp":
                stale.append(path)
            continue
        candidates.setdefault(match.group(1), []).append(path)
    known: set[str] = set()
    hashes = sorted(candidates)
    for start in range(0, len(hashes), 500):
        chunk = hashes[start:start + 500]
        known.update(db.session.scalars(select(Upload.sha256).where(Upload.sha256.in_(chunk))))
    return sorted(stale + [p for digest, paths in candidates.items() if digest not in known
                           for p in paths])


def clean_orphans(min_age_seconds: int = ORPHAN_AGE_SECONDS, *, dry_run: bool = False) -> list[Path]:
    """Remove (or with `dry_run` only list) the orphan files; returns them."""
    found = orphan_files(min_age_seconds)
    if not dry_run:
        for path in found:
            path.unlink(missing_ok=True)
    return found
