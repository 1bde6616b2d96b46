"""Background imports: a thread with its own app context; progress kept in ``import_job``.

The upload is saved under the instance folder and read by the thread that received it, so any
server can answer a progress poll (the row is in the database) while only one does the work.
A server that dies mid-import leaves its job ``validating`` or ``writing`` forever; nothing
of it was committed (one transaction), so the file can simply be imported again.
"""

from __future__ import annotations

import logging
import threading
from pathlib import Path

from flask import Flask, current_app

from server.accounts.models import User
from server.core.db import utcnow
from server.core.extensions import db
from server.core.scope import Scope
from server.ledger.errors import LedgerFileError
from server.ledger.importer import Options, import_ledger
from server.ledger.models import ImportJob
from server.ledger.reader import Ledger

log = logging.getLogger(__name__)


def upload_dir() -> Path:
    path = Path(current_app.instance_path) / "imports"
    path.mkdir(parents=True, exist_ok=True)
    return path


def spawn(target, *args) -> None:
    """Run ``target(*args)`` in a daemon thread (tests replace this to run it inline)."""
    threading.Thread(target=target, args=args, daemon=True, name="ledger-import").start()


def create_job(user: User, filename: str | None, options: Options, total: int) -> ImportJob:
    job = ImportJob(
        user_id=user.id,
        filename=(filename or "")[:200] or None,
        options={"dry_run": options.dry_run, "all_or_nothing": options.all_or_nothing},
        total=total,
    )
    db.session.add(job)
    db.session.flush()
    return job


def start(job: ImportJob, source: Path) -> dict:
    """Queue ``job`` on the file at ``source``; its state as queued, for the answer.

    The job is committed before the thread starts (the thread must see it), and read before
    the commit: after it, reading would race the thread.
    """
    queued = job.to_wire()
    db.session.commit()
    spawn(run, current_app._get_current_object(), queued["job_id"], str(source))
    return queued


def run(app: Flask, job_id: str, source: str) -> None:
    with app.app_context():
        try:
            _run(job_id, Path(source))
        except Exception as exc:  # the thread must leave the job in a final state
            log.exception("ledger import %s failed", job_id)
            db.session.rollback()
            _finish(job_id, error=f"导入失败，未写入任何记录：{type(exc).__name__}")
        finally:
            Path(source).unlink(missing_ok=True)
            db.session.remove()


def _run(job_id: str, source: Path) -> None:
    job = db.session.get(ImportJob, job_id)
    user = db.session.get(User, job.user_id)
    options = Options(**job.options)
    job.state, job.started_at = "validating", utcnow()
    db.session.commit()

    def progress(state: str, processed: int) -> None:
        # Called while validating and once before writing starts: nothing of the import is
        # in the session yet, so committing the progress commits nothing else.
        job.state, job.processed = state, processed
        db.session.commit()

    try:
        ledger = Ledger(source)
    except LedgerFileError as exc:
        _finish(job_id, error=exc.message)
        return
    try:
        result = import_ledger(Scope.of(user), ledger, options, progress, job_id=job.id)
    finally:
        ledger.close()
    job.state, job.processed, job.total = "done", result["total"], result["total"]
    job.accepted, job.rejected, job.duplicates = (
        result["accepted"],
        result["rejected_count"],
        result["duplicates_count"],
    )
    job.result, job.finished_at = result, utcnow()
    db.session.commit()


def _finish(job_id: str, error: str) -> None:
    job = db.session.get(ImportJob, job_id)
    job.state, job.error, job.finished_at = "failed", error, utcnow()
    db.session.commit()
