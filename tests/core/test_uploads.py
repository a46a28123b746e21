"""The shared image upload module."""
from __future__ import annotations

import io

import pytest
from PIL import Image

from participation.core import uploads
from participation.core.errors import InvalidInput
from participation.core.models import Upload
from participation.extensions import db


def jpeg_with_exif(width=3000, height=1000, orientation=6) -> bytes:
    image = Image.new("RGB", (width, height), (200, 30, 30))
    exif = Image.Exif()
    exif[0x0112] = orientation  # rotate 90° clockwise when displayed
    exif[0x010F] = "CameraMaker"
    gps = {1: "N", 2: (35.0, 39.0, 0.0), 3: "E", 4: (139.0, 42.0, 0.0)}
    exif[0x8825] = gps
    out = io.BytesIO()
    image.save(out, format="JPEG", exif=exif.tobytes())
    return out.getvalue()


def test_image_is_rotated_resized_and_stripped(app):
    with app.app_context():
        upload = uploads.save_image(jpeg_with_exif())
        db.session.commit()
        path = uploads.upload_dir() / upload.filename
        with Image.open(path) as stored:
            assert stored.format == "JPEG"
            assert stored.size == (683, 2048)  # turned upright (portrait), longest side 2048
            assert not stored.getexif()
            assert "exif" not in stored.info and "icc_profile" not in stored.info
        assert (upload.width, upload.height) == (683, 2048)
        assert b"CameraMaker" not in path.read_bytes()
        with Image.open(uploads.upload_dir() / upload.thumbnail_filename) as thumb:
            assert max(thumb.size) == uploads.THUMB_SIDE


def test_same_image_is_stored_once(app):
    with app.app_context():
        first = uploads.save_image(jpeg_with_exif())
        second = uploads.save_image(jpeg_with_exif())
        assert first.id == second.id


@pytest.mark.parametrize(
    "payload",
    [b"", b"just some text pretending to be a jpg", b"\xff\xd8\xff\xe0" + b"\x00" * 100,
     b"<svg xmlns='http://www.w3.org/2000/svg'><script>alert(1)</script></svg>"],
)
def test_non_images_are_refused(app, payload):
    with app.app_context():
        with pytest.raises(InvalidInput):
            uploads.save_image(payload)
        assert db.session.scalar(db.select(db.func.count(Upload.id))) == 0


def test_decompression_bomb_is_refused(app):
    image = Image.new("1", (12000, 12000))  # 144 megapixels, tiny file
    out = io.BytesIO()
    image.save(out, format="PNG")
    assert len(out.getvalue()) < 1_000_000
    with app.app_context():
        with pytest.raises(InvalidInput) as info:
            uploads.save_image(out.getvalue())
        assert "画素数が多すぎます" in str(info.value.message)


def test_too_many_photos(app):
    from werkzeug.datastructures import FileStorage

    files = [FileStorage(io.BytesIO(jpeg_with_exif(100, 100)), filename=f"{i}.jpg") for i in range(4)]
    with app.app_context(), pytest.raises(InvalidInput):
        uploads.save_images(files, limit=3)


def test_files_of_a_rolled_back_transaction_are_removed(app):
    with app.app_context():
        upload = uploads.save_image(jpeg_with_exif(400, 300, orientation=1))
        path = uploads.upload_dir() / upload.filename
        assert path.exists()
        db.session.rollback()
        assert not path.exists()
        assert not (uploads.upload_dir() / upload.thumbnail_filename).exists()


def test_uploaded_files_are_served_and_names_checked(app, client, make_process):
    from participation.processes.models import Process

    process = make_process()
    with app.app_context():
        upload = uploads.save_image(jpeg_with_exif(400, 300, orientation=1))
        db.session.get(Process, process.id).hero_image = upload  # served because a page shows it
        db.session.commit()
        name = upload.filename
    with client.get(f"/uploads/{name}") as response:
        assert response.status_code == 200 and response.mimetype == "image/jpeg"
    assert client.get("/uploads/..%2Fsecret_key").status_code == 404
    assert client.get("/uploads/" + "0" * 64 + ".jpg").status_code == 404


def test_process_hero_image_through_the_form(app, client, login, make_user, make_process, post_form):
    from participation.processes.models import Process

    process = make_process("plaza")
    login(make_user("facilitator", process_id=process.id))
    page = f"/admin/processes/{process.id}/"
    data = {"slug": "plaza", "title_ja": "広場", "start_date": process.start_date.isoformat(),
            "end_date": process.end_date.isoformat(),
            "hero_image": (io.BytesIO(jpeg_with_exif(800, 600, orientation=1)), "hero.jpg")}
    response = post_form(page, data, content_type="multipart/form-data")
    assert response.status_code == 302
    with app.app_context():
        assert db.session.get(Process, process.id).hero_image_id is not None
    bad = dict(data, hero_image=(io.BytesIO(b"not an image"), "evil.jpg"))
    response = post_form(page, bad, content_type="multipart/form-data")
    assert response.status_code == 400
    assert "このファイルは読み込める画像ではありません。" in response.get_data(as_text=True)
    html = client.get("/processes/plaza/").get_data(as_text=True)
    assert 'class="hero-image"' in html
