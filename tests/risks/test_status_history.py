import datetime

import pytest
from django.core.exceptions import ValidationError

from risks import services
from risks.models import Risk
from tests.risks.factories import RiskFactory

pytestmark = pytest.mark.django_db


def test_a_status_change_cannot_be_filed_before_the_latest_one(periods, smt_lead):
    risk = RiskFactory(ref="CR20", owner=smt_lead, status=Risk.Status.UNDER_CONSIDERATION)
    services.risk_change_status(
        risk=risk, to_status="open", period=periods[2], date=datetime.date(2025, 8, 1), reason="Agreed", by=smt_lead
    )

    with pytest.raises(ValidationError, match="The last change was recorded in 2025/26 Q2"):
        services.risk_change_status(
            risk=risk, to_status="closed", period=periods[1], date=datetime.date(2025, 5, 1), reason="x", by=smt_lead
        )
    risk.refresh_from_db()
    assert risk.status == "open"
    assert risk.status_changes.count() == 1


def test_the_date_of_a_status_change_falls_in_its_quarter(periods, smt_lead):
    risk = RiskFactory(ref="CR21", owner=smt_lead)

    with pytest.raises(ValidationError, match="Enter a date in 2025/26 Q3, 1 October 2025 to 31 December 2025"):
        services.risk_change_status(
            risk=risk, to_status="closed", period=periods[3], date=datetime.date(2026, 11, 26), reason="x", by=smt_lead
        )
    assert not risk.status_changes.exists()
