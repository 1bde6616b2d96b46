"""REST endpoints for areas."""

from __future__ import annotations

import sqlalchemy as sa
from flask.views import MethodView
from flask_smorest import Blueprint, abort

from server.areas import service
from server.areas.models import Area
from server.areas.schemas import AreaCreate, AreaNode, AreaOut
from server.core.extensions import db
from server.core.roles import REGISTRY_ROLES
from server.core.scope import current_scope, roles_required

blp = Blueprint("areas", __name__, url_prefix="/api/areas", description="区域 Areas")


@blp.route("")
class Areas(MethodView):
    decorators = [roles_required(REGISTRY_ROLES)]

    @blp.response(200, AreaOut(many=True))
    def get(self):
        """The areas of my scope, with their ancestors, ordered by path."""
        return service.areas_in_scope(current_scope())

    @blp.arguments(AreaCreate)
    @blp.response(201, AreaOut)
    def post(self, data):
        """Create an area under my street (street admins)."""
        scope = current_scope()
        if scope.role != "street_admin":
            abort(403)
        parent = data.get("parent_code")
        if parent:
            parent_area = db.session.scalar(sa.select(Area).where(Area.code == parent))
            if parent_area is None or not scope.covers(parent_area.path):
                abort(
                    422,
                    errors={"json": {"parent_code": ["您的辖区内没有该区域 / Not in your area."]}},
                )
        else:
            abort(403, message="只能在本街道下新建区域 / Areas are created under your street.")
        area = service.create_area(data["code"], data["name"], data["level"], parent)
        db.session.commit()
        return area


@blp.route("/tree")
class AreaTree(MethodView):
    decorators = [roles_required(REGISTRY_ROLES)]

    @blp.response(200, AreaNode(many=True))
    def get(self):
        """The tree of my scope: street > village > group > grid."""
        return service.tree(service.areas_in_scope(current_scope()))


@blp.route("/<int:area_id>")
class AreaItem(MethodView):
    decorators = [roles_required(REGISTRY_ROLES)]

    @blp.response(200, AreaOut)
    def get(self, area_id):
        """One area of my scope."""
        area = db.session.get(Area, area_id)
        scope = current_scope()
        if area is None or area not in service.areas_in_scope(scope):
            abort(404)
        return area
