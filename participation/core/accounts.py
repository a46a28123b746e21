"""Account mail: address confirmation, password reset, e-mail change, password-changed notice.

Services: they change state and queue mail (sent after the commit); they never commit. Requests
for a reset answer the same whether or not the address exists (no enumeration).
"""
from __future__ import annotations

from datetime import timedelta

from flask import current_app
from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from ..extensions import db
from . import clock, mail, tokens
from .errors import Conflict, InvalidInput
from .models import User
from .services import find_user_by_email, normalize_email

LINK_INVALID = _l("This link is not valid, has expired or has already been used. Please ask for a new one.")


def is_confirmed(user: User) -> bool:
    return user.email_confirmed_at is not None


def posting_grace_over(user: User) -> bool:
    """Unconfirmed accounts may post at once, but not once the grace period is over."""
    days = current_app.config.get("UNCONFIRMED_POSTING_DAYS", 2)
    return not is_confirmed(user) and user.created_at is not None \
        and clock.now() - user.created_at > timedelta(days=days)


# --- confirmation ---------------------------------------------------------------------------------

def send_confirmation(user: User) -> None:
    if is_confirmed(user):
        return
    token = tokens.make("confirm", [user.id, user.email])
    mail.queue(user.email, "confirm", user=user, email=user.email,
               link=mail.external_url("accounts.confirm_email", token=token))


def confirm_email(token: str) -> User:
    try:
        user_id, email = tokens.read("confirm", token, max_age=tokens.CONFIRM_MAX_AGE)
    except (tokens.BadToken, ValueError, TypeError):
        raise InvalidInput(LINK_INVALID) from None
    user = db.session.get(User, user_id) if isinstance(user_id, int) else None
    if user is None or user.email != email:
        raise InvalidInput(LINK_INVALID)
    if user.email_confirmed_at is None:
        user.email_confirmed_at = clock.now()
        db.session.flush()
    return user


def registration_attempt_for_existing(email: str) -> None:
    """Someone registered with an address that has an account: tell its owner instead."""
    user = find_user_by_email(email)
    if user is None:
        return
    mail.queue(user.email, "already_registered", user=user,
               login_link=mail.external_url("core.login"),
               reset_link=mail.external_url("accounts.reset_request"))


# --- password reset -------------------------------------------------------------------------------

def _reset_token(user: User) -> str:
    return tokens.make("reset", [user.id, tokens.fingerprint(user.password_hash)])


def request_password_reset(email: str) -> None:
    """Queue a reset link if the address has an active account; do the same work otherwise."""
    user = find_user_by_email(email)
    if user is None or not user.is_active:
        tokens.make("reset", [0, ""])  # about the same work either way
        return
    mail.queue(user.email, "reset", user=user,
               link=mail.external_url("accounts.reset_password", token=_reset_token(user)))


def user_for_reset(token: str) -> User:
    try:
        user_id, fingerprint = tokens.read("reset", token, max_age=tokens.RESET_MAX_AGE)
    except (tokens.BadToken, ValueError, TypeError):
        raise InvalidInput(LINK_INVALID) from None
    user = db.session.get(User, user_id) if isinstance(user_id, int) else None
    if user is None or not user.is_active or tokens.fingerprint(user.password_hash) != fingerprint:
        raise InvalidInput(LINK_INVALID)
    return user


def reset_password(token: str, new_password: str) -> User:
    """Set a new password with a reset link; the link stops working (the hash it names changed).
    Receiving the link proves the address, so it also counts as confirmation."""
    from . import passwords
    from .services import end_sessions

    user = user_for_reset(token)
    passwords.check_password(new_password, email=user.email, display_name=user.display_name,
                             field="password")
    user.set_password(new_password)
    end_sessions(user)  # a stolen session dies with the old password
    if user.email_confirmed_at is None:
        user.email_confirmed_at = clock.now()
    db.session.flush()
    password_changed(user)
    return user


def password_changed(user: User) -> None:
    mail.queue(user.email, "password_changed", user=user,
               reset_link=mail.external_url("accounts.reset_request"))


# --- e-mail change --------------------------------------------------------------------------------

def request_email_change(user: User, new_email: str, password: str) -> None:
    new_email = normalize_email(new_email)
    if not user.check_password(password or ""):
        raise InvalidInput(_l("The current password is not correct."), field="password")
    if new_email == user.email:
        raise InvalidInput(_l("This is already your address."), field="email")
    if db.session.scalar(select(User.id).where(User.email == new_email)) is not None:
        # No leak either: the owner of that address is told, the requester sees the usual answer.
        registration_attempt_for_existing(new_email)
        return
    token = tokens.make("email-change", [user.id, user.email, new_email])
    mail.queue(new_email, "email_change", user=user, email=new_email,
               link=mail.external_url("accounts.confirm_email_change", token=token))
    mail.queue(user.email, "email_change_notice", user=user, email=new_email,
               reset_link=mail.external_url("accounts.reset_request"))


def confirm_email_change(token: str) -> User:
    try:
        user_id, old_email, new_email = tokens.read("email-change", token, max_age=tokens.CONFIRM_MAX_AGE)
    except (tokens.BadToken, ValueError, TypeError):
        raise InvalidInput(LINK_INVALID) from None
    user = db.session.get(User, user_id) if isinstance(user_id, int) else None
    if user is None or user.email != old_email:
        raise InvalidInput(LINK_INVALID)
    if db.session.scalar(select(User.id).where(User.email == new_email)) is not None:
        raise Conflict(_l("Another account uses this address now."))
    user.email = new_email
    user.email_confirmed_at = clock.now()
    db.session.flush()
    return user
