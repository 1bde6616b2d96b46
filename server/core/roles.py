"""The roles of DESIGN §2, and the groups of them that scope and permissions are written in."""

from __future__ import annotations

import enum


class Role(enum.StrEnum):
    grid_worker = "grid_worker"  # 网格员
    village_officer = "village_officer"  # 村(社)儿童主任/专干
    street_admin = "street_admin"  # 街道未保办
    unit_liaison = "unit_liaison"  # 成员单位联络员
    sentinel = "sentinel"  # 哨点监测员
    county_viewer = "county_viewer"  # 县级统计查看 (read-only statistics over several streets)


REGISTRY_ROLES = {Role.grid_worker, Role.village_officer, Role.street_admin}
SUPERVISOR_ROLES = {Role.village_officer, Role.street_admin}
# Who reads statistics: supervisors, and the county's read-only viewers (counts, never records).
STATS_ROLES = {*SUPERVISOR_ROLES, Role.county_viewer}
