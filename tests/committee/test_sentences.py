"""The risk sections are written as sentences, one per risk: what moved and from which
score to which, then the owner's reason; the admin may write a risk's paragraph instead
on the paper's edit page; a section with no risks keeps the paper's sentence."""

import datetime

import pytest
from django.core.management import call_command

from committee.document import blocks
from committee.models import Paper
from committee.report import build_report
from risks.models import Risk
from tests.committee.factories import PaperFactory
from tests.risks.factories import AssessmentFactory, RiskFactory, StatusChangeFactory

pytestmark = pytest.mark.django_db


def _numbered(content) -> list[tuple[str, str]]:
    return [(b.number, b.text) for b in blocks(content) if b.kind == "paragraph" and b.number]


def _section(content, first: str) -> list[str]:
    """The paragraphs of the section whose number starts with `first` (e.g. "6.")."""
    return [text for number, text in _numbered(content) if number.startswith(first)]


@pytest.fixture
def movements(periods):
    """Q1 -> Q2: two risks up, one down, one closed, one new, one under consideration."""
    call_command("loaddata", "risk_matrix", verbosity=0)
    q1, q2 = periods[1], periods[2]
    for ref, before, after in [("CR10", 2, 4), ("CR11", 3, 5), ("CR12", 4, 2)]:
        risk = RiskFactory(ref=ref, title=f"Risk {ref} title")
        AssessmentFactory(risk=risk, period=q1, current_likelihood=before, current_impact=3, rationale="Earlier.")
        AssessmentFactory(
            risk=risk, period=q2, current_likelihood=after, current_impact=3, rationale=f"Because of {ref}."
        )
    closed = RiskFactory(ref="CR13", title="A finished risk", status=Risk.Status.DEESCALATED)
    StatusChangeFactory(risk=closed, to_status=Risk.Status.DEESCALATED, period=q2, reason="Handed to WMP.")
    new = RiskFactory(ref="CR14", title="A new risk")
    StatusChangeFactory(
        risk=new, from_status=Risk.Status.UNDER_CONSIDERATION, to_status=Risk.Status.OPEN, period=q2, reason="Agreed."
    )
    AssessmentFactory(risk=new, period=q2, current_likelihood=2, current_impact=2)
    RiskFactory(ref="CR15", title="A proposed risk", status=Risk.Status.UNDER_CONSIDERATION)
    return PaperFactory(period=q2, methodology="The current OPCC risk register is attached as Appendix 2.")


def test_each_risk_gets_a_sentence_of_what_moved_and_why_with_counts_in_words(movements):
    content = build_report(movements)

    assert _section(content, "5.") == [
        "The review of the risk register has identified one new corporate risk for the OPCC.",
        "Risk CR14, A new risk, became open during Q2 with a current score of 4 (Low). Agreed.",
        "One new risk is still being considered and evaluated for inclusion, and that is risk CR15, A proposed risk.",
    ]
    assert _section(content, "6.") == [
        "During the last quarter, two risk scores have increased.",
        "The score of risk CR10, Risk CR10 title, has increased from 6 (Medium) in Q1 to 12 (High) in Q2. "
        "Because of CR10.",
        "The score of risk CR11, Risk CR11 title, has increased from 9 (Medium) in Q1 to 15 (High) in Q2. "
        "Because of CR11.",
    ]
    # One risk: its sentence alone, as the paper writes "The risk of ... is now judged to be higher".
    assert _section(content, "7.") == [
        "The score of risk CR12, Risk CR12 title, has decreased from 12 (High) in Q1 to 6 (Medium) in Q2. "
        "Because of CR12."
    ]
    assert _section(content, "8.") == ["Risk CR13, A finished risk, was de-escalated during Q2. Handed to WMP."]
    # No table in the risk sections: the rows stay in the spreadsheets.
    assert [b.key for b in blocks(content) if b.kind == "table"] == ["churn", "register"]
    assert [row[0] for row in content["risks"]["increased"]["rows"]] == ["CR10", "CR11"]


def test_an_empty_section_keeps_the_papers_sentence(periods):
    content = build_report(PaperFactory(period=periods[2], methodology="Section 2."))

    assert _section(content, "5.") == [
        "The review of the risk register has identified no new corporate risks for the OPCC."
    ]
    assert _section(content, "6.") == ["During the last quarter, no risk scores have increased."]
    assert _section(content, "7.") == ["During the last quarter, no risk scores have decreased."]
    assert _section(content, "8.") == ["During the last quarter, no risks have been closed."]


def _form(paper, **changes):
    data = {
        "committee_name": paper.committee_name,
        "meeting_date": "2025-12-11",
        "title": paper.title,
        "purpose": paper.purpose,
        "recommendation": paper.recommendation,
        "methodology": paper.methodology,
        "include_churn_appendix": "on",
        "protective_marking": "official",
    }
    return {**data, **changes}


def test_the_admin_writes_a_risks_paragraph_on_the_edit_page_and_emptying_it_restores_the_composed_one(
    client_as_admin, movements
):
    url = "/committee/2025-26/q2/edit/"
    page = client_as_admin.get(url).content.decode()
    assert 'name="sentence-increased-CR10"' in page
    assert "Leave empty for the sentence built from the register: The score of risk CR10" in page

    written = "The risk of CR10 is now judged to be higher than it has been."
    response = client_as_admin.post(url, _form(movements, **{"sentence-increased-CR10": f"  {written}  "}))

    assert response.status_code == 302
    paper = Paper.objects.get(pk=movements.pk)
    assert paper.risk_sentences == {"increased": {"CR10": written}}
    live = client_as_admin.get("/committee/2025-26/q2/?live=1").content.decode()
    assert f'<span class="riskreg-paper__number">6.2</span> {written}</p>' in live
    assert "The score of risk CR11" in live

    client_as_admin.post(url, _form(movements, **{"sentence-increased-CR10": ""}))
    assert Paper.objects.get(pk=movements.pk).risk_sentences == {}
    assert "The score of risk CR10" in _section(build_report(Paper.objects.get(pk=movements.pk)), "6.")[1]


def test_the_admin_can_leave_out_the_churn_appendix_in_every_format(client_as_admin, movements):
    from tests.downloads import docx_text, pdf_text, xlsx_sheets

    client_as_admin.post("/committee/2025-26/q2/edit/", _form(movements, include_churn_appendix=""))
    live = "/committee/2025-26/q2/"

    page = client_as_admin.get(live + "?live=1").content.decode()
    word = docx_text(client_as_admin.get(live + "report.docx?live=1").content)
    pdf = pdf_text(client_as_admin.get(live + "report.pdf?live=1").content)
    sheets = xlsx_sheets(client_as_admin.get(live + "report.xlsx?live=1").content)

    assert Paper.objects.get(pk=movements.pk).include_churn_appendix is False
    for text in (page, word, pdf):
        assert "MOVEMENT OF DELIVERY STATUS" not in text
        assert "APPENDIX 2: THE CURRENT OPCC RISK REGISTER" in text
    # The workbook keeps the same sheets every quarter: this one says why it is empty.
    assert sheets["Appendix 1 Movement"][1] == ("The admin left this appendix out of this paper.",)
    assert "Appendix 2 Risk register" in sheets


def test_a_paper_published_before_the_sentences_and_appendix_renders_as_it_was(movements):
    from committee import rendering
    from tests.downloads import docx_text, xlsx_sheets

    content = build_report(movements)
    for key in ("risk_paragraphs", "register", "include_churn_appendix"):
        del content[key]  # as in a snapshot from before

    shown = blocks(content)
    tables = [b.key for b in shown if b.kind == "table"]
    assert "register" not in tables and "APPENDIX 2" not in " ".join(b.text for b in shown)
    # Its risk sections: the count and the table, as they were then.
    assert tables == [
        "risks_new",
        "risks_under_consideration",
        "risks_increased",
        "risks_reduced",
        "risks_closed",
        "churn",
    ]
    assert "During the last quarter, two risk scores have increased." in [b.text for b in shown]
    # The workbook has every quarter's sheets; the appendix's says the paper had none.
    assert xlsx_sheets(rendering.xlsx(content))["Appendix 2 Risk register"][1] == ("This table is not in this paper.",)
    assert "CR10" in docx_text(rendering.docx(content, status_line="As presented."))


def test_the_register_appendix_takes_each_risks_status_at_the_end_of_the_quarter(periods):
    call_command("loaddata", "risk_matrix", verbosity=0)
    # Opened in Q3, so under consideration at the end of Q2; closed in Q3, so open at the end of Q2.
    later = RiskFactory(ref="CR20", status=Risk.Status.OPEN)
    StatusChangeFactory(
        risk=later, from_status=Risk.Status.UNDER_CONSIDERATION, to_status=Risk.Status.OPEN, period=periods[3]
    )
    gone = RiskFactory(ref="CR21", status=Risk.Status.CLOSED)
    StatusChangeFactory(risk=gone, to_status=Risk.Status.CLOSED, period=periods[3], date=datetime.date(2025, 11, 1))
    RiskFactory(ref="CR22", status=Risk.Status.CLOSED)  # closed, no changes recorded: always closed

    register = build_report(PaperFactory(period=periods[2]))["register"]

    assert [(row[0], row[3]) for row in register["rows"]] == [("CR20", "Under consideration"), ("CR21", "Open")]
