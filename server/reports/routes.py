"""REST endpoints for reports (强制报告/预警): file, follow, handle."""

from __future__ import annotations

from flask.views import MethodView
from flask_smorest import Blueprint

from server.areas.service import areas_in_scope
from server.core.extensions import db
from server.core.pagination import PAGE_PARAMS, Presented, PresentedPage
from server.core.roles import REGISTRY_ROLES, Role
from server.core.scope import current_scope, roles_required
from server.reports import api_schemas as schemas
from server.reports import service
from server.reports.present import present

blp = Blueprint("reports", __name__, url_prefix="/api/reports", description="报告 Reports")

filers = roles_required({*REGISTRY_ROLES, Role.sentinel})


@blp.route("")
class Reports(MethodView):
    decorators = [filers]

    @blp.arguments(schemas.ReportQuery, location="query")
    @blp.response(200, schemas.ReportView(many=True))
    @blp.paginate(PresentedPage, **PAGE_PARAMS)
    def get(self, args):
        """Reports of my area, or a sentinel's own: new first, urgent first; each with its response SLA."""
        scope = current_scope()
        stmt = service.report_query(scope, **args)
        return Presented(stmt, lambda rows: present(scope, rows))

    @blp.arguments(schemas.ReportFile)
    @blp.response(201, schemas.ReportView)
    def post(self, data):
        """File a report; a mandatory kind is urgent: supervisors and the police hear at once."""
        scope = current_scope()
        report = service.create_report(scope, data)
        db.session.commit()
        return present(scope, [report])[0]


@blp.route("/<uuid:report_id>")
class ReportItem(MethodView):
    decorators = [filers]

    @blp.response(200, schemas.ReportView)
    def get(self, report_id):
        """One report (a sentinel: only one it filed)."""
        scope = current_scope()
        return present(scope, [service.get_report(scope, str(report_id))])[0]

    @blp.arguments(schemas.ReportPatch)
    @blp.response(200, schemas.ReportView)
    def patch(self, changes, report_id):
        """Handle a report (supervisors): new -> acknowledged -> referred -> resolved -> closed, never back."""
        scope = current_scope()
        report = service.get_report(scope, str(report_id))
        service.update_report(scope, report, changes)
        db.session.commit()
        return present(scope, [report])[0]


@blp.route("/areas", methods=["GET"])
@filers
@blp.response(200, schemas.AreaChoice(many=True))
def areas():
    """The places a report can be filed for: my own areas (a sentinel: its areas and the villages in them)."""
    scope = current_scope()
    reachable = [a for a in areas_in_scope(scope) if scope.covers(a.path)]
    if scope.role == Role.sentinel:
        return [a for a in reachable if a.level in ("street", "village") or a.path in scope.paths]
    return reachable
