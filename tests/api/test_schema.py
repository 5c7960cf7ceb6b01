"""Every answer of the API matches its OpenAPI schema: schemathesis generates requests
from the schema and checks each answer (status, content type, body) against it, in
process, with the demo's data published (a handful of examples per endpoint)."""

import pytest
import schemathesis
from django.core.wsgi import get_wsgi_application
from hypothesis import HealthCheck, settings

from commitments.models import ReportingPeriod
from performance.services import release_publish
from riskreg.models import User

schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", get_wsgi_application())


@pytest.fixture(autouse=True)
def connection_kept_open():
    """schemathesis calls the WSGI application itself, whose request_finished signal closes
    the database connection (on PostgreSQL), and with it the test's transaction. Django's
    test client keeps it open the same way."""
    from django.core.signals import request_finished, request_started
    from django.db import close_old_connections

    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


@pytest.fixture
def staff_token(demo):
    from api.services import token_create

    release_publish(period=ReportingPeriod.objects.get(financial_year=2025, quarter=2), by=None)
    return token_create(name="schema check", by=User.objects.get(username="officer"))[1]


@pytest.mark.django_db
@schema.parametrize()
@settings(max_examples=5, deadline=None, suppress_health_check=list(HealthCheck))
def test_every_answer_matches_the_schema(case, staff_token):
    headers = {"Authorization": f"Bearer {staff_token}"} if case.path.startswith("/api/v1/staff/") else {}
    case.call_and_validate(headers=headers)


# The answers with data: generated periods are almost never a published one.
WITH_DATA = [
    ("/api/v1/quarters", {}),
    ("/api/v1/quarters/{period}", {"period": "2025-26-q2"}),
    ("/api/v1/quarters/{period}/commitments", {"period": "2025-26-q2"}),
    ("/api/v1/quarters/{period}/kpis", {"period": "2025-26-q2"}),
    ("/api/v1/staff/commitments", {}),
    ("/api/v1/staff/risks", {}),
    ("/api/v1/staff/kpis", {}),
]


@pytest.mark.django_db
@pytest.mark.parametrize(("path", "parameters"), WITH_DATA)
def test_the_answers_with_the_demo_data_match_the_schema(path, parameters, staff_token):
    case = schema[path]["GET"].Case(path_parameters=parameters)
    headers = {"Authorization": f"Bearer {staff_token}"} if path.startswith("/api/v1/staff/") else {}

    response = case.call_and_validate(headers=headers)

    assert response.status_code == 200
    assert response.json()
