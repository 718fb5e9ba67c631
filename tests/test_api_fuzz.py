"""Fuzz every API operation from its OpenAPI description: no input may cause a server error.

Schemathesis generates requests (valid and invalid, with a working token so writes run
too) inside the test transaction; every answer must be documented, JSON and match its schema.
"""

import os

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from hypothesis import HealthCheck, settings
from schemathesis.checks import (
    content_type_conformance,
    not_a_server_error,
    response_schema_conformance,
    status_code_conformance,
)

from lshub.api.tokens import issue_token

pytestmark = pytest.mark.django_db

# A few examples per operation keep the suite quick; LSHUB_FUZZ_EXAMPLES=500 digs deeper.
EXAMPLES = int(os.environ.get("LSHUB_FUZZ_EXAMPLES", "12"))
CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance, response_schema_conformance]


@pytest.fixture
def token(db):
    return issue_token("fuzz")


@pytest.fixture(autouse=True)
def keep_the_test_transaction():
    """The WSGI handler closes the connection after each request, ending the test's
    transaction (on PostgreSQL); Django's own test client prevents that the same way."""
    for signal in (request_started, request_finished):
        signal.disconnect(close_old_connections)
    yield
    for signal in (request_started, request_finished):
        signal.connect(close_old_connections)


# Reading the description needs no database, so it can happen when the tests are collected.
schema = schemathesis.openapi.from_wsgi("/api/openapi.json", get_wsgi_application())


# Derandomised so the suite gives the same answer on every run; a deeper, random search is
# LSHUB_FUZZ_EXAMPLES=500 LSHUB_FUZZ_RANDOM=1.
@schema.parametrize()
@settings(
    max_examples=EXAMPLES,
    deadline=None,
    suppress_health_check=list(HealthCheck),
    derandomize=not os.environ.get("LSHUB_FUZZ_RANDOM"),
)
def test_no_request_makes_the_api_fail(case, token):
    case.call_and_validate(headers={"Authorization": f"Bearer {token}"}, checks=CHECKS)
