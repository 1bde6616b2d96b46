"""humiao backup / restore / rotate-field-key on a registry of their own (SQLite, and PostgreSQL
when the suite runs on it): the restored registry answers as before, the backup holds no
plain ID number, and without the field key the numbers cannot be read."""

from __future__ import annotations

import json
from datetime import date

import pytest
import sqlalchemy as sa
from argon2 import PasswordHasher
from click.testing import CliRunner

from server import create_app
from server.accounts import service as accounts_service
from server.cli import main
from server.config import Config
from server.core.extensions import db
from server.registry import service as registry
from server.registry.models import Minor
from server.sync_api.models import ConflictRecord, QuarantinedMutation
from server.sync_api.sealed import seal_payload, unseal
from tests.conftest import DEMO_PASSWORD
from tests.factories import build_world, make_household, make_minor, user, valid_id_number

pytestmark = pytest.mark.xdist_group("backup")


def _scratch_postgres(url: str) -> str:
    """A database of its own beside the suite's: a restore replaces its whole schema."""
    parsed = sa.engine.make_url(url)
    name = f"{parsed.database}_backup"
    admin = sa.create_engine(parsed.set(database="postgres"), isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.exec_driver_sql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        conn.exec_driver_sql(f'CREATE DATABASE "{name}"')
    admin.dispose()
    return parsed.set(database=name).render_as_string(hide_password=False)


def _drop_postgres(url: str) -> None:
    parsed = sa.engine.make_url(url)
    admin = sa.create_engine(parsed.set(database="postgres"), isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.exec_driver_sql(f'DROP DATABASE IF EXISTS "{parsed.database}" WITH (FORCE)')
    admin.dispose()


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def cli(request, tmp_path, monkeypatch):
    """Runs ``humiao`` against a fresh registry: SQLite in its instance, or a scratch PostgreSQL."""
    # Argon2 at production cost would dominate; its strength is not under test here.
    monkeypatch.setattr(
        accounts_service, "hasher", PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1)
    )
    monkeypatch.delenv("DATABASE_URL", raising=False)
    monkeypatch.delenv("HUMIAO_FIELD_KEY", raising=False)
    if request.param == "postgres":
        import os

        scratch = _scratch_postgres(os.environ["TEST_DATABASE_URL"])
        monkeypatch.setenv("DATABASE_URL", scratch)
        request.addfinalizer(lambda: _drop_postgres(scratch))
    runner = CliRunner()

    def run(*args, instance="instance", expect=0):
        # Config reads HUMIAO_INSTANCE at import; point it at this test's folder.
        monkeypatch.setattr("server.config.Config.INSTANCE_PATH", tmp_path / instance)
        result = runner.invoke(main, list(args), catch_exceptions=False)
        assert result.exit_code == expect, result.output
        return result

    run.config = lambda instance="instance": (
        monkeypatch.setattr("server.config.Config.INSTANCE_PATH", tmp_path / instance) or Config()
    )
    return run


def _fill(config: Config) -> dict:
    """The shared test street with two children, one with an ID number, and a sealed conflict."""
    app = create_app(config)
    with app.app_context():
        build_world()
        home = make_household(address="红旗村一组8号")
        number = valid_id_number(date(2015, 3, 9))
        child = make_minor(home, name="李小红", gender="female", id_number=number)
        make_minor(home, name="李小军", birth_date=date(2017, 1, 2))
        db.session.add(
            ConflictRecord(
                entity="minor",
                record_id=child.id,
                field="id_number",
                kind="field",
                kept_value=seal_payload(number, "id_number"),
                discarded_value=seal_payload("x", "id_number"),
                area_path=child.area_path,
            )
        )
        db.session.add(
            QuarantinedMutation(
                client_id="phone-1",
                mid="m-1",
                user_id=user("worker1").id,
                mutation={"entity": "minor", "fields": {"id_number": seal_payload(number, "id_number")}},
                errors={"name": ["required"]},
            )
        )
        db.session.commit()
        return {"id": child.id, "number": number}


def _answers(config: Config, minor_id: str) -> dict:
    """What the registry answers an admin: the list, one full record, the figures."""
    app = create_app(config)
    client = app.test_client()
    login = client.post(
        "/api/auth/login", json={"username": "admin", "password": DEMO_PASSWORD, "device_id": "backup-test"}
    )
    assert login.status_code == 200, login.json
    headers = {"Authorization": f"Bearer {login.json['access_token']}"}
    listing = client.get("/api/minors", headers=headers)
    detail = client.get(f"/api/minors/{minor_id}", headers=headers)
    stats = client.get("/api/stats/overview", headers=headers)
    assert {listing.status_code, detail.status_code, stats.status_code} == {200}
    return {"list": listing.json, "detail": detail.json, "stats": stats.json}


def _field_key(tmp_path, instance="instance") -> str:
    return json.loads((tmp_path / instance / "keys.json").read_text())["HUMIAO_FIELD_KEY"]


def test_a_restored_registry_answers_the_same_and_needs_the_field_key(cli, tmp_path):
    cli("db", "upgrade")
    config = cli.config()
    child = _fill(config)
    before = _answers(config, child["id"])
    assert before["detail"]["id_number"] == child["number"]

    archive = tmp_path / "saved" / "registry.backup"
    out = cli("backup", "--output", str(archive))
    assert "备份已写入" in out.output and archive.stat().st_mode & 0o777 == 0o600
    assert child["number"].encode() not in archive.read_bytes(), "no plain ID number in a backup"
    assert cli("backup", "--output", str(archive), expect=2).output.count("exists") == 1

    cli("db", "downgrade", "--revision", "base")  # the registry is lost
    cli("restore", str(archive), "--yes")
    assert _answers(cli.config(), child["id"]) == before

    # The same backup with another instance's key: the records are there, the numbers are not.
    cli("db", "upgrade", instance="elsewhere")  # a fresh key in elsewhere/keys.json
    other = cli.config("elsewhere")
    other.SQLALCHEMY_DATABASE_URI = config.SQLALCHEMY_DATABASE_URI
    assert _field_key(tmp_path, "elsewhere") != _field_key(tmp_path)
    with create_app(other).app_context():
        minor = db.session.get(Minor, child["id"])
        assert minor.id_number_masked == child["number"][:4] + "*" * 12 + child["number"][-2:]
        with pytest.raises(ValueError, match="cannot be decrypted"):
            registry.cipher().decrypt(minor.id_number_enc)


def test_restore_refuses_what_is_not_a_backup_and_changes_nothing(cli, tmp_path):
    cli("db", "upgrade")
    config = cli.config()
    child = _fill(config)
    before = _answers(config, child["id"])
    junk = tmp_path / "notes.txt"
    junk.write_text("not a backup")
    assert "不是" in cli("restore", str(junk), "--yes", expect=2).output
    assert "找不到" in cli("restore", str(tmp_path / "missing.backup"), "--yes", expect=2).output
    assert _answers(cli.config(), child["id"]) == before


def test_rotating_the_field_key_re_encrypts_every_id_number(cli, tmp_path):
    cli("db", "upgrade")
    config = cli.config()
    child = _fill(config)
    old_key = _field_key(tmp_path)
    with create_app(config).app_context():
        old_hash = db.session.get(Minor, child["id"]).id_number_hash

    out = cli("rotate-field-key")
    assert "1 minors, 1 conflict records, 1 quarantined mutations" in out.output
    keys = json.loads((tmp_path / "instance" / "keys.json").read_text())
    assert keys["HUMIAO_FIELD_KEY"] != old_key and keys["HUMIAO_FIELD_KEY_PREVIOUS"] == old_key
    assert "HUMIAO_FIELD_KEY_NEXT" not in keys

    rotated = cli.config()
    assert _answers(rotated, child["id"])["detail"]["id_number"] == child["number"]
    with create_app(rotated).app_context():
        minor = db.session.get(Minor, child["id"])
        assert minor.id_number_hash != old_hash
        assert minor.id_number_hash == registry.cipher().keyed_hash(child["number"])  # duplicates still found
        conflict = db.session.scalar(sa.select(ConflictRecord))
        assert unseal(conflict.kept_value) == child["number"]
        quarantined = db.session.scalar(sa.select(QuarantinedMutation))
        assert unseal(quarantined.mutation["fields"]["id_number"]) == child["number"]
    old_config = cli.config()
    old_config.HUMIAO_FIELD_KEY = old_key
    with create_app(old_config).app_context(), pytest.raises(ValueError):
        registry.cipher().decrypt(db.session.get(Minor, child["id"]).id_number_enc)


def test_a_key_from_the_environment_is_rotated_into_a_file_the_operator_names(cli, tmp_path, monkeypatch):
    cli("db", "upgrade")
    child = _fill(cli.config())
    monkeypatch.setenv("HUMIAO_FIELD_KEY", _field_key(tmp_path))
    assert "--new-key-file" in cli("rotate-field-key", expect=2).output
    bad = tmp_path / "bad.key"
    bad.write_text("not a key")
    assert "no valid key" in cli("rotate-field-key", "--new-key-file", str(bad), expect=2).output

    new_file = tmp_path / "field.key"
    out = cli("rotate-field-key", "--new-key-file", str(new_file))
    assert "Set HUMIAO_FIELD_KEY" in out.output and new_file.stat().st_mode & 0o777 == 0o600
    monkeypatch.setenv("HUMIAO_FIELD_KEY", new_file.read_text().strip())
    assert _answers(cli.config(), child["id"])["detail"]["id_number"] == child["number"]
    # The same key again is refused before anything is written.
    assert "nothing changed" in cli("rotate-field-key", "--new-key-file", str(new_file), expect=2).output
