import pytest

from commitments.models import Commitment
from committee import rendering
from committee.document import blocks
from committee.report import build_report
from tests.committee.factories import PaperFactory
from tests.downloads import csv_rows, xlsx_sheets
from tests.factories import CommitmentFactory, PlanFactory, StatusUpdateFactory

pytestmark = pytest.mark.django_db


def _paragraphs(content) -> str:
    return "\n".join(block.text for block in blocks(content) if block.kind == "paragraph")


@pytest.mark.parametrize("quarter", [1, 2], ids=["no quarter before", "a quarter before"])
def test_the_headline_counts_every_active_deliverable_of_the_plan_once(periods, quarter):
    plan = PlanFactory()
    for ref in range(1, 6):
        commitment = CommitmentFactory(plan=plan, ref=ref)
        StatusUpdateFactory(commitment=commitment, period=periods[quarter], rag="red" if ref == 1 else "green")
    CommitmentFactory(plan=plan, ref=6)  # not assessed: still a deliverable
    Commitment.objects.filter(ref=5).update(active=False)  # withdrawn: counts nowhere

    content = build_report(PaperFactory(period=periods[quarter]))

    text = _paragraphs(content)
    assert "1 of the 5 individual deliverables in the Plan" in text
    churn = [block.text for block in blocks(content) if block.key == "churn"]
    # Appendix 1, the movement between quarters, needs a quarter before.
    assert churn == (
        ["How the approved statuses of all 5 deliverables moved from Q1 to Q2: by status in Q1 (rows) and Q2 (columns)"]
        if quarter == 2
        else []
    )


def test_each_risk_section_has_one_name_in_the_workbook_and_the_movements_csv(periods):
    content = build_report(PaperFactory(period=periods[2]))
    for key, table in content["risks"].items():
        table["rows"] = [[f"R-{key}", "Title", "Owner", "4", "6", "Medium", "Reason"]]

    sheets = list(xlsx_sheets(rendering.xlsx(content)))
    sections = [row[0] for row in csv_rows(rendering.risk_movements_csv(content))[1:]]

    names = ["New risks", "Under consideration", "Increased", "Reduced", "Closed and de-escalated"]
    # After the lists the paper prints, before its appendices.
    assert sheets == [
        "Red list",
        "Red before, no update",
        "Improving",
        *names,
        "Appendix 1 Movement",
        "Appendix 2 Risk register",
    ]
    assert sections == names
