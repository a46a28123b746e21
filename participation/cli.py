"""Command-line tools: `flask seed-demo`, `flask users ...`, `flask translate ...`."""
from __future__ import annotations

import click
from flask import Flask
from flask.cli import AppGroup, with_appcontext

from .config import REPO_ROOT, TRANSLATIONS_DIR
from .core import services
from .core.errors import ServiceError
from .core.models import Role
from .extensions import db

users_cli = AppGroup("users", help="Manage accounts and roles.")
translate_cli = AppGroup("translate", help="Extract, update and compile translations.")

ROLE_CHOICES = click.Choice([r.value for r in Role] + ["resident"])


def _fail(exc: ServiceError) -> None:
    db.session.rollback()
    raise click.ClickException(str(exc.message))


def _process_id(slug: str | None) -> int | None:
    if not slug:
        return None
    from .processes.queries import get_process_by_slug

    return get_process_by_slug(slug, include_drafts=True).id


def _grant(user, role: str, department_code: str | None, process_slug: str | None) -> None:
    if role == "resident":
        return
    department = services.get_department(department_code) if department_code else None
    services.grant_role(None, user, Role(role), department=department,
                        process_id=_process_id(process_slug))


@users_cli.command("create")
@click.option("--email", required=True)
@click.option("--name", "display_name", help="Display name (defaults to the part before @).")
@click.option("--password", prompt=True, hide_input=True, confirmation_prompt=True)
@click.option("--role", type=ROLE_CHOICES, default="resident", show_default=True)
@click.option("--department", "department_code", help="Department code (for officials).")
@click.option("--process", "process_slug", help="Limit a facilitator or moderator to one process (its slug).")
@click.option("--language", type=click.Choice(["ja", "en"]), default=None)
@with_appcontext
def create_user(email, display_name, password, role, department_code, process_slug, language):
    """Create an account, optionally with a role."""
    try:
        user = services.register_user(email, display_name or email.split("@")[0], password,
                                      language=language)
        _grant(user, role, department_code, process_slug)
    except ServiceError as exc:
        _fail(exc)
    db.session.commit()
    click.echo(f"Created user {user.id} <{user.email}> ({role})")


@users_cli.command("grant")
@click.argument("email")
@click.argument("role", type=ROLE_CHOICES)
@click.option("--department", "department_code", help="Department code (for officials).")
@click.option("--process", "process_slug", help="Limit a facilitator or moderator to one process (its slug).")
@with_appcontext
def grant(email, role, department_code, process_slug):
    """Grant ROLE to the account with EMAIL."""
    user = services.find_user_by_email(email)
    if user is None:
        raise click.ClickException(f"No account with email {email}")
    try:
        _grant(user, role, department_code, process_slug)
    except ServiceError as exc:
        _fail(exc)
    db.session.commit()
    click.echo(f"Granted {role} to <{user.email}>")


@users_cli.command("revoke")
@click.argument("email")
@click.argument("role", type=click.Choice([r.value for r in Role]))
@click.option("--department", "department_code")
@click.option("--process", "process_slug")
@with_appcontext
def revoke(email, role, department_code, process_slug):
    """Remove ROLE from the account with EMAIL."""
    user = services.find_user_by_email(email)
    if user is None:
        raise click.ClickException(f"No account with email {email}")
    try:
        department = services.get_department(department_code) if department_code else None
        removed = services.revoke_role(None, user, Role(role), department=department,
                                       process_id=_process_id(process_slug))
    except ServiceError as exc:
        _fail(exc)
    db.session.commit()
    click.echo(f"Removed {removed} {role} assignment(s) from <{user.email}>")


@users_cli.command("list")
@with_appcontext
def list_users():
    """List accounts and their roles."""
    from sqlalchemy import select

    from .core.models import User

    for user in db.session.scalars(select(User).order_by(User.id)):
        roles = ", ".join(
            a.role + (f"@{a.department.code}" if a.department else "")
            + (f"#{a.process.slug}" if a.process_id else "")
            for a in user.roles
        ) or "resident"
        click.echo(f"{user.id}\t{user.email}\t{user.display_name}\t{roles}")


def _babel(*args: str) -> None:
    from babel.messages.frontend import CommandLineInterface

    CommandLineInterface().run(["pybabel", "-q", *args])


POT_FILE = TRANSLATIONS_DIR / "messages.pot"


@translate_cli.command("extract")
def extract():
    """Collect the UI strings into translations/messages.pot."""
    _babel("extract", "-F", str(REPO_ROOT / "babel.cfg"), "-k", "_l", "--no-location",
           "--sort-output", "-o", str(POT_FILE), str(REPO_ROOT / "participation"))


@translate_cli.command("update")
@click.pass_context
def update(ctx):
    """Extract, merge new strings into every catalog, and take Japanese from translations/ja/additions/."""
    import fcntl

    with (TRANSLATIONS_DIR / ".update.lock").open("w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)  # one update at a time: the catalogs are rewritten whole
        ctx.invoke(extract)
        _babel("update", "-i", str(POT_FILE), "-d", str(TRANSLATIONS_DIR), "--no-fuzzy-matching",
               "--ignore-obsolete")
        filled = fill_source_catalog("en")
        click.echo(f"en: {filled} new entries copied from the English source strings")
        added = fill_from_additions("ja")
        click.echo(f"ja: {added} entries taken from translations/ja/additions/*.json")


def fill_from_additions(lang: str) -> int:
    """Untranslated entries of `lang` take their text from JSON files {msgid: text or [plural forms]}."""
    import json

    from babel.messages.pofile import read_po, write_po

    folder = TRANSLATIONS_DIR / lang / "additions"
    additions: dict[str, object] = {}
    for path in sorted(folder.glob("*.json")) if folder.is_dir() else []:
        additions.update(json.loads(path.read_text(encoding="utf-8")))
    po_path = TRANSLATIONS_DIR / lang / "LC_MESSAGES" / "messages.po"
    with po_path.open("rb") as fh:
        catalog = read_po(fh, locale=lang)
    filled = 0
    for message in catalog:
        key = message.id[0] if isinstance(message.id, tuple) else message.id
        if not key or key not in additions:
            continue
        text = additions[key]
        if isinstance(message.string, tuple | list):
            if not all(message.string):
                forms = text if isinstance(text, list) else [text]
                message.string = tuple(str(forms[min(i, len(forms) - 1)]) for i in range(len(message.string)))
                filled += 1
        elif not message.string:
            message.string = str(text)
            filled += 1
    with po_path.open("wb") as fh:
        write_po(fh, catalog, width=100, sort_output=True)
    return filled


def fill_source_catalog(lang: str) -> int:
    """Source strings are English: the `en` catalog takes each msgid as its translation."""
    from babel.messages.pofile import read_po, write_po

    path = TRANSLATIONS_DIR / lang / "LC_MESSAGES" / "messages.po"
    with path.open("rb") as fh:
        catalog = read_po(fh, locale=lang)
    filled = 0
    for message in catalog:
        if not message.id:
            continue
        if message.pluralizable and isinstance(message.string, tuple | list):
            if not all(message.string):
                message.string = tuple(message.id[min(i, 1)] for i in range(len(message.string)))
                filled += 1
        elif not message.string:
            message.string = message.id
            filled += 1
        message.flags.discard("fuzzy")
    catalog.fuzzy = False
    with path.open("wb") as fh:
        write_po(fh, catalog, width=100, sort_output=True)
    return filled


@translate_cli.command("compile")
def compile_catalogs():
    """Compile the catalogs (.po -> .mo)."""
    _babel("compile", "-d", str(TRANSLATIONS_DIR), "--statistics")


@click.command("seed-demo")
@with_appcontext
def seed_demo():
    """Fill the database with a demo city (safe to run again): the accounts, then each feature's content."""
    from .core import demo as core_demo
    from .core import signals

    for line in [core_demo.seed(), *signals.collect(signals.seed_demo)]:
        if line:
            click.echo(line)
    db.session.commit()


def register_cli(app: Flask) -> None:
    from .core import cli as core_cli

    core_cli.init_app(app)  # uploads clean, backup, restore
    app.cli.add_command(users_cli)
    app.cli.add_command(translate_cli)
    app.cli.add_command(seed_demo)
