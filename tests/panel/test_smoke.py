import pytest

from tests.panel.conftest import REPORT

pytestmark = pytest.mark.django_db


def test_smoke(panel_client):
    r = panel_client.get(REPORT)
    assert r.status_code == 200
    open("/tmp/panel.html", "wb").write(r.content)
    for f in ["report.pdf", "report.docx", "report.xlsx", "commitments.csv"]:
        r = panel_client.get(REPORT + f)
        assert r.status_code == 200, f
        open("/tmp/panel-" + f, "wb").write(r.content)
        print(f, len(r.content), r["Content-Disposition"])
    r = panel_client.get(REPORT + "?draft=1")
    assert r.status_code == 200
