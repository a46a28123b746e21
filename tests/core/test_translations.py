"""The Japanese catalog is complete, and English exists for every string."""
from __future__ import annotations

import pytest
from babel.messages.frontend import CommandLineInterface
from babel.messages.pofile import read_po

from participation.config import REPO_ROOT, TRANSLATIONS_DIR


def catalog(lang):
    with open(TRANSLATIONS_DIR / lang / "LC_MESSAGES" / "messages.po", "rb") as fh:
        return read_po(fh, locale=lang)


def source_ids(tmp_path):
    pot = tmp_path / "messages.pot"
    CommandLineInterface().run(
        ["pybabel", "-q", "extract", "-F", str(REPO_ROOT / "babel.cfg"), "-k", "_l",
         "-o", str(pot), str(REPO_ROOT / "participation")]
    )
    with open(pot, "rb") as fh:
        return {m.id if isinstance(m.id, str) else m.id[0] for m in read_po(fh) if m.id}


@pytest.mark.parametrize("lang", ["ja", "en"])
def test_catalog_has_no_untranslated_or_fuzzy_entries(lang):
    cat = catalog(lang)
    assert not cat.fuzzy
    bad = [m.id for m in cat if m.id and (m.fuzzy or not (m.string if isinstance(m.string, str) else all(m.string)))]
    assert bad == []


@pytest.mark.parametrize("lang", ["ja", "en"])
def test_every_ui_string_is_in_the_catalog(lang, tmp_path):
    ids = {m.id if isinstance(m.id, str) else m.id[0] for m in catalog(lang) if m.id}
    missing = sorted(source_ids(tmp_path) - ids)
    assert missing == [], "run `flask translate update` and translate: " + repr(missing[:10])


def test_japanese_keeps_placeholders():
    import re

    for message in catalog("ja"):
        if not message.id or not isinstance(message.id, str):
            continue
        assert set(re.findall(r"%\(\w+\)\w", message.id)) == set(re.findall(r"%\(\w+\)\w", message.string)), message.id
