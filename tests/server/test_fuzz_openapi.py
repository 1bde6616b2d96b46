"""schemathesis over the whole OpenAPI document, as every role (issue 11).

Every operation of /api/openapi.json gets generated requests, valid and invalid, sent as each
role through the app in-process; every answer must be no server error and, where its status
is declared, match the declared schema. Generation is derandomized, so a failure reproduces;
``FUZZ_EXAMPLES`` (default 4) sets the examples per operation and role. Each test's writes are
rolled back, like any other test's.
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

import pytest
import schemathesis
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error, response_schema_conformance

from server import config, create_app
from tests.conftest import DEMO_PASSWORD
from tests.factories import make_user

EXAMPLES = int(os.environ.get("FUZZ_EXAMPLES", "4"))
ROLES = ("worker1", "village1", "admin", "police1", "sentinel1", "county1")

pytestmark = pytest.mark.fuzz


@pytest.fixture(params=ROLES)
def username(request) -> str:
    return request.param


@pytest.fixture
def bearer(client, session, username) -> dict:
    if username == "county1":  # the shared test street has no county viewer; this test's own
        make_user(username="county1", role="county_viewer", areas=["S1"], display_name="县民政局")
        session.commit()
    answer = client.post("/api/auth/login", json={"username": username, "password": DEMO_PASSWORD})
    assert answer.status_code == 200, (username, answer.json)
    return {"Authorization": f"Bearer {answer.json['access_token']}"}


def _openapi() -> dict:
    """The document as the app serves it; building it needs no database."""
    with tempfile.TemporaryDirectory() as instance:
        app = create_app(config.TestConfig(database_url="sqlite://", instance=Path(instance)))
        return app.test_client().get("/api/openapi.json").json


DOCUMENT = _openapi()
# Boundary values for every parameter (huge integers, long and odd strings, missing fields)
# as the street admin, whose role reaches the most code; random requests as every role.
boundaries = schemathesis.openapi.from_dict(DOCUMENT)
boundaries.config.phases.update(phases=["examples", "coverage"])
random_requests = schemathesis.openapi.from_dict(DOCUMENT)
random_requests.config.phases.update(phases=["examples", "fuzzing"])
CHECKS = [not_a_server_error, response_schema_conformance]
SETTINGS = settings(
    max_examples=EXAMPLES,
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=list(HealthCheck),
)


def call(case, app, headers: dict) -> None:
    # The WSGI transport does not undo flask-compress's gzip.
    case.call_and_validate(app=app, headers=headers | {"Accept-Encoding": "identity"}, checks=CHECKS)


@random_requests.parametrize()
@SETTINGS
def test_random_requests_as_every_role(case, app, bearer):
    call(case, app, bearer)


@pytest.mark.parametrize("username", ["admin"])
@boundaries.parametrize()
@SETTINGS
def test_boundary_values_as_the_street_admin(case, app, bearer):
    call(case, app, bearer)
