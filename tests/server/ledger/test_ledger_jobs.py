"""Large imports run as background jobs with progress; a 20,000-row file on demand.

The large test imports 2,000 rows by default; HUMIAO_LARGE_IMPORT_ROWS=20000 runs the full
size (about a minute on SQLite).
"""

from __future__ import annotations

import io
import os
import threading
import time

import pytest
import sqlalchemy as sa
from openpyxl import Workbook

from server.ledger import jobs
from server.registry.models import Minor
from tests.server.ledger.ledger_files import HEADERS, good_row, upload, workbook

LARGE_ROWS = int(os.environ.get("HUMIAO_LARGE_IMPORT_ROWS", "2000"))


@pytest.fixture
def inline_jobs(app, monkeypatch):
    """Jobs run in the request's thread, so they share the test's rolled-back connection."""
    monkeypatch.setitem(app.config, "HUMIAO_LEDGER_SYNC_ROWS", 5)
    monkeypatch.setattr(jobs, "spawn", lambda target, *args: target(*args))


def large_file(rows: int) -> io.BytesIO:
    book = Workbook(write_only=True)
    sheet = book.create_sheet("台账")
    sheet.append(HEADERS)
    grids = ["V1G1W1", "V1G1W2"]
    for n in range(rows):
        row = good_row(grids[n % 2], n, with_id=n % 3 != 0, address=f"红旗村{n // 3}号")
        if n % 500 == 7:
            row[5] = "不男不女"  # a bad row now and then
        sheet.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    buffer.seek(0)
    return buffer


def test_a_large_file_becomes_a_job_with_progress(client, login, session, inline_jobs):
    headers = login("village1")
    rows = [good_row(n=n) for n in range(1, 9)] + [["V1G1W1", "户主", "地址", None, "坏", "男", "坏日期"]]
    response = upload(client, headers, workbook(rows))
    assert response.status_code == 202
    job = response.json
    assert response.headers["Location"].endswith(f"/api/ledger/import/{job['job_id']}")
    assert job["state"] == "queued" and job["total"] == 9
    polled = client.get(f"/api/ledger/import/{job['job_id']}", headers=headers).json
    assert polled["state"] == "done"
    assert (polled["total"], polled["processed"], polled["accepted"], polled["rejected"]) == (9, 9, 8, 1)
    assert polled["result"]["rejected"][0]["row"] == 10
    assert session.scalar(sa.select(sa.func.count()).select_from(Minor)) == 8
    assert not list(jobs.upload_dir().glob(f"{job['job_id']}*"))  # the upload is removed
    # Another user, even the street admin, cannot read someone else's job.
    assert client.get(f"/api/ledger/import/{job['job_id']}", headers=login("admin")).status_code == 404


def test_a_failing_job_writes_nothing_and_says_so(client, login, session, inline_jobs, monkeypatch):
    from server.ledger import writer

    def broken(*_args, **_kwargs):
        raise RuntimeError("disk full")

    monkeypatch.setattr(writer, "write", broken)
    headers = login("village1")
    job = upload(client, headers, workbook([good_row(n=n) for n in range(10)])).json
    polled = client.get(f"/api/ledger/import/{job['job_id']}", headers=headers).json
    assert polled["state"] == "failed" and "未写入任何记录" in polled["error"]
    assert session.scalar(sa.select(sa.func.count()).select_from(Minor)) == 0


def test_wrong_columns_are_refused_before_queueing(client, login, session, inline_jobs):
    response = upload(client, login("village1"), workbook([["x"]] * 10, ["网格编码", "姓名"]))
    assert response.status_code == 422 and "缺少列" in response.json["message"]


def test_spawn_runs_the_job_in_another_thread():
    seen = {}
    done = threading.Event()

    def target(value):
        seen["thread"], seen["value"] = threading.current_thread().name, value
        done.set()

    jobs.spawn(target, 42)
    assert done.wait(5)
    assert seen == {"thread": "ledger-import", "value": 42}


def test_a_large_import(client, login, session, inline_jobs):
    """LARGE_ROWS rows, every 500th one bad, two grids: all checked, the good ones written at once."""
    data = large_file(LARGE_ROWS)
    assert len(data.getvalue()) > 0
    started = time.monotonic()
    headers = login("village1")
    response = upload(client, headers, data)
    assert response.status_code == 202, response.json
    polled = client.get(f"/api/ledger/import/{response.json['job_id']}", headers=headers).json
    elapsed = time.monotonic() - started
    bad = len(range(7, LARGE_ROWS, 500))
    assert polled["state"] == "done", polled
    assert (polled["total"], polled["accepted"], polled["rejected"]) == (LARGE_ROWS, LARGE_ROWS - bad, bad)
    assert session.scalar(sa.select(sa.func.count()).select_from(Minor)) == LARGE_ROWS - bad
    print(f"\n{LARGE_ROWS} rows imported in {elapsed:.1f} s")
