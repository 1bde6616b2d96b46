"""A minor's assistance measures (帮扶措施), under /api/minors; the red children without one, /api/measures."""

from __future__ import annotations

from flask.views import MethodView
from flask_smorest import Blueprint

from server.core.db import utcnow
from server.core.extensions import db
from server.core.roles import REGISTRY_ROLES
from server.core.scope import current_scope, roles_required
from server.measures import schemas, service
from server.registry.routes import minors_blp
from server.registry.service import get_minor

blp = Blueprint("measures", __name__, url_prefix="/api/measures", description="帮扶措施 Assistance measures")
registry_roles = roles_required(REGISTRY_ROLES)


@minors_blp.route("/<uuid:minor_id>/measures")
class Measures(MethodView):
    decorators = [registry_roles]

    @minors_blp.response(200, schemas.MeasureOut(many=True))
    def get(self, minor_id):
        """The measures of a minor of my area, oldest first."""
        return service.measures_of(get_minor(current_scope(), str(minor_id)))

    @minors_blp.arguments(schemas.MeasureFields)
    @minors_blp.response(201, schemas.MeasureOut)
    def post(self, data, minor_id):
        """Plan a measure: what, who is responsible (a user of the area or a member unit), by when."""
        scope = current_scope()
        minor = get_minor(scope, str(minor_id))
        measure = service.create_measure(scope, minor, data)
        db.session.commit()
        return measure


@minors_blp.route("/<uuid:minor_id>/measures/<uuid:measure_id>")
class MeasureItem(MethodView):
    decorators = [registry_roles]

    @minors_blp.response(200, schemas.MeasureOut)
    def get(self, minor_id, measure_id):
        """One measure."""
        return service.get_measure(get_minor(current_scope(), str(minor_id)), str(measure_id))

    @minors_blp.arguments(schemas.MeasurePatch(partial=True))
    @minors_blp.response(200, schemas.MeasureOut)
    def patch(self, changes, minor_id, measure_id):
        """Change a measure; status planned -> in_progress -> done, or cancelled; each step timestamped."""
        scope = current_scope()
        minor = get_minor(scope, str(minor_id))
        measure = service.get_measure(minor, str(measure_id))
        service.update_measure(scope, minor, measure, changes)
        db.session.commit()
        return measure


@blp.route("/flags", methods=["GET"])
@registry_roles
@blp.arguments(schemas.FlagQuery, location="query")
@blp.response(200, schemas.FlagOut(many=True))
def flags(args):
    """Red children of my area still without a measure 24 h after turning red (?include_upcoming=true
    adds those whose 24 h are still running); the most overdue first."""
    return service.flags(current_scope(), utcnow(), args["include_upcoming"])
