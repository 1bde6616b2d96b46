"""The humiao command line, on a fresh SQLite database of its own."""

from __future__ import annotations

import pytest
from click.testing import CliRunner

from server.cli import main

# The CLI's default database: SQLite in the instance folder, whatever the run's database.
pytestmark = pytest.mark.db_independent

AREAS_CSV = """code,name,level,parent_code
S9,测试街道,street,
S9V1,一村,village,S9
S9V1G1,一村一组,group,S9V1
S9V1G1W1,一村一组一网格,grid,S9V1G1
"""


@pytest.fixture
def run(tmp_path, monkeypatch):
    monkeypatch.delenv("DATABASE_URL", raising=False)
    monkeypatch.setenv("HUMIAO_INSTANCE", str(tmp_path / "instance"))
    runner = CliRunner()

    def _run(*args):
        # Config reads HUMIAO_INSTANCE when the module is imported; point it here for this test.
        monkeypatch.setattr("server.config.Config.INSTANCE_PATH", tmp_path / "instance")
        return runner.invoke(main, list(args), catch_exceptions=False)

    return _run


def test_upgrade_import_areas_and_create_user(run, tmp_path):
    assert run("db", "upgrade").exit_code == 0
    csv_file = tmp_path / "areas.csv"
    csv_file.write_text(AREAS_CSV, encoding="utf-8")
    imported = run("import-areas", str(csv_file))
    assert imported.exit_code == 0 and "imported 4 areas" in imported.output
    created = run(
        "create-user",
        "--username",
        "wang",
        "--password",
        "long-password-1",
        "--role",
        "grid_worker",
        "--area",
        "S9V1G1W1",
    )
    assert created.exit_code == 0 and "created user wang (grid_worker)" in created.output


def test_bad_input_is_refused_with_reasons_and_nothing_written(run, tmp_path):
    run("db", "upgrade")
    bad = tmp_path / "bad.csv"
    bad.write_text(AREAS_CSV + "S9V1G1W2,二网格,grid,NOPE\n", encoding="utf-8")
    result = run("import-areas", str(bad))
    assert result.exit_code == 2 and "nothing imported" in result.output and "row 6" in result.output
    good = tmp_path / "good.csv"
    good.write_text(AREAS_CSV, encoding="utf-8")
    assert run("import-areas", str(good)).exit_code == 0  # the bad file left nothing behind
    wrong_role = run(
        "create-user", "--username", "li", "--password", "long-password-1", "--role", "mayor", "--area", "S9"
    )
    assert wrong_role.exit_code == 2 and "role" in wrong_role.output
    short = run(
        "create-user", "--username", "li", "--password", "short", "--role", "street_admin", "--area", "S9"
    )
    assert short.exit_code == 2 and "password" in short.output
    grid_admin = run(
        "create-user",
        "--username",
        "li",
        "--password",
        "long-password-1",
        "--role",
        "street_admin",
        "--area",
        "S9V1G1W1",
    )
    assert grid_admin.exit_code == 2 and "areas" in grid_admin.output


def test_missing_columns_are_named(run, tmp_path):
    run("db", "upgrade")
    csv_file = tmp_path / "areas.csv"
    csv_file.write_text("code,name\nS1,街道\n", encoding="utf-8")
    result = run("import-areas", str(csv_file))
    assert result.exit_code == 2 and "level" in result.output and "parent_code" in result.output


def test_every_account_is_created_with_an_area_and_an_older_one_is_given_one(run, tmp_path):
    run("db", "upgrade")
    csv_file = tmp_path / "areas.csv"
    csv_file.write_text(AREAS_CSV, encoding="utf-8")
    run("import-areas", str(csv_file))
    nowhere = run(
        "create-user",
        "--username",
        "zhao",
        "--password",
        "long-password-1",
        "--role",
        "sentinel",
        "--sentinel-kind",
        "school",
    )
    assert nowhere.exit_code == 2 and "areas" in nowhere.output and "--area" in nowhere.output
    liaison = run(
        "create-user",
        "--username",
        "police9",
        "--password",
        "long-password-1",
        "--role",
        "unit_liaison",
        "--unit",
        "police",
        "--area",
        "S9",
    )
    assert liaison.exit_code == 0, liaison.output
    moved = run("set-areas", "--username", "police9", "--area", "S9V1")
    assert moved.exit_code == 0 and "S9V1" in moved.output
    assert run("set-areas", "--username", "nobody", "--area", "S9").exit_code == 2
    wrong = run("set-areas", "--username", "police9", "--area", "NOPE")
    assert wrong.exit_code == 2 and "NOPE" in wrong.output


def test_realign_puts_what_an_older_version_left_behind_with_its_child(run):
    run("db", "upgrade")
    realigned = run("realign")
    assert realigned.exit_code == 0 and "0 households and minors were out of place" in realigned.output
