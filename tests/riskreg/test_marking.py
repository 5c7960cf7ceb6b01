"""Protective marking: OFFICIAL by default; the SMT lead (or owner) or an admin sets it
with a reason, which the item's history keeps."""

import pytest
from django.urls import reverse

from commitments.models import StatusUpdate
from riskreg.marking import Marking
from tests.factories import StatusUpdateFactory
from tests.risks.factories import RiskFactory

pytestmark = pytest.mark.django_db

SENSITIVE = {"protective_marking": "official-sensitive", "reason": "Names an operation still under way"}


def test_items_are_official_until_someone_marks_them(commitment, periods):
    update = StatusUpdateFactory(commitment=commitment, period=periods[2])

    assert commitment.protective_marking == update.protective_marking == Marking.OFFICIAL


def test_the_smt_lead_marks_a_commitment_sensitive_and_its_page_and_history_say_so(client_as_smt_lead, commitment):
    url = reverse("commitments:commitment_marking", args=[96])

    response = client_as_smt_lead.post(url, SENSITIVE)

    assert response.status_code == 302
    commitment.refresh_from_db()
    assert commitment.protective_marking == Marking.OFFICIAL_SENSITIVE
    assert commitment.marking_reason == "Names an operation still under way"
    page = client_as_smt_lead.get(reverse("commitments:detail", args=[96])).content.decode()
    assert "OFFICIAL-SENSITIVE" in page
    record = commitment.history.first()
    assert record.history_user.username == "smt"
    assert record.protective_marking == "official-sensitive"
    assert "Names an operation still under way" in page  # shown in the history's changes too


def test_a_marking_without_a_reason_is_refused_and_changes_nothing(client_as_smt_lead, commitment):
    url = reverse("commitments:commitment_marking", args=[96])

    response = client_as_smt_lead.post(url, {"protective_marking": "official-sensitive", "reason": "  "})

    assert response.status_code == 200
    assert "Enter the reason for the marking" in response.content.decode()
    assert response.content.decode().count("<title>Error: ") == 1
    commitment.refresh_from_db()
    assert commitment.protective_marking == Marking.OFFICIAL


def test_an_unknown_marking_is_refused(client_as_admin, commitment):
    url = reverse("commitments:commitment_marking", args=[96])

    response = client_as_admin.post(url, {"protective_marking": "secret", "reason": "x"})

    assert response.status_code == 200
    assert "Select a valid choice" in response.content.decode()


def test_an_update_is_marked_without_touching_what_the_officer_wrote(client_as_smt_lead, commitment, periods):
    update = StatusUpdateFactory(commitment=commitment, period=periods[3], state=StatusUpdate.State.DRAFT)
    url = reverse("commitments:update_marking", args=[96, "2025-26", "q3"])

    client_as_smt_lead.post(url, SENSITIVE)

    update.refresh_from_db()
    assert update.protective_marking == Marking.OFFICIAL_SENSITIVE
    assert update.version == 1  # the officer's draft is not made stale by the marking
    assert update.state == StatusUpdate.State.DRAFT


def test_the_officer_cannot_mark_their_own_commitment(client_as_officer, commitment):
    response = client_as_officer.post(reverse("commitments:commitment_marking", args=[96]), SENSITIVE)

    assert response.status_code == 403
    commitment.refresh_from_db()
    assert commitment.protective_marking == Marking.OFFICIAL


def test_a_risk_owner_marks_their_risk(client_as_smt_lead, smt_lead):
    risk = RiskFactory(ref="CR01", owner=smt_lead)

    client_as_smt_lead.post(reverse("risks:marking", args=["CR01"]), SENSITIVE)

    risk.refresh_from_db()
    assert risk.protective_marking == Marking.OFFICIAL_SENSITIVE
    page = client_as_smt_lead.get(reverse("risks:detail", args=["CR01"])).content.decode()
    assert "OFFICIAL-SENSITIVE" in page


def test_an_smt_lead_marks_a_kpi_value_and_the_kpi_page_shows_it(client_as_smt_lead, periods):
    from kpis.models import KpiValue
    from tests.kpis.factories import KpiFactory, KpiValueFactory

    KpiValueFactory(kpi=KpiFactory(ref="KPI01"), period=periods[2], value=5)

    response = client_as_smt_lead.post(reverse("kpis:value_marking", args=["KPI01", "2025-26", "q2"]), SENSITIVE)

    assert response.status_code == 302
    assert KpiValue.objects.get().protective_marking == Marking.OFFICIAL_SENSITIVE
    page = client_as_smt_lead.get(reverse("kpis:detail", args=["KPI01"])).content.decode()
    assert "OFFICIAL-SENSITIVE" in page and "Names an operation still under way" in page
