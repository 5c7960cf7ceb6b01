"""Control characters (U+0001 and the like: invisible, and not allowed in the XML of Word
and Excel files) are refused with a message in every text field of the paper's forms
and of the register's, and removed at render from anything that reaches the paper from
the register or from an older snapshot: never a 500."""

import pytest
from django import forms
from django.core.cache import cache

from committee import services
from committee.forms import PaperForm
from committee.models import Paper, PublishedFile, PublishedPage, PublishedPaper
from committee.rendering import DOWNLOADS
from risks.models import Risk
from tests.committee.conftest import PAPER
from tests.committee.factories import PaperFactory
from tests.downloads import docx_text, pdf_text, xlsx_cells

pytestmark = pytest.mark.django_db

CONTROL = "\x01"
# Every text field of the paper's form, so a field added later is covered too.
PAPER_TEXT_FIELDS = [name for name, field in PaperForm.base_fields.items() if isinstance(field, forms.CharField)]


def _paper_data(**changes):
    data = {
        "committee_name": "Joint Audit Committee",
        "meeting_date": "2025-12-11",
        "agenda_item": "12",
        "title": "OPCC Risk Management Update",
        "contact_name": "Jane Heppel",
        "contact_title": "Chief Finance Officer",
        "purpose": "Purpose.",
        "methodology": "Methodology.",
        "delivery_introduction": "Introduction.",
        "statuses_assessed_in": "November 2025",
        "delivery_narrative": "Narrative.",
        "recommendation": "Note the report.",
        "include_churn_appendix": "on",
    }
    return {**data, **changes}


@pytest.mark.parametrize("name", PAPER_TEXT_FIELDS)
def test_a_control_character_in_any_field_of_the_paper_is_refused_with_a_message(client_as_admin, periods, name):
    paper = PaperFactory(period=periods[2])

    response = client_as_admin.post("/committee/2025-26/q2/edit/", _paper_data(**{name: f"Before{CONTROL}after"}))

    assert response.status_code == 200
    page = response.content.decode()
    assert "must not contain control characters" in page
    assert f'href="#id_{name}"' in page  # the error summary links to the field
    assert Paper.objects.get(pk=paper.pk).purpose == paper.purpose  # nothing saved


def test_a_control_character_in_a_risks_sentence_or_a_correction_reason_is_refused(admin_client_demo):
    response = admin_client_demo.post(PAPER + "edit/", _paper_data(**{"sentence-increased-CR01": f"Up{CONTROL}"}))
    assert response.status_code == 200
    assert "The paragraph for CR01 must not contain control characters" in response.content.decode()
    assert "Up" not in str(Paper.objects.get().risk_sentences)

    response = admin_client_demo.post(PAPER + "publish/", {"correction_reason": f"Typo{CONTROL}"})
    assert response.status_code == 200
    assert "Reason for the correction must not contain control characters" in response.content.decode()
    assert PublishedPaper.objects.count() == 1


def test_a_control_character_in_a_risks_title_is_refused_by_the_risk_form(admin_client_demo):
    risk = Risk.objects.get(ref="CR01")
    data = {
        "title": f"Funding{CONTROL}",
        "kind": risk.kind,
        "owner": risk.owner_id,
        "description": risk.description,
    }

    response = admin_client_demo.post(f"/risks/{risk.ref}/edit/", data)

    assert response.status_code == 200
    assert "Title must not contain control characters" in response.content.decode()
    assert Risk.objects.get(ref="CR01").title == risk.title


def _every_download(client, query=""):
    files = {}
    for name in DOWNLOADS:
        response = client.get(PAPER + name + query)
        assert response.status_code == 200, (name, query)
        files[name] = response.content
    return files


@pytest.mark.parametrize("query", ["", "?live=1"], ids=["published", "live"])
def test_a_risk_title_with_a_control_character_from_the_register_still_downloads_in_every_format(
    admin_client_demo, query
):
    # Written around the forms (an import, the shell, or before they refused it).
    Risk.objects.filter(ref="CR01").update(title=f"Reduction in VRP{CONTROL} funding")
    services.paper_publish(paper=Paper.objects.get(), by=None, correction_reason="Risk title")

    page = admin_client_demo.get(PAPER + query)
    files = _every_download(admin_client_demo, query)

    assert page.status_code == 200
    assert CONTROL not in page.content.decode()
    assert "Reduction in VRP funding" in page.content.decode()
    assert "Reduction in VRP funding" in docx_text(files["report.docx"])
    assert "Reduction in VRP funding" in pdf_text(files["report.pdf"])
    assert any("Reduction in VRP funding" in str(cell) for row in xlsx_cells(files["report.xlsx"]) for cell in row)
    assert CONTROL.encode() not in files["risk-movements.csv"]


def test_an_older_snapshot_holding_control_characters_still_renders_every_format(admin_client_demo):
    version = PublishedPaper.objects.get()
    content = version.content
    content["committee"] = f"Joint Audit{CONTROL} Committee"
    content["title"] = f"OPCC Risk{CONTROL} Management Update"
    content["contact"]["name"] = f"Jane{CONTROL} Heppel"
    content["red_list"]["rows"][0][4] = f"Campaign{CONTROL} regionally"
    PublishedPaper.objects.filter(pk=version.pk).update(content=content)
    PublishedFile.objects.all().delete()
    PublishedPage.objects.all().delete()
    cache.clear()

    page = admin_client_demo.get(PAPER)
    files = _every_download(admin_client_demo)

    assert page.status_code == 200
    assert "Joint Audit Committee" in docx_text(files["report.docx"])
    assert "Jane Heppel" in docx_text(files["report.docx"])
    assert "Campaign regionally" in pdf_text(files["report.pdf"])
