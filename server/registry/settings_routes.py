"""The street's rule settings (/api/settings) and the rules the phone evaluates (/api/rules)."""

from __future__ import annotations

from flask.views import MethodView
from flask_jwt_extended import get_current_user, verify_jwt_in_request
from flask_smorest import Blueprint, abort

from server.audit.service import audit
from server.core.extensions import db
from server.core.roles import REGISTRY_ROLES, Role
from server.core.scope import current_scope, roles_required
from server.registry import rules
from server.registry.derive import refresh_all
from server.registry.schemas import RulesOut, SettingsOut
from server.registry.settings import SettingsPatch, settings_for, street_path_of, update_settings

settings_blp = Blueprint(
    "settings", __name__, url_prefix="/api/settings", description="街道规则设置 Street settings"
)
rules_blp = Blueprint("rules", __name__, url_prefix="/api/rules", description="分级规则 Rules")
registry_roles = roles_required(REGISTRY_ROLES)


def _street_of_caller() -> str:
    scope = current_scope()
    if not scope.paths:
        abort(403)
    return street_path_of(scope.paths[0])


@settings_blp.route("")
class Settings(MethodView):
    decorators = [registry_roles]

    @settings_blp.response(200, SettingsOut)
    def get(self):
        """The rule settings of my street (defaults from rules.json, with the street's changes)."""
        return settings_for(_street_of_caller())

    @settings_blp.arguments(SettingsPatch)
    @settings_blp.response(200, SettingsOut)
    def patch(self, changes):
        """Change the street's thresholds (street admins); every active minor is re-derived."""
        if get_current_user().role != Role.street_admin:
            abort(403)
        street = _street_of_caller()
        settings = update_settings(street, changes, get_current_user().id)
        changed = refresh_all(street)
        audit("settings", "street", street, fields=changes, extra={"minors_changed": changed})
        db.session.commit()
        return settings


@rules_blp.route("", methods=["GET"])
@rules_blp.response(200, RulesOut)
def rules_view():
    """The category and grade rules and the caller's street settings, for the phone's evaluator."""
    verify_jwt_in_request(optional=True)
    user = get_current_user()
    path = user.area_paths[0] if user and user.area_paths else None
    return {"rules": rules.load_rules(), "settings": settings_for(path)}
