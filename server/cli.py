"""The ``humiao`` command line (fixed names: DESIGN §7)."""

from __future__ import annotations

import sys
from pathlib import Path

import click
import sqlalchemy as sa

from server import create_app
from server.config import Config


def _app():
    return create_app(Config())


@click.group()
def main() -> None:
    """Humiao 护苗: minor protection registry and sync server."""


@main.group()
def db() -> None:
    """Database schema (alembic)."""


@db.command("upgrade")
@click.option("--revision", default="head", show_default=True)
def db_upgrade(revision: str) -> None:
    """Bring the database schema up to date."""
    from server.migrate import upgrade

    url = Config().SQLALCHEMY_DATABASE_URI
    upgrade(url, revision)
    click.echo(f"database at {sa.engine.make_url(url).render_as_string(hide_password=True)} is at {revision}")


@db.command("downgrade")
@click.option("--revision", required=True)
def db_downgrade(revision: str) -> None:
    """Step the schema back to REVISION ("base" empties it)."""
    from server.migrate import downgrade

    downgrade(Config().SQLALCHEMY_DATABASE_URI, revision)


@main.command("seed-demo")
@click.option("--seed", default=20261129, show_default=True, help="Random seed: same seed, same data.")
def seed_demo(seed: int) -> None:
    """Fill an empty database with a demo street and print the demo logins."""
    from server.demo.seed import DEMO_PASSWORD, seed_street

    app = _app()
    with app.app_context():
        summary = seed_street(seed=seed)
    click.echo(summary)
    click.echo(
        f"demo logins (password {DEMO_PASSWORD}): admin, village1, worker1, worker2, sentinel1, police1"
    )


@main.command("create-user")
@click.option("--username", required=True)
@click.option("--password", required=True)
@click.option("--role", required=True)
@click.option("--area", "areas", multiple=True, help="Area code (every role needs one); repeat for several.")
@click.option("--display-name")
@click.option("--unit", help="Member unit of a unit_liaison (police, school, ...).")
@click.option("--sentinel-kind", help="Kind of a sentinel (school, family, ...).")
def create_user(username, password, role, areas, display_name, unit, sentinel_kind) -> None:
    """Create a user with a role and its area(s)."""
    from server.accounts.service import AccountError
    from server.accounts.service import create_user as create
    from server.core.extensions import db as database

    app = _app()
    with app.app_context():
        try:
            user = create(
                username=username,
                password=password,
                role=role,
                areas=list(areas),
                display_name=display_name,
                unit=unit,
                sentinel_kind=sentinel_kind,
            )
        except AccountError as exc:
            _echo_errors(exc.errors)
            sys.exit(2)
        database.session.commit()
        click.echo(f"created user {user.username} ({user.role}) id={user.id}")


@main.command("set-areas")
@click.option("--username", required=True)
@click.option("--area", "areas", multiple=True, required=True, help="Area code; repeat for several.")
def set_areas(username: str, areas: tuple[str, ...]) -> None:
    """Bind an account to its area(s): every account needs one (older liaisons and sentinels may lack it)."""
    from server.accounts.models import User
    from server.accounts.service import AccountError, update_user
    from server.core.extensions import db as database

    app = _app()
    with app.app_context():
        user = database.session.scalar(sa.select(User).where(User.username == username))
        if user is None:
            click.echo(f"unknown user {username}", err=True)
            sys.exit(2)
        try:
            update_user(user, {"areas": list(areas)})
        except AccountError as exc:
            _echo_errors(exc.errors)
            sys.exit(2)
        database.session.commit()
        click.echo(f"{user.username} ({user.role}) now works in {', '.join(a.code for a in user.areas)}")


@main.command("realign")
def realign() -> None:
    """Put every record where its child or household lives now (once, after upgrading to this version)."""
    from server.core.extensions import db as database
    from server.registry.places import realign as realign_all

    app = _app()
    with app.app_context():
        fixed = realign_all()
        database.session.commit()
        click.echo(f"{fixed} households and minors were out of place; all that is theirs now lives with them")


def _echo_errors(errors: dict) -> None:
    for field, messages in errors.items():
        for message in messages:
            click.echo(f"{field}: {message}", err=True)


@main.command("import-areas")
@click.argument("csv_file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
def import_areas(csv_file: Path) -> None:
    """Import areas from a CSV with columns code,name,level,parent_code (all or nothing)."""
    from server.areas.service import AreaError, import_csv
    from server.core.extensions import db as database

    app = _app()
    with app.app_context():
        try:
            created = import_csv(csv_file.read_text(encoding="utf-8-sig"))
        except AreaError as exc:
            database.session.rollback()
            click.echo(f"nothing imported: {exc.errors}", err=True)
            sys.exit(2)
        database.session.commit()
        click.echo(f"imported {len(created)} areas")


@main.command("refresh")
@click.option("--area", "area_code", help="Only this area (code); the whole registry by default.")
def refresh(area_code: str | None) -> None:
    """Re-derive every active minor: run daily, so birthdays move categories and archive adults."""
    from server.areas.models import Area
    from server.core.extensions import db as database
    from server.registry.derive import refresh_all

    app = _app()
    with app.app_context():
        prefix = "/"
        if area_code:
            area = database.session.scalar(sa.select(Area).where(Area.code == area_code))
            if area is None:
                click.echo(f"unknown area {area_code}", err=True)
                sys.exit(2)
            prefix = area.path
        changed = refresh_all(prefix)
        database.session.commit()
        click.echo(f"{changed} minors changed")
        from server.registry.service import fill_id_tails

        tails = fill_id_tails()
        database.session.commit()
        if tails:
            click.echo(f"{tails} ID numbers stored before their tail could be searched are searchable now")
        from server.core.localtime import local_today
        from server.notifications.overdue import notify_overdue
        from server.notifications.webhook import retry_failed

        click.echo(f"{notify_overdue(local_today(), prefix)} overdue-visit notices")
        sent, failed = retry_failed()
        database.session.commit()
        click.echo(f"webhook retries: {sent} sent, {failed} failed")
        from server.accounts import sessions, throttle

        ended, forgotten = sessions.purge(), throttle.purge()
        database.session.commit()
        click.echo(f"forgot {ended} expired sessions and {forgotten} old login failures")


@main.command("serve")
@click.option("--demo", is_flag=True, help="Create and seed the SQLite database on first run.")
@click.option("--port", default=5000, show_default=True, type=int)
@click.option(
    "--host", default="127.0.0.1", show_default=True, help="0.0.0.0: reachable from phones on the LAN."
)
def serve(demo: bool, port: int, host: str) -> None:
    """Run the development server (production runs gunicorn, see Procfile and docs/deploy.md)."""
    from server import lan
    from server.migrate import upgrade

    config = Config()
    upgrade(config.SQLALCHEMY_DATABASE_URI)
    app = create_app(config)
    if demo:
        from server.demo.seed import DEMO_PASSWORD, is_seeded, seed_street

        with app.app_context():
            if not is_seeded():
                click.echo("seeding the demo street (first run)...")
                click.echo(seed_street())
        click.echo(
            f"demo logins (password {DEMO_PASSWORD}): admin, village1, worker1, worker2, sentinel1, police1"
        )
    urls = lan.urls(host, port)
    click.echo("护苗已启动, 打开 / Humiao is running at:")
    for url in urls:
        click.echo(f"  {url}")
    click.echo(f"API 文档 / API docs: {urls[0]}api/docs")
    click.echo(f"数据目录 / instance: {config.INSTANCE_PATH}")
    if not lan.is_local_only(host):
        click.echo(
            "手机离线使用须经 HTTPS 打开, 见 docs/deploy.md / "
            "A phone works offline only over HTTPS: see docs/deploy.md"
        )
    app.run(host=host, port=port, threaded=True, use_reloader=False)


@main.command("backup")
@click.option(
    "--output",
    "-o",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Backup file to write (default: humiao-<date>-<time>.sqlite3 or .pgdump here).",
)
def backup_command(output: Path | None) -> None:
    """Write the whole registry to one file (SQLite online backup, or pg_dump). Keys are not in it."""
    from server.backup import BackupError, backup, default_name

    url = Config().SQLALCHEMY_DATABASE_URI
    try:
        written = backup(url, output or Path(default_name(url)))
    except BackupError as exc:
        click.echo(str(exc), err=True)
        sys.exit(2)
    click.echo(f"备份已写入 / backup written: {written} ({written.stat().st_size} bytes)")
    click.echo("字段密钥不在备份中, 请另行保管 / The field key is not in the backup: keep it apart.")


@main.command("restore")
@click.argument("backup_file", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--yes", is_flag=True, help="Do not ask: replace the database.")
def restore_command(backup_file: Path, yes: bool) -> None:
    """Replace the database with BACKUP_FILE (stop the web server first)."""
    from server.backup import BackupError, restore

    url = Config().SQLALCHEMY_DATABASE_URI
    shown = sa.engine.make_url(url).render_as_string(hide_password=True)
    if not yes:
        click.confirm(f"用备份替换 {shown} 中的全部数据? / Replace everything in {shown}?", abort=True)
    try:
        restore(url, backup_file)
    except BackupError as exc:
        click.echo(str(exc), err=True)
        sys.exit(2)
    click.echo(f"已恢复 / restored {backup_file} into {shown}; next: humiao db upgrade")


@main.command("rotate-field-key")
@click.option(
    "--new-key-file",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Where the new key is read from, or written to if the file does not exist yet.",
)
def rotate_field_key(new_key_file: Path | None) -> None:
    """Re-encrypt every resident ID number under a new field key (stop the web server first)."""
    from cryptography.fernet import Fernet

    from server import fieldkey
    from server.core.extensions import db as database

    config = Config()
    keys_file = config.FIELD_KEY_FILE
    if new_key_file is None and keys_file is None:
        click.echo(
            "HUMIAO_FIELD_KEY 来自环境变量: 请用 --new-key-file 指定新密钥的保存位置 / "
            "The field key comes from the environment: name a --new-key-file to keep the new key in.",
            err=True,
        )
        sys.exit(2)
    try:
        new_key = fieldkey.key_from_file(new_key_file) if new_key_file else Fernet.generate_key().decode()
    except ValueError:
        click.echo(f"{new_key_file} 中不是有效的密钥 / {new_key_file} holds no valid key.", err=True)
        sys.exit(2)
    if keys_file is not None:  # saved before any value is encrypted under it
        fieldkey.update_keys_file(keys_file, HUMIAO_FIELD_KEY_NEXT=new_key)
    app = create_app(config)
    with app.app_context():
        try:
            done = fieldkey.rotate(database.session, config.HUMIAO_FIELD_KEY, new_key)
        except ValueError as exc:
            database.session.rollback()
            if keys_file is not None:
                fieldkey.update_keys_file(keys_file, HUMIAO_FIELD_KEY_NEXT=None)
            click.echo(f"未改动 / nothing changed: {exc}", err=True)
            sys.exit(2)
        database.session.commit()
    click.echo(f"已用新密钥重新加密 / re-encrypted under the new key: {done}")
    if keys_file is not None:
        fieldkey.update_keys_file(
            keys_file,
            HUMIAO_FIELD_KEY=new_key,
            HUMIAO_FIELD_KEY_PREVIOUS=config.HUMIAO_FIELD_KEY,
            HUMIAO_FIELD_KEY_NEXT=None,
        )
        click.echo(
            f"新密钥已写入 / new key saved in {keys_file} (the old one kept as HUMIAO_FIELD_KEY_PREVIOUS)"
        )
    else:
        click.echo(
            f"请把 HUMIAO_FIELD_KEY 改为 {new_key_file} 中的密钥并重启服务; 旧密钥与旧备份一起保管 / "
            f"Set HUMIAO_FIELD_KEY to the key in {new_key_file} and restart; keep the old key with old backups."
        )
