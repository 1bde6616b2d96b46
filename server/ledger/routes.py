"""Ledger endpoints (台账): export, import (small files at once, large ones in the background), template."""

from __future__ import annotations

from functools import wraps

import marshmallow as ma
from flask import current_app, jsonify, request, send_file, url_for
from flask_smorest import Blueprint, abort

from server.audit.service import audit
from server.core.extensions import db
from server.core.localtime import local_today
from server.core.roles import SUPERVISOR_ROLES
from server.core.scope import current_scope, roles_required
from server.ledger import jobs
from server.ledger.export import export_ledger
from server.ledger.importer import Options, import_ledger
from server.ledger.models import ImportJob
from server.ledger.reader import Ledger
from server.ledger.schemas import ImportFile, ImportJobOut, ImportQuery, ImportResult
from server.ledger.template import template
from server.stats.routes import XLSX, AreaQuery
from server.stats.target import resolve

blp = Blueprint("ledger", __name__, url_prefix="/api", description="台账 Ledgers")
supervisors = roles_required(SUPERVISOR_ROLES)

UPLOAD_LIMIT = 20 * 1024 * 1024  # a 20,000-row ledger is a few MB; the API's default is 2 MB
SYNC_ROWS = 1000  # larger files become a background job


def larger_uploads(view):
    """Raise the body limit for this endpoint only, before the multipart body is parsed."""

    @wraps(view)
    def wrapper(*args, **kwargs):
        request.max_content_length = current_app.config.get("HUMIAO_LEDGER_UPLOAD_LIMIT", UPLOAD_LIMIT)
        return view(*args, **kwargs)

    return wrapper


@blp.route("/ledger.xlsx")
@supervisors
@blp.arguments(AreaQuery, location="query", unknown=ma.RAISE)
@blp.doc(responses={"200": {"description": "the ledger workbook", "content": {XLSX: {}}}})
def export(args):
    """The ledger of my scope or one area in it: 全部 and one sheet per category (audited)."""
    scope = current_scope()
    target = resolve(scope, args.get("area_id"))
    output, count = export_ledger(target)
    audit(
        "export",
        "ledger",
        target.area.id if target.area else None,
        user_id=scope.user.id,
        extra={"rows": count, "paths": list(target.paths)},
    )
    db.session.commit()
    name = (target.area.name if target.area else "未成年人") + f"台账{local_today():%Y%m%d}.xlsx"
    return send_file(output, mimetype=XLSX, as_attachment=True, download_name=name)


@blp.route("/ledger/template.xlsx")
@supervisors
@blp.doc(responses={"200": {"description": "the import template", "content": {XLSX: {}}}})
def download_template():
    """The import template: headers, an example row, notes and the grid codes of my scope."""
    return send_file(
        template(current_scope()), mimetype=XLSX, as_attachment=True, download_name="台账导入模板.xlsx"
    )


@blp.route("/ledger/import", methods=["POST"])
@supervisors
@larger_uploads
@blp.arguments(ImportQuery, location="query")
@blp.arguments(ImportFile, location="files")
@blp.response(200, ImportResult)
@blp.alt_response(
    202,
    schema=ImportJobOut,
    description="a large file: queued as a job; poll its Location",
    headers={"Location": {"description": "the job's URL", "schema": {"type": "string"}}},
)
def import_file(options, files):
    """Import a ledger (.xlsx): {"accepted", "rejected": [{"row", "errors"}], "duplicates"}."""
    upload = files["file"]
    scope = current_scope()
    options = Options(dry_run=options["dry_run"], all_or_nothing=options["all_or_nothing"])
    ledger = Ledger(upload.stream)
    try:
        rows = ledger.row_count()
        if rows > current_app.config.get("HUMIAO_LEDGER_SYNC_ROWS", SYNC_ROWS):
            return _queue(scope, upload, options, rows)
        result = import_ledger(scope, ledger, options)
    finally:
        ledger.close()
    db.session.commit()
    return result


def _queue(scope, upload, options: Options, rows: int):
    job = jobs.create_job(scope.user, upload.filename, options, rows)
    path = jobs.upload_dir() / f"{job.id}.xlsx"
    upload.stream.seek(0)
    upload.save(path)
    location = url_for("ledger.import_job", job_id=job.id)
    # A Response passes flask-smorest untouched: it would dump any body with the 200 schema.
    return jsonify(ImportJobOut().dump(jobs.start(job, path))), 202, {"Location": location}


@blp.route("/ledger/import/<uuid:job_id>")
@supervisors
@blp.response(200, ImportJobOut)
def import_job(job_id):
    """Progress of a background import: {state, processed, total, accepted, rejected, ...}."""
    job = db.session.get(ImportJob, str(job_id))
    if job is None or job.user_id != current_scope().user.id:
        abort(404)
    return job.to_wire()
