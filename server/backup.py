"""``humiao backup`` and ``humiao restore``: the registry to one file and back.

SQLite (the trial install) is copied with SQLite's online backup API, consistent even while
the server writes. PostgreSQL is dumped with ``pg_dump --format=custom`` and restored with
``pg_restore`` piped into ``psql --single-transaction``: the old schema is dropped and the
dump loaded in one transaction, so a restore that fails leaves the database as it was.

The keys are not in the file, on purpose: a stolen backup without the field key shows no
resident ID number. Keep ``HUMIAO_FIELD_KEY`` (or ``instance/keys.json``) apart from the
backups, and keep the old key as long as backups made under it are kept (docs/deploy.md).
"""

from __future__ import annotations

import os
import shutil
import sqlite3
import subprocess
from datetime import datetime
from pathlib import Path

import sqlalchemy as sa

SQLITE_MAGIC = b"SQLite format 3\x00"
PG_MAGIC = b"PGDMP"


class BackupError(Exception):
    """A backup or restore that cannot be done, with a sentence for the operator."""


def default_name(url: str, now: datetime | None = None) -> str:
    stamp = (now or datetime.now()).strftime("%Y%m%d-%H%M%S")
    return f"humiao-{stamp}.sqlite3" if _is_sqlite(url) else f"humiao-{stamp}.pgdump"


def backup(url: str, target: Path) -> Path:
    """Write the whole registry at ``url`` to ``target`` (owner-only), and return it."""
    if target.exists():
        raise BackupError(f"{target} 已存在, 不覆盖 / {target} exists; it is not overwritten.")
    target.parent.mkdir(parents=True, exist_ok=True)
    # The file holds personal data: created owner-only before anything is written to it.
    os.close(os.open(target, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600))
    try:
        if _is_sqlite(url):
            _sqlite_backup(_sqlite_path(url), target)
        else:
            _run(["pg_dump", "--format=custom", "--no-owner", "--no-privileges", "--file", str(target)], url)
    except BaseException:
        target.unlink(missing_ok=True)
        raise
    return target


def restore(url: str, source: Path) -> None:
    """Replace the registry at ``url`` with the backup in ``source`` (stop the server first)."""
    if not source.is_file():
        raise BackupError(f"找不到备份文件 {source} / No backup file at {source}.")
    head = source.read_bytes()[:16]
    if _is_sqlite(url):
        if head != SQLITE_MAGIC:
            raise BackupError("这不是 SQLite 备份 / This is not a SQLite backup (made by humiao backup).")
        _sqlite_restore(source, _sqlite_path(url))
    else:
        if not head.startswith(PG_MAGIC):
            raise BackupError(
                "这不是 PostgreSQL 备份 / This is not a PostgreSQL backup (pg_dump --format=custom)."
            )
        _pg_restore(url, source)


def _is_sqlite(url: str) -> bool:
    return sa.engine.make_url(url).get_backend_name() == "sqlite"


def _sqlite_path(url: str) -> Path:
    database = sa.engine.make_url(url).database
    if not database or database == ":memory:":
        raise BackupError("内存数据库无法备份 / An in-memory database cannot be backed up.")
    return Path(database)


def _sqlite_backup(database: Path, target: Path) -> None:
    if not database.exists():
        raise BackupError(f"数据库文件不存在 {database} / No database file at {database}.")
    source = sqlite3.connect(database)
    copy = sqlite3.connect(target)
    try:
        source.backup(copy)
    finally:
        copy.close()
        source.close()


def _sqlite_restore(source: Path, database: Path) -> None:
    database.parent.mkdir(parents=True, exist_ok=True)
    backup_db = sqlite3.connect(f"file:{source}?mode=ro", uri=True)
    live = sqlite3.connect(database)
    try:
        check = backup_db.execute("PRAGMA integrity_check").fetchone()[0]
        if check != "ok":
            raise BackupError(f"备份文件已损坏 / The backup file is damaged: {check}")
        backup_db.backup(live)  # page by page into the live file, WAL and all
    finally:
        live.close()
        backup_db.close()
    os.chmod(database, 0o600)


def _pg_restore(url: str, source: Path) -> None:
    script = _run(["pg_restore", "--no-owner", "--no-privileges", "--file", "-", str(source)], url)
    # One transaction: the old schema goes only if the whole dump loads.
    fresh = "DROP SCHEMA IF EXISTS public CASCADE;\nCREATE SCHEMA public;\n"
    _run(
        ["psql", "--quiet", "--no-psqlrc", "--single-transaction", "-v", "ON_ERROR_STOP=1"],
        url,
        stdin=fresh.encode() + script,
    )


def _pg_environment(url: str) -> dict[str, str]:
    """libpq's variables for ``url``: the password never appears in a process list."""
    parsed = sa.engine.make_url(url)
    env = dict(os.environ)
    for name, value in (
        ("PGHOST", parsed.host),
        ("PGPORT", parsed.port),
        ("PGUSER", parsed.username),
        ("PGPASSWORD", parsed.password),
        ("PGDATABASE", parsed.database),
        ("PGSSLMODE", parsed.query.get("sslmode")),
    ):
        if value:
            env[name] = str(value)
    return env


def _run(command: list[str], url: str, stdin: bytes | None = None) -> bytes:
    if shutil.which(command[0]) is None:
        raise BackupError(
            f"找不到 {command[0]}, 请安装 postgresql-client / {command[0]} not found: install postgresql-client."
        )
    done = subprocess.run(command, input=stdin, capture_output=True, env=_pg_environment(url), check=False)
    if done.returncode != 0:
        message = done.stderr.decode(errors="replace").strip()[-2000:]
        raise BackupError(f"{command[0]} 失败 / {command[0]} failed: {message}")
    return done.stdout
