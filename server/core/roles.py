"""The roles of DESIGN §2, and the groups of them that scope and permissions are written in."""

from __future__ import annotations

import enum

from server.core import codes

# The codes and labels are in codes.py (county_viewer: read-only statistics over several streets).
Role = enum.StrEnum("Role", {code: code for code in codes.of("role")}, module=__name__)


REGISTRY_ROLES = {Role.grid_worker, Role.village_officer, Role.street_admin}
SUPERVISOR_ROLES = {Role.village_officer, Role.street_admin}
# Who reads statistics: supervisors, and the county's read-only viewers (counts, never records).
STATS_ROLES = {*SUPERVISOR_ROLES, Role.county_viewer}
