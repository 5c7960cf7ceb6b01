"""A commitment Red last quarter with no approved update this quarter is named under the
red list, on the page and in every download, and counted in the headline."""

import copy

import pytest

from committee import rendering
from committee.document import blocks
from committee.models import PublishedPaper
from committee.report import build_report
from committee.services import published_page
from tests.committee.factories import PaperFactory, PublishedPaperFactory
from tests.downloads import csv_rows, docx_text, pdf_text, xlsx_sheets
from tests.factories import CommitmentFactory, PlanFactory, StatusUpdateFactory
from tests.html import tables

pytestmark = pytest.mark.django_db

Q3 = "/committee/2025-26/q3/"
UNREPORTED = [
    ["1", "Red", "No approved update", "VAWG / Partnerships", "Support survivors of stalking"],
    ["2", "Red", "No approved update", "Partnerships", "Fund the road safety partnership"],
]
HEADLINE = (
    "1 of the 5 individual deliverables in the Plan were marked as being at Red status for deliverability "
    "for 2025/26 Q3; 2 more were Red last quarter and have no approved update."
)


@pytest.fixture
def quarter(periods):
    """Q2 -> Q3: two Red commitments with nothing approved in Q3, and three that are not."""
    plan = PlanFactory()
    q2, q3 = periods[2], periods[3]
    one = CommitmentFactory(plan=plan, ref=1, text="Support survivors of stalking", areas=["VAWG", "Partnerships"])
    StatusUpdateFactory(commitment=one, period=q2, rag="red")  # no Q3 update at all
    two = CommitmentFactory(plan=plan, ref=2, text="Fund the road safety partnership", areas=["Partnerships"])
    StatusUpdateFactory(commitment=two, period=q2, rag="red")
    StatusUpdateFactory(commitment=two, period=q3, rag="amber", state="submitted")  # not yet approved
    still_red = CommitmentFactory(plan=plan, ref=3)
    StatusUpdateFactory(commitment=still_red, period=q2, rag="red")
    StatusUpdateFactory(commitment=still_red, period=q3, rag="red")  # on the red list itself
    better = CommitmentFactory(plan=plan, ref=4)
    StatusUpdateFactory(commitment=better, period=q2, rag="red")
    StatusUpdateFactory(commitment=better, period=q3, rag="green")  # improving
    amber = CommitmentFactory(plan=plan, ref=5)
    StatusUpdateFactory(commitment=amber, period=q2, rag="amber")  # not Red before: not listed
    return PaperFactory(period=q3)


def _normal(rows):
    return [[" ".join(str(cell or "").split()) for cell in row] for row in rows]


def test_the_page_lists_red_last_quarter_with_no_approved_update_after_the_red_list(client_as_admin, quarter):
    response = client_as_admin.get(Q3 + "?live=1")
    html = response.content.decode()

    table = tables(html)[1]  # straight after the red list
    assert table[0] == ["Ref", "Q2", "Q3", "Policy Area", "Individual Commitment"]
    assert table[1:] == UNREPORTED
    assert "Commitments at Red in Q2 with no approved update in Q3" in html
    assert HEADLINE in " ".join(html.split())


def test_the_pdf_word_excel_and_csv_name_the_same_commitments(client_as_admin, quarter):
    def get(name):
        response = client_as_admin.get(Q3 + name + "?live=1")
        assert response.status_code == 200
        return response.content

    assert _normal(xlsx_sheets(get("report.xlsx"))["Red before, no update"])[1:] == UNREPORTED
    assert csv_rows(get("red-no-update.csv"))[1:] == UNREPORTED
    word = " ".join(docx_text(get("report.docx")).split())
    pdf = pdf_text(get("report.pdf"))
    for text in (word, pdf):
        assert HEADLINE in text
        assert "Support survivors of stalking" in text and "Fund the road safety partnership" in text
        assert "No approved update" in text


def test_one_unreported_commitment_is_said_in_the_singular(periods):
    commitment = CommitmentFactory(ref=1)
    StatusUpdateFactory(commitment=commitment, period=periods[2], rag="red")

    content = build_report(PaperFactory(period=periods[3]))

    paragraphs = [b.text for b in blocks(content) if b.kind == "paragraph"]
    assert any("; 1 more was Red last quarter and has no approved update." in text for text in paragraphs)


def test_with_nothing_unreported_the_headline_and_tables_are_as_before(periods):
    commitment = CommitmentFactory(ref=1)
    StatusUpdateFactory(commitment=commitment, period=periods[2], rag="red")
    StatusUpdateFactory(commitment=commitment, period=periods[3], rag="red")

    content = build_report(PaperFactory(period=periods[3]))

    assert "more were Red last quarter" not in " ".join(b.text for b in blocks(content))
    assert "red_then_unreported" not in [b.key for b in blocks(content)]


def test_a_paper_published_before_the_list_existed_still_renders_as_it_was(client, committee_member, quarter):
    version = PublishedPaperFactory(paper=quarter)
    old = copy.deepcopy(version.content)
    del old["red_then_unreported"]
    version.files.all().delete()
    version.page.delete()
    PublishedPaper.objects.filter(pk=version.pk).update(content=old)
    version = PublishedPaper.objects.get(pk=version.pk)

    body = published_page(version).body
    client.force_login(committee_member)
    page = client.get(Q3)
    csv = client.get(Q3 + "red-no-update.csv")

    assert page.status_code == 200 and csv.status_code == 200
    assert "No approved update" not in body and "more were Red last quarter" not in body
    assert csv_rows(csv.content) == [["Ref", "Q2", "Q3", "Policy Area", "Individual Commitment"]]
    for name in ("report.xlsx", "report.docx"):
        assert rendering.download(name, old, status_line="As presented")


def test_the_demos_live_q3_paper_names_every_q2_red_commitment_with_no_q3_update(admin_client_demo):
    from tests.committee.test_paper import RED_REFS

    html = admin_client_demo.get(Q3 + "?live=1").content.decode()

    listed = tables(html)[0]  # Q3 has no approved Red: the first table is this list
    assert [row[0] for row in listed[1:]] == RED_REFS
    assert "0 of the 356 individual deliverables" in html
    assert "10 more were Red last quarter and have no approved update." in html
