"""REST endpoints for referrals (转介)."""

from __future__ import annotations

from flask.views import MethodView
from flask_smorest import Blueprint

from server.core.extensions import db
from server.core.localtime import local_today
from server.core.pagination import PAGE_PARAMS, Presented, PresentedPage
from server.core.roles import SUPERVISOR_ROLES, Role
from server.core.scope import current_scope, roles_required
from server.referrals import schemas, service
from server.referrals.present import present, present_events

blp = Blueprint("referrals", __name__, url_prefix="/api/referrals", description="转介 Referrals")

readers = roles_required({*SUPERVISOR_ROLES, Role.unit_liaison})


def _one(scope, referral) -> dict:
    return present(scope, [referral], local_today())[0]


@blp.route("")
class Referrals(MethodView):
    decorators = [readers]

    @blp.arguments(schemas.ReferralQuery, location="query")
    @blp.response(200, schemas.ReferralOut(many=True))
    @blp.paginate(PresentedPage, **PAGE_PARAMS)
    def get(self, args):
        """Referrals of my area (supervisors) or sent to my unit (liaisons); open ones first."""
        scope = current_scope()
        return Presented(
            service.referral_query(scope, **args), lambda rows: present(scope, rows, local_today())
        )

    @blp.arguments(schemas.ReferralCreate)
    @blp.response(201, schemas.ReferralOut)
    def post(self, data):
        """Refer a report or a minor of my area to a member unit (village officers, street admins)."""
        scope = current_scope()
        referral = service.send_referral(scope, data)
        db.session.commit()
        return _one(scope, referral)


@blp.route("/<uuid:referral_id>")
class ReferralItem(MethodView):
    decorators = [readers]

    @blp.response(200, schemas.ReferralOut)
    def get(self, referral_id):
        """One referral; a liaison sees only the minimum of the case."""
        scope = current_scope()
        return _one(scope, service.get_referral(scope, str(referral_id)))

    @blp.arguments(schemas.ReferralStep)
    @blp.response(200, schemas.ReferralOut)
    def patch(self, data, referral_id):
        """The unit's next step: accepted, in_progress (progress), done (the outcome), declined (why), in `response`."""
        scope = current_scope()
        referral = service.get_referral(scope, str(referral_id))
        service.respond(scope, referral, data["status"], data.get("response") or data.get("note"))
        db.session.commit()
        return _one(scope, referral)


@blp.route("/<uuid:referral_id>/events", methods=["GET"])
@readers
@blp.response(200, schemas.ReferralEventOut(many=True))
def events(referral_id):
    """Every step of a referral, oldest first: the sender sees each answer of the unit."""
    referral = service.get_referral(current_scope(), str(referral_id))
    return present_events(service.events(referral))
