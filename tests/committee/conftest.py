import pytest

PAPER = "/committee/2025-26/q2/"


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
