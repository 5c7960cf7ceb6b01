import io

import pytest
from django.core.management import call_command

PAPER = "/committee/2025-26/q2/"


@pytest.fixture
def demo(db):
    """The committee paper's data, as load_demo loads it, with the Q2 paper published."""
    call_command("loaddata", "demo_users", "commitments", "risk_matrix", "risks", "papers", verbosity=0)
    call_command("publish_paper", "2025-26-q2", stdout=io.StringIO())


@pytest.fixture
def committee_client(client, demo):
    from riskreg.models import User

    client.force_login(User.objects.get(username="committee"))
    return client


@pytest.fixture
def admin_client_demo(client, demo):
    from riskreg.models import User

    client.force_login(User.objects.get(username="admin"))
    return client
