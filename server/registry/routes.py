"""REST endpoints for households, minors and the rules. Thin: parse, call the service, return."""

from __future__ import annotations

import marshmallow as ma
from flask.views import MethodView
from flask_smorest import Blueprint

from server.core.extensions import db
from server.core.pagination import PAGE_PARAMS, SelectPage
from server.core.roles import REGISTRY_ROLES
from server.core.scope import current_scope, roles_required
from server.registry import schemas, service

households_blp = Blueprint("households", __name__, url_prefix="/api/households", description="户 Households")
minors_blp = Blueprint("minors", __name__, url_prefix="/api/minors", description="未成年人 Minors")

registry_roles = roles_required(REGISTRY_ROLES)


class Query(ma.Schema):
    class Meta:
        unknown = ma.EXCLUDE


class HouseholdQuery(schemas.HouseholdQuery, Query):
    pass


class MinorQuery(schemas.MinorQuery, Query):
    pass


@households_blp.route("")
class Households(MethodView):
    decorators = [registry_roles]

    @households_blp.arguments(HouseholdQuery, location="query")
    @households_blp.response(200, schemas.HouseholdOut(many=True))
    @households_blp.paginate(SelectPage, **PAGE_PARAMS)
    def get(self, args):
        """List the households in my area; ?q= searches address and head of household."""
        return service.household_query(current_scope(), args.get("q"), args.get("grid_id"))

    @households_blp.arguments(schemas.HouseholdCreate)
    @households_blp.response(201, schemas.HouseholdOut)
    def post(self, data):
        """Register a household in one of my grids."""
        household = service.create_household(current_scope(), data)
        db.session.commit()
        return household


@households_blp.route("/<uuid:household_id>")
class HouseholdItem(MethodView):
    decorators = [registry_roles]

    @households_blp.response(200, schemas.HouseholdOut)
    def get(self, household_id):
        """One household."""
        return service.get_household(current_scope(), str(household_id))

    @households_blp.arguments(schemas.HouseholdFields(partial=True))
    @households_blp.response(200, schemas.HouseholdOut)
    def patch(self, changes, household_id):
        """Change some fields of a household."""
        scope = current_scope()
        household = service.get_household(scope, str(household_id))
        service.update_household(scope, household, changes)
        db.session.commit()
        return household

    @households_blp.response(204)
    def delete(self, household_id):
        """Delete a household (soft: kept as a tombstone that syncs)."""
        scope = current_scope()
        service.delete_household(scope, service.get_household(scope, str(household_id)))
        db.session.commit()


@minors_blp.route("")
class Minors(MethodView):
    decorators = [registry_roles]

    @minors_blp.arguments(MinorQuery, location="query")
    @minors_blp.response(200, schemas.MinorOut(many=True))
    @minors_blp.paginate(SelectPage, **PAGE_PARAMS)
    def get(self, args):
        """List minors in my area (ID numbers masked); ?q= searches name, address, school."""
        return service.minor_query(current_scope(), **args)

    @minors_blp.arguments(schemas.MinorCreate)
    @minors_blp.response(201, schemas.MinorOut)
    def post(self, data):
        """Register a minor in a household of my area."""
        minor = service.create_minor(current_scope(), data)
        db.session.commit()
        return minor


@minors_blp.route("/<uuid:minor_id>")
class MinorItem(MethodView):
    decorators = [registry_roles]

    @minors_blp.response(200, schemas.MinorDetailOut)
    def get(self, minor_id):
        """The full record of a minor (个人档案), whole ID number included; the read is audited."""
        scope = current_scope()
        minor = service.read_minor_in_full(scope, service.get_minor(scope, str(minor_id)))
        db.session.commit()
        return minor

    @minors_blp.arguments(schemas.MinorFields(partial=True))
    @minors_blp.response(200, schemas.MinorOut)
    def patch(self, changes, minor_id):
        """Change some fields of a minor; categories and the suggested grade follow."""
        scope = current_scope()
        minor = service.get_minor(scope, str(minor_id))
        service.update_minor(scope, minor, changes)
        db.session.commit()
        return minor

    @minors_blp.response(204)
    def delete(self, minor_id):
        """Delete a minor (soft)."""
        scope = current_scope()
        service.delete_minor(scope, service.get_minor(scope, str(minor_id)))
        db.session.commit()
