import pytest
from django.core.management import call_command

PAPER = "/committee/2025-26/q2/"


@pytest.fixture
def demo(db):
    """The committee paper's data, as load_demo loads it, with the Q2 paper published as
    the web publishes it: its PDF and Word files are rendered on their first download
    (the publish_paper command renders them at once, and takes a few seconds longer)."""
    from committee.models import Paper
    from tests.committee.factories import PublishedPaperFactory

    call_command("loaddata", "demo_users", "commitments", "risk_matrix", "risks", "papers", verbosity=0)
    PublishedPaperFactory(paper=Paper.objects.get(period__financial_year=2025, period__quarter=2))


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
