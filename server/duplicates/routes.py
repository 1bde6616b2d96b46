"""Duplicate records of a minor, under /api/minors: the pairs, the merge, a record's merges."""

from __future__ import annotations

from server.core.extensions import db
from server.core.roles import SUPERVISOR_ROLES
from server.core.scope import current_scope, roles_required
from server.duplicates import service
from server.duplicates.schemas import DismissalOut, DismissIn, DuplicatePair, MergeIn, MergeOut
from server.registry import schemas
from server.registry.routes import minors_blp

supervisors = roles_required(SUPERVISOR_ROLES)


@minors_blp.route("/duplicates", methods=["GET"])
@supervisors
@minors_blp.response(200, DuplicatePair(many=True))
def duplicates_view():
    """Pairs of records of my area that look like one child: same resident ID, or same name, birth date and address."""
    return service.candidate_pairs(current_scope())


@minors_blp.route("/duplicates/dismissals", methods=["POST"])
@supervisors
@minors_blp.arguments(DismissIn)
@minors_blp.response(201, DismissalOut)
def dismiss_view(data):
    """Not one child (不是同一人): the pair leaves the duplicates list, with the reason kept."""
    dismissal = service.dismiss(current_scope(), data["first"], data["second"], data["reason"])
    db.session.commit()
    return dismissal


@minors_blp.route("/merge", methods=["POST"])
@supervisors
@minors_blp.arguments(MergeIn)
@minors_blp.response(200, schemas.MinorOut)
def merge_view(data):
    """Merge a duplicate into the record kept: all its history moves, the dropped one becomes a tombstone."""
    kept = service.merge(current_scope(), data["keep"], data["drop"], data["reason"])
    db.session.commit()
    return kept


@minors_blp.route("/<uuid:minor_id>/merges", methods=["GET"])
@supervisors
@minors_blp.response(200, MergeOut(many=True))
def merges_view(minor_id):
    """The merges a record took part in, kept or dropped (a dropped record's stays readable here)."""
    return service.merge_history(current_scope(), str(minor_id))
