import pytest

REPORT = "/panel/2025-26/q2/"


@pytest.fixture
def panel_client(client, demo):
    """A committee member, with the demo data and its 2025/26 Q2 Panel report published."""
    from panel.models import PanelReport
    from panel.services import panel_report_publish
    from riskreg.models import User

    panel_report_publish(report=PanelReport.objects.get(period__quarter=2), by=None)
    client.force_login(User.objects.get(username="committee"))
    return client


@pytest.fixture
def admin_client_demo(client, demo):
    from riskreg.models import User

    client.force_login(User.objects.get(username="admin"))
    return client
