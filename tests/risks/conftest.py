import pytest
from django.core.management import call_command

from riskreg.roles import Role
from risks.models import ScoringMatrix
from tests.factories import UserFactory
from tests.risks.factories import RiskFactory


@pytest.fixture(autouse=True)
def matrix(db):
    """The 5x5 matrix of fixtures/risk_matrix.json, in use in every risks test."""
    call_command("loaddata", "risk_matrix", verbosity=0)
    return ScoringMatrix.objects.active()


@pytest.fixture
def other_smt_lead(db):
    return UserFactory(username="smt2", role=Role.SMT_LEAD)


@pytest.fixture
def client_as_other_smt_lead(client, other_smt_lead):
    client.force_login(other_smt_lead)
    return client


@pytest.fixture
def risk(smt_lead):
    """CR10, owned by the `smt` user."""
    return RiskFactory(ref="CR10", title="Loss of a key partner", owner=smt_lead)
