"""Verified residents: letter codes (expiry, attempts), census match (keyed hashes, one account per
entry), revocation, the `flask census hash` tool, and budgets that require verification."""
from __future__ import annotations

import re
from datetime import date, timedelta

import pytest
from sqlalchemy import select

from participation.budgets import services as budget_services
from participation.budgets.models import Budget, Project
from participation.core import clock
from participation.core import verification as v
from participation.core.errors import Conflict, InvalidInput, PermissionDenied
from participation.core.models import AuditLog, User
from participation.extensions import db

SECRET = "city-secret-for-tests"


def user(u) -> User:
    found = db.session.get(User, u.id)
    assert found is not None
    return found


def _letter_code(app, resident, admin) -> str:
    with app.test_request_context("/"):
        v.request_letter(user(resident), "山田 花子", "みどり川市東町1-2-3")
        rows = v.export_letters(user(admin))
        db.session.commit()
        assert [r.full_name for r, _code in rows] == ["山田 花子"]
        assert v.export_letters(user(admin)) == []  # exported once
        return rows[0][1]


def test_letter_code_verifies(app, make_user):
    resident, admin = make_user(), make_user("admin")
    code = _letter_code(app, resident, admin)
    assert re.fullmatch(r"[A-Z0-9]{4}-[A-Z0-9]{4}", code)
    with app.test_request_context("/"):
        stored = db.session.scalar(select(v.LetterRequest))
        assert code.replace("-", "") not in (stored.code_hash or "")  # only a keyed hash is kept
        assert v.enter_code(user(resident), "WRONG-CODE") is False
        assert not v.is_verified(user(resident))
        assert v.enter_code(user(resident), code.lower()) is True  # case and dash do not matter
        assert v.is_verified(user(resident))
        assert "verification.letter" in set(db.session.scalars(select(AuditLog.action)))


def test_letter_attempts_are_limited(app, make_user):
    resident, admin = make_user(), make_user("admin")
    code = _letter_code(app, resident, admin)
    with app.test_request_context("/"):
        for _ in range(v.LETTER_ATTEMPTS):
            assert v.enter_code(user(resident), "AAAA-AAAA") is False
        with pytest.raises(Conflict):
            v.enter_code(user(resident), code)  # even the right one, after too many wrong ones
        assert not v.is_verified(user(resident))


def test_letter_codes_expire(app, make_user):
    resident, admin = make_user(), make_user("admin")
    code = _letter_code(app, resident, admin)
    clock.freeze(clock.now() + timedelta(days=v.LETTER_DAYS + 1))
    with app.test_request_context("/"), pytest.raises(Conflict):
        v.enter_code(user(resident), code)


def test_no_letter_no_code(app, make_user):
    resident = make_user()
    with app.test_request_context("/"):
        with pytest.raises(Conflict):
            v.enter_code(user(resident), "AAAA-AAAA")
        with pytest.raises(InvalidInput):
            v.request_letter(user(resident), "", "住所")


def test_census_match_one_account_per_entry_and_revocation(app, make_user):
    app.config["CENSUS_HMAC_KEY"] = SECRET
    first, second, admin = make_user(), make_user(), make_user("admin")
    with app.test_request_context("/"):
        key = v.census_key("AB 123456", date(1980, 4, 1), SECRET)
        assert v.import_census(user(admin), [key, key.upper(), v.census_key("X1", date(1990, 1, 1), SECRET)]) == 2
        assert v.import_census(user(admin), [key]) == 0  # known ones are skipped
        with pytest.raises(InvalidInput):
            v.import_census(user(admin), ["not-a-hash"])
        with pytest.raises(InvalidInput):
            v.verify_census(user(first), "AB 123456", date(1980, 4, 2))  # wrong birth date
        row = v.verify_census(user(first), "ab123456", date(1980, 4, 1))  # spaces and case do not matter
        assert v.is_verified(user(first))
        with pytest.raises(Conflict):
            v.verify_census(user(second), "AB123456", date(1980, 4, 1))  # one account per entry
        entries = list(db.session.scalars(select(v.CensusEntry)))
        assert all("AB" not in e.key_hash and "1980" not in e.key_hash for e in entries)  # raw values never stored
        with pytest.raises(PermissionDenied):
            v.revoke(user(first), row)
        v.revoke(user(admin), row)
        assert not v.is_verified(user(first))
        assert v.verify_census(user(second), "AB123456", date(1980, 4, 1))  # the entry is free again


def test_census_needs_the_setting(app, make_user):
    app.config["CENSUS_HMAC_KEY"] = None
    resident = make_user()
    with app.test_request_context("/"), pytest.raises(Conflict):
        v.verify_census(user(resident), "AB123456", date(1980, 4, 1))


def test_census_hash_command_matches_the_site(app, runner, tmp_path):
    source = tmp_path / "voters.csv"
    source.write_text("document_number,birth_date\nAB 123456,1980-04-01\n", encoding="utf-8")
    target = tmp_path / "hashes.csv"
    result = runner.invoke(args=["census", "hash", str(source), str(target), "--key", SECRET])
    assert result.exit_code == 0, result.output
    lines = target.read_text(encoding="utf-8").split()
    assert lines == ["key_hash", v.census_key("AB123456", date(1980, 4, 1), SECRET)]
    source.write_text("document_number,birth_date\nAB,yesterday\n", encoding="utf-8")
    assert runner.invoke(args=["census", "hash", str(source), str(target), "--key", SECRET]).exit_code != 0


def test_binding_budget_needs_a_verified_resident(app, voting_process, make_budget, make_user):
    budget_id, ids, _f = make_budget(voting_process(), requires_verification=True)
    resident, admin = make_user(), make_user("admin")
    with app.test_request_context("/"):
        assert db.session.get(Budget, budget_id).requires_verification
        with pytest.raises(PermissionDenied):
            budget_services.add_project(user(resident), db.session.get(Project, ids[0]))
    code = _letter_code(app, resident, admin)
    with app.test_request_context("/"):
        assert v.enter_code(user(resident), code)
        budget_services.add_project(user(resident), db.session.get(Project, ids[0]))
        assert budget_services.checkout(user(resident), db.session.get(Budget, budget_id)).is_checked_out


def test_resident_verifies_by_letter_and_votes_in_east_ward_without_javascript(
        app, client, login, post_form, voting_process, make_budget, make_user):
    """The issue's "done when": letter code, ballot in 東区's budget, checkout; all through the pages."""
    process = voting_process()
    budget_id, ids, _f = make_budget(process, title={"ja": "東区", "en": "East ward"}, total=5_000_000,
                                     costs=(2_400_000, 1_800_000, 900_000), requires_verification=True)
    resident, admin = make_user(), make_user("admin")
    login(resident)
    budget_page = f"/processes/{process.slug}/budgets/{budget_id}/"
    assert "/account/verification" in client.get(budget_page).get_data(as_text=True)
    assert post_form("/account/verification/letter", {"full_name": "山田 花子", "address": "東町1-2-3"},
                     page="/account/verification").status_code == 302
    with app.test_request_context("/"):
        code = v.export_letters(user(admin))[0][1]
        db.session.commit()
    wrong = post_form("/account/verification/code", {"code": "AAAA-AAAA"}, page="/account/verification")
    assert wrong.status_code == 200 and 'role="alert"' in wrong.get_data(as_text=True)
    assert post_form("/account/verification/code", {"code": code}, page="/account/verification").status_code == 302
    for project_id in ids[:2]:
        assert post_form(budget_page + "ballot", {"project_id": project_id, "action": "add"},
                         page=budget_page).status_code == 302
    page = client.get(budget_page).get_data(as_text=True)
    assert "4,200,000" in page and "800,000" in page  # the running total and what remains
    assert post_form(budget_page + "checkout", {}, page=budget_page).status_code == 302
    with app.app_context():
        assert db.session.get(Budget, budget_id).ballots_count == 1
