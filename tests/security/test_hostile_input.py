"""Hostile text and hostile files.

- Text with HTML or script in it is shown as text on every page, and carried as the
  literal text in the PDF, Word, XLSX and CSV downloads.
- No cell of any CSV or XLSX download starts a spreadsheet formula.
- A bad upload to either import (wrong type, columns, encoding, size; a damaged,
  booby-trapped or formula workbook) gets a clear message, changes nothing, and
  never a 500.
"""

import datetime
import html
import io
import re
import zipfile

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.urls import reverse
from openpyxl import Workbook

from commitments.importing import BASE_COLUMNS
from commitments.models import ReportingPeriod, StatusUpdate
from riskreg.exports import looks_like_formula, neutralise, unneutralise
from riskreg.roles import Role
from riskreg.tabular import MAX_ROWS
from risks.importing import COLUMNS as RISK_COLUMNS
from risks.models import Risk, StatusChange
from tests.committee.factories import PaperFactory, PublishedPaperFactory
from tests.downloads import csv_rows, docx_text, pdf_text, xlsx_cells, xlsx_formulas
from tests.factories import CommitmentFactory, PlanFactory, StatusUpdateFactory, UserFactory
from tests.risks.factories import ActionFactory, AssessmentFactory, RiskFactory
from tests.security.helpers import db_counts

pytestmark = pytest.mark.django_db

SCRIPT = "<script>alert(1)</script>"
BOLD = "<b>x</b>"
HOSTILE = f"{SCRIPT} {BOLD}"
ESCAPED_SCRIPT = "&lt;script&gt;alert(1)&lt;/script&gt;"
ESCAPED_BOLD = "&lt;b&gt;x&lt;/b&gt;"

# One value per way a spreadsheet starts a formula.
FORMULAS = [
    '=HYPERLINK("http://evil.example","click")',
    "+1+1",
    "-1+1",
    "@SUM(1)",
    "\t=1+1",
    "\r=1+1",
    # Look-alikes: formulas behind invisible or space-like characters.
    "\u200b=1+1",
    "\ufeff=1+1",
    "\u2060@SUM(1)",
    "\u00a0+1+1",
]
# Fullwidth signs, which some spreadsheets read as the plain ones. Only in the register
# (commitments without updates, so not in the paper): pypdf reads the PDF's text wrongly
# where a fullwidth sign is drawn.
FULLWIDTH = ['\uff1dHYPERLINK("http://evil.example","click")', "\uff0b1+1", "\uff0d1+1", "\uff20SUM(1)"]


@pytest.fixture
def hostile(periods, officer, smt_lead, committee_member, register_admin):
    """Hostile text in every field the pages, the paper and the downloads show.

    Q1 and Q2 approved; Q2's paper published. Commitment 1 and risk HX1 carry the HTML;
    commitments 11-20 and risks FX1-FX10 each carry one formula, commitments 31-34 one
    fullwidth look-alike.
    """
    call_command("loaddata", "risk_matrix", verbosity=0)
    q1, q2, q3 = periods[1], periods[2], periods[3]
    approved = StatusUpdate.State.APPROVED

    html_commitment = CommitmentFactory(
        ref=1, text=HOSTILE, wmp_lead=HOSTILE, officer_lead=officer, smt_lead=smt_lead, areas=[HOSTILE]
    )
    StatusUpdateFactory(commitment=html_commitment, period=q1, rag="red", narrative=HOSTILE, state=approved)
    StatusUpdateFactory(commitment=html_commitment, period=q2, rag="red", narrative=HOSTILE, state=approved)
    StatusUpdateFactory(
        commitment=html_commitment, period=q3, rag="red", narrative=HOSTILE, state=StatusUpdate.State.SUBMITTED
    )
    for number, formula in enumerate(FULLWIDTH):
        CommitmentFactory(ref=31 + number, text=formula, wmp_lead=formula, timescale=formula, areas=[f"{formula} area"])
    for number, formula in enumerate(FORMULAS):
        commitment = CommitmentFactory(
            ref=11 + number,
            text=formula,
            wmp_lead=formula,
            timescale=formula,
            officer_lead=officer,
            smt_lead=smt_lead,
            areas=[f"{formula} area"],
        )
        StatusUpdateFactory(commitment=commitment, period=q1, rag="red", narrative=formula, state=approved)
        # Half stay Red (the red list), half improve (the improving list).
        rag = "red" if number % 2 == 0 else "green"
        StatusUpdateFactory(commitment=commitment, period=q2, rag=rag, narrative=formula, state=approved)

    html_risk = RiskFactory(ref="HX1", title=HOSTILE, description=HOSTILE, causes=HOSTILE, owner=smt_lead)
    AssessmentFactory(risk=html_risk, period=q1, current_likelihood=2, current_impact=2, rationale=HOSTILE)
    AssessmentFactory(risk=html_risk, period=q2, current_likelihood=3, current_impact=3, rationale=HOSTILE)
    ActionFactory(risk=html_risk, description=HOSTILE, notes=HOSTILE)
    for number, formula in enumerate(FORMULAS):
        risk = RiskFactory(ref=f"FX{number + 1}", title=formula, owner=smt_lead)
        # Became open during Q2 (the paper's "new risks", with the reason as written).
        StatusChange.objects.create(
            risk=risk,
            from_status=Risk.Status.UNDER_CONSIDERATION,
            to_status=Risk.Status.OPEN,
            period=q2,
            date=datetime.date(2025, 8, 1),
            reason=formula,
        )
        AssessmentFactory(risk=risk, period=q2, rationale=formula)

    paper = PaperFactory(
        period=q2,
        committee_name=f"Committee {BOLD}",
        meeting_date=datetime.date(2025, 12, 11),
        agenda_item=BOLD,
        title=f"Update {BOLD}",
        purpose=HOSTILE,
        methodology=HOSTILE,
        delivery_introduction=HOSTILE,
        delivery_narrative=HOSTILE,
        recommendation=HOSTILE,
        contact_name=HOSTILE,
        contact_title=HOSTILE,
    )
    PublishedPaperFactory(paper=paper)
    return {"commitment": html_commitment, "risk": html_risk}


def assert_shown_as_text(content: bytes) -> None:
    page = content.decode()
    assert SCRIPT not in page
    assert BOLD not in page
    assert ESCAPED_SCRIPT in page
    assert ESCAPED_BOLD in page


PAPER = reverse("committee:paper", args=["2025-26", "q2"])

PAGES = [
    ("admin", reverse("commitments:register")),
    ("admin", reverse("commitments:register") + "?q=script"),
    ("admin", reverse("commitments:detail", args=[1])),
    ("officer", reverse("commitments:mine")),
    ("smt", reverse("commitments:mine")),
    ("smt", reverse("commitments:update_review", args=[1, "2025-26", "q3"])),
    ("committee", reverse("commitments:detail", args=[1])),
    ("admin", reverse("risks:register")),
    ("admin", reverse("risks:detail", args=["HX1"])),
    ("admin", reverse("risks:heatmap") + "?period=2025-26-q2&compare=1"),
    ("admin", reverse("risks:edit", args=["HX1"])),
    ("committee", reverse("risks:detail", args=["HX1"])),
    ("committee", PAPER),
    ("admin", PAPER + "?live=1"),
    ("admin", reverse("committee:paper_edit", args=["2025-26", "q2"])),
]


@pytest.mark.parametrize(("username", "url"), PAGES)
def test_html_in_the_register_is_shown_as_text_on_every_page(client, hostile, username, url):
    from riskreg.models import User

    client.force_login(User.objects.get(username=username))
    response = client.get(url)

    assert response.status_code == 200
    assert_shown_as_text(response.content)


def test_html_in_an_action_is_shown_as_text_on_its_form(client_as_admin, hostile):
    action = hostile["risk"].actions.get()

    response = client_as_admin.get(reverse("risks:action_edit", args=["HX1", action.pk]))

    assert_shown_as_text(response.content)


def _download(client, name, *args, query=""):
    response = client.get(reverse(name, args=args) + query)
    assert response.status_code == 200, (name, args, query)
    return b"".join(response.streaming_content) if response.streaming else response.content


@pytest.mark.parametrize("query", ["", "?live=1"], ids=["published", "live"])
def test_the_papers_pdf_and_word_carry_the_literal_text(client_as_admin, hostile, query):
    pdf = pdf_text(_download(client_as_admin, "committee:paper_download", "2025-26", "q2", "report.pdf", query=query))
    word = docx_text(
        _download(client_as_admin, "committee:paper_download", "2025-26", "q2", "report.docx", query=query)
    )

    for text in (pdf, word):
        assert SCRIPT in text
        assert BOLD in text
        assert "&lt;" not in text and "&amp;" not in text


def _paper_tables(client, query=""):
    """(name, cells) of every CSV and XLSX download of the Q2 paper."""
    args = ["committee:paper_download", "2025-26", "q2"]
    return [
        ("report.xlsx", xlsx_cells(_download(client, *args, "report.xlsx", query=query))),
        *(
            (name, csv_rows(_download(client, *args, name, query=query)))
            for name in ("red-list.csv", "improving-list.csv", "risk-movements.csv")
        ),
    ]


def _register_tables(client):
    return [
        ("commitments.csv", csv_rows(_download(client, "commitments:register_download", "csv"))),
        ("commitments.xlsx", xlsx_cells(_download(client, "commitments:register_download", "xlsx"))),
        ("risks.csv", csv_rows(_download(client, "risks:register", query="?download=csv"))),
        ("risks.xlsx", xlsx_cells(_download(client, "risks:register", query="?download=xlsx"))),
    ]


def test_spreadsheet_downloads_carry_the_literal_html(client_as_admin, hostile):
    for name, cells in _register_tables(client_as_admin) + _paper_tables(client_as_admin):
        if name == "improving-list.csv":
            continue  # commitment 1 is Red in both quarters: not improving
        values = {str(value) for row in cells for value in row if value is not None}
        assert HOSTILE in values, name


@pytest.mark.parametrize("query", ["", "?live=1"], ids=["published", "live"])
def test_no_cell_of_any_spreadsheet_download_starts_a_formula(client_as_admin, hostile, query):
    downloads = _paper_tables(client_as_admin, query) + _register_tables(client_as_admin)
    found = set()
    for name, cells in downloads:
        for row in cells:
            for value in row:
                if isinstance(value, str):
                    assert not looks_like_formula(value), (name, value)
                    found.add(value)
    # Each hostile value is there, as text behind an apostrophe.
    for formula in FORMULAS + FULLWIDTH:
        assert "'" + formula in found, formula


@pytest.mark.parametrize("formula", FORMULAS + FULLWIDTH)
def test_a_neutralised_formula_reads_back_as_written(formula):
    assert neutralise(formula) == "'" + formula
    assert unneutralise(neutralise(formula)) == formula
    # Text written with the apostrophe already there keeps it.
    assert unneutralise(neutralise("'" + formula)) == "'" + formula


def test_no_xlsx_download_holds_a_formula_cell(client_as_admin, hostile):
    for content in (
        _download(client_as_admin, "committee:paper_download", "2025-26", "q2", "report.xlsx"),
        _download(client_as_admin, "commitments:register_download", "xlsx"),
        _download(client_as_admin, "risks:register", query="?download=xlsx"),
    ):
        assert xlsx_formulas(content) == []


# ---------------------------------------------------------------------------
# Uploads


IMPORTS = {
    "commitments": (reverse("commitments:import"), reverse("commitments:import_confirm"), BASE_COLUMNS),
    "risks": (reverse("risks:import"), reverse("risks:import_confirm"), RISK_COLUMNS),
}


@pytest.fixture
def ready_to_import(periods, register_admin):
    """A plan to import into, the matrix in use, and an SMT lead to own risks."""
    PlanFactory()
    call_command("loaddata", "risk_matrix", verbosity=0)
    UserFactory(username="smt", role=Role.SMT_LEAD)


def _workbook(rows) -> bytes:
    workbook = Workbook()
    for row in rows:
        workbook.active.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _rezip(content: bytes, replace: dict[str, bytes] = (), add: dict[str, bytes] = ()) -> bytes:
    """The workbook with some of its parts replaced or added."""
    replace, add = dict(replace), dict(add)
    source = zipfile.ZipFile(io.BytesIO(content))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for member in source.infolist():
            target.writestr(member.filename, replace.get(member.filename, source.read(member.filename)))
        for name, data in add.items():
            target.writestr(name, data)
    return out.getvalue()


SHEET = "xl/worksheets/sheet1.xml"


def _sheet_xml(content: bytes) -> str:
    return zipfile.ZipFile(io.BytesIO(content)).read(SHEET).decode()


def entity_expansion_workbook(columns) -> bytes:
    """'Billion laughs': nine levels of entities, each ten of the one before (10^9 'lol')."""
    base = _workbook([columns, ["lots"] * len(columns)])
    entities = '<!ENTITY lol0 "lol">' + "".join(f'<!ENTITY lol{i} "{f"&lol{i - 1};" * 10}">' for i in range(1, 10))
    sheet = _sheet_xml(base).replace("<t>lots</t>", "<t>&lol9;</t>")
    return _rezip(base, replace={SHEET: f'<?xml version="1.0"?><!DOCTYPE worksheet [{entities}]>{sheet}'.encode()})


def many_rows_workbook(columns) -> bytes:
    """900,000 rows in a few hundred kilobytes (and a dimension that admits them)."""
    base = _workbook([columns, ["x"] * len(columns)])
    rows = 900_000
    head, tail = _sheet_xml(base).split("<sheetData>")
    head = re.sub(r'<dimension ref="[^"]*"/>', f'<dimension ref="A1:Z{rows + 2}"/>', head)
    row = '<row><c t="inlineStr"><is><t>x</t></is></c></row>'
    sheet = head + "<sheetData>" + tail.replace("</sheetData>", row * rows + "</sheetData>")
    return _rezip(base, replace={SHEET: sheet.encode()})


def unpacks_huge_workbook(columns) -> bytes:
    """A small file with a part that unpacks to forty times the (test's) upload limit."""
    return _rezip(_workbook([columns, ["x"] * len(columns)]), add={"xl/padding.xml": b" " * 4_000_000})


def formula_workbook(columns) -> bytes:
    """The text columns are formulas: never run, and read as empty (no cached value)."""
    values = {
        "Ref": "1" if "Individual Commitment" in columns else "CR01",
        "Policy Area": "Partnerships",
        "Kind": "Topical",
        "Owner": "smt",
        "Status": "Open",
        "Period": "2025/26 Q2",
        "Current L": 3,
        "Current I": 3,
    }
    row = [values.get(column, '=HYPERLINK("http://evil.example","click")') for column in columns]
    return _workbook([columns, row])


def csv_of(columns, rows) -> bytes:
    return "\n".join(",".join(row) for row in [columns, *rows]).encode()


# (id, file name, content from the import's columns, what the page says, upload limit)
BAD_FILES = [
    ("wrong type", "plan.txt", lambda c: b"Ref\n1\n", "must be a CSV (.csv) or Excel workbook (.xlsx)", None),
    ("program as csv", "plan.csv", lambda c: b"MZ\x90\x00\x03\x00\x00\x00\xff\xff", "not UTF-8 text", None),
    ("latin-1 csv", "plan.csv", lambda c: csv_of(c, [["Café"] * len(c)]).decode().encode("latin-1"), "not UTF-8", None),
    ("utf-16 csv", "plan.csv", lambda c: csv_of(c, [["x"] * len(c)]).decode().encode("utf-16"), "not UTF-8", None),
    ("binary csv", "plan.csv", lambda c: b"Ref,Title\x00\x00\n", "not a text CSV file", None),
    ("wrong columns", "plan.csv", lambda c: b"Colour,Size\nred,big\n", ("missing the column", "has no column"), None),
    ("over the limit", "plan.csv", lambda c: csv_of(c, [["x" * 100] * len(c)] * 20), "larger than", 1024),
    ("too many rows", "plan.csv", lambda c: csv_of(c, [["x"] * len(c)] * (MAX_ROWS + 1)), "than 50,000 rows", None),
    ("too many columns", "plan.csv", lambda c: csv_of([*c, *map(str, range(150))], []), "more than 100", None),
    ("not a zip", "plan.xlsx", lambda c: csv_of(c, [["x"] * len(c)]), "not an Excel .xlsx workbook", None),
    ("zip, not a workbook", "plan.xlsx", lambda c: _rezip(_workbook([c]), replace={SHEET: b"<<<"}), "damaged", None),
    ("empty zip", "plan.xlsx", lambda c: _rezip(b"PK\x05\x06" + b"\x00" * 18), "could not be opened", None),
    ("entity expansion", "plan.xlsx", entity_expansion_workbook, "could not be opened", None),
    ("millions of rows", "plan.xlsx", many_rows_workbook, "more than 50,000 rows", None),
    ("unpacks huge", "plan.xlsx", unpacks_huge_workbook, "unpacks to far more data", 100_000),
    ("formulas", "plan.xlsx", formula_workbook, ("Individual Commitment is empty", "Enter a Title"), None),
]


@pytest.mark.parametrize("which", IMPORTS)
@pytest.mark.parametrize(("name", "filename", "make", "message", "limit"), BAD_FILES, ids=[f[0] for f in BAD_FILES])
def test_a_bad_upload_gets_a_clear_message_and_changes_nothing(
    client_as_admin, ready_to_import, settings, which, name, filename, make, message, limit
):
    url, confirm, columns = IMPORTS[which]
    if limit:
        settings.RISKREG_MAX_UPLOAD_BYTES = limit
    content = make(columns)
    before = db_counts()

    response = client_as_admin.post(url, {"file": SimpleUploadedFile(filename, content)})

    assert response.status_code == 200
    page = html.unescape(response.content.decode())
    messages = message if isinstance(message, tuple) else (message,)
    assert any(m in page for m in messages), page[page.find("govuk-error-summary") :][:800]
    assert "<title>Error: " in page
    # Nothing was written, and nothing waits to be confirmed.
    assert client_as_admin.post(confirm).status_code == 302
    assert db_counts() == before


@pytest.mark.parametrize("which", IMPORTS)
def test_an_empty_upload_gets_a_clear_message(client_as_admin, ready_to_import, which):
    url, _, _ = IMPORTS[which]
    before = db_counts()

    response = client_as_admin.post(url, {"file": SimpleUploadedFile("plan.csv", b"")})

    assert response.status_code == 200
    assert "file is empty" in response.content.decode()
    assert db_counts() == before


def test_html_in_an_imported_file_is_shown_as_text_in_the_preview_and_after(client_as_admin, ready_to_import):
    row = {
        "Ref": "CR01",
        "Title": HOSTILE,
        "Description": HOSTILE,
        "Kind": "Topical",
        "Owner": "smt",
        "Status": "Open",
        "Period": "2025/26 Q2",
        "Current L": 3,
        "Current I": 3,
    }
    content = _workbook([RISK_COLUMNS, [row.get(column) for column in RISK_COLUMNS]])

    preview = client_as_admin.post(reverse("risks:import"), {"file": SimpleUploadedFile("r.xlsx", content)})
    assert_shown_as_text(preview.content)
    client_as_admin.post(reverse("risks:import_confirm"))

    assert Risk.objects.get(ref="CR01").title == HOSTILE
    assert_shown_as_text(client_as_admin.get(reverse("risks:detail", args=["CR01"])).content)


def test_a_form_post_larger_than_the_limit_is_refused_with_400(client_as_officer, commitment, settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 10_000
    before = db_counts()
    url = reverse("commitments:update_edit", args=[96, "2025-26", "q3"])

    response = client_as_officer.post(url, {"rag": "green", "narrative": "x" * 20_000, "version": 0, "save": ""})

    assert response.status_code == 400
    assert db_counts() == before


def test_upload_limits_come_from_the_environment_with_safe_defaults(settings):
    # The register's own download at 100 times the plan is 45 MB.
    assert settings.RISKREG_MAX_UPLOAD_BYTES == 100 * 1024 * 1024
    # A file above 2.5 MB goes to a temporary file as it arrives, not into memory.
    assert settings.FILE_UPLOAD_MAX_MEMORY_SIZE == 2_621_440
    assert settings.DATA_UPLOAD_MAX_MEMORY_SIZE <= 2_621_440  # Django's default, or less


def test_the_period_model_is_not_changed_by_hostile_slugs(client_as_admin, periods):
    for fy, q in [("<script>", "q3"), ("2025-26", "q3' OR 1=1 --"), ("..", ".."), ("2025-26", "q9")]:
        response = client_as_admin.post(reverse("commitments:period_status", args=[fy, q]), {"status": "open"})
        assert response.status_code == 404
    assert ReportingPeriod.objects.filter(status="open").count() == 1
