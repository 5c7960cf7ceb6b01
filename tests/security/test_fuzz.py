"""Random rows at both imports and random values at the forms (Hypothesis).

Whatever is sent: never a 500, and when the answer is an error (the form or the file
refused), not one row of the register changed. The test client raises any exception a
view lets escape, so a 500 fails the example that caused it.
"""

import csv
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.urls import reverse
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from openpyxl import Workbook

from commitments.importing import BASE_COLUMNS
from commitments.models import StatusUpdate
from riskreg.exports import xml_safe
from risks.importing import COLUMNS as RISK_COLUMNS
from risks.models import Risk
from tests.factories import PlanFactory, StatusUpdateFactory
from tests.risks.factories import ActionFactory, AssessmentFactory, RiskFactory
from tests.security.helpers import db_counts

pytestmark = pytest.mark.django_db

# Moderate: the whole suite must stay fast. Each example is one or two requests.
FUZZ = settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow, HealthCheck.data_too_large],
)

# Text as people (and attackers) type it: any characters, and some known troublemakers.
TRICKY = [
    "",
    " ",
    "<script>alert(1)</script>",
    "=1+1",
    "@SUM(A1)",
    "\x00",
    "\r\n",
    "'; DROP TABLE commitments_commitment; --",
    "é" * 300,
    "x" * 10_001,
    "\u202e\u200b",
    "null",
    "None",
]
text = st.one_of(st.sampled_from(TRICKY), st.text(max_size=120))
short_text = st.one_of(st.sampled_from(TRICKY[:9]), st.text(max_size=12))
number = st.one_of(st.integers(-3, 12).map(str), st.sampled_from(["", "1.5", "3.0", "1e3", "99999999999999999999"]))


def _same(before: dict) -> bool:
    return db_counts() == before


# ---------------------------------------------------------------------------
# Imports


@pytest.fixture
def import_ready(periods, register_admin, officer, smt_lead):
    PlanFactory()
    call_command("loaddata", "risk_matrix", verbosity=0)


def _file(columns, rows, kind: str) -> SimpleUploadedFile:
    if kind == "csv":
        buffer = io.StringIO()
        writer = csv.writer(buffer)
        writer.writerow(columns)
        writer.writerows(rows)
        return SimpleUploadedFile("fuzz.csv", buffer.getvalue().encode("utf-8", "surrogatepass"))
    workbook = Workbook()
    workbook.active.append(columns)
    for row in rows:
        # XML cannot hold control characters: a real workbook never has them.
        workbook.active.append([xml_safe(value) for value in row])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return SimpleUploadedFile("fuzz.xlsx", buffer.getvalue())


def _import(client, url, confirm, upload) -> None:
    before = db_counts()
    preview = client.post(url, {"file": upload})
    assert preview.status_code == 200
    # The preview never writes.
    assert _same(before)
    if "Confirm and import" in preview.content.decode():
        response = client.post(confirm)
        assert response.status_code in (200, 302)
        if response.status_code == 200:  # the register changed under the preview: nothing imported
            assert _same(before)
    else:
        assert client.post(confirm).status_code == 302  # nothing waiting
        assert _same(before)


# Rows are either plausible (so that some imports are valid and get confirmed) or wild.
plain_text = st.text(st.characters(exclude_categories=("Cs", "Cc")), min_size=1, max_size=80).filter(str.strip)

plausible_commitment = st.fixed_dictionaries(
    {
        "Ref": st.integers(1, 400).map(str),
        "Policy Area": st.sampled_from(["Partnerships", "VAWG / Partnerships"]),
        "Individual Commitment": plain_text,
        "SMT Lead": st.sampled_from(["smt", "SMT@EXAMPLE.ORG", ""]),
        "Officer Lead": st.sampled_from(["officer", ""]),
        "WMP Lead": plain_text,
        "Timescale": st.sampled_from(["2025-2029", ""]),
        "2025/26 Q2": st.sampled_from(["Red", "amber", "GREEN"]),
        "2025/26 Q2 Update": plain_text,
    }
)
wild_commitment = st.fixed_dictionaries(
    {
        "Ref": st.one_of(number, short_text),
        "Policy Area": st.one_of(st.sampled_from(["A / A", " / "]), short_text),
        "Individual Commitment": text,
        "SMT Lead": st.sampled_from(["officer", "nobody", ""]),
        "Officer Lead": st.sampled_from(["smt", "nobody", ""]),
        "WMP Lead": short_text,
        "Timescale": short_text,
        "2025/26 Q2": st.one_of(st.sampled_from(["", "Purple", " red "]), short_text),
        "2025/26 Q2 Update": text,
    }
)
commitment_row = st.one_of(plausible_commitment, wild_commitment)


@FUZZ
@given(
    rows=st.one_of(
        st.lists(plausible_commitment, min_size=1, max_size=4, unique_by=lambda row: row["Ref"]),
        st.lists(commitment_row, max_size=6),
    ),
    kind=st.sampled_from(["csv", "xlsx"]),
    columns=st.sampled_from(
        [BASE_COLUMNS, [*BASE_COLUMNS, "2025/26 Q2", "2025/26 Q2 Update"], BASE_COLUMNS[:-1], ["2025/26 Q9"]]
    ),
)
def test_random_rows_at_the_commitments_import(client_as_admin, import_ready, rows, kind, columns):
    upload = _file(columns, [[row.get(c, "") for c in columns] for row in rows], kind)

    _import(client_as_admin, reverse("commitments:import"), reverse("commitments:import_confirm"), upload)


plausible_risk = st.fixed_dictionaries(
    {
        "Ref": st.sampled_from(["CR01", "CR02", "cr03"]),
        "Title": plain_text,
        "Description": plain_text,
        "Kind": st.sampled_from(["Corporate", "topical"]),
        "Owner": st.sampled_from(["smt", "admin"]),
        "Status": st.sampled_from(["Open", "Under consideration", "closed"]),
        "Period": st.sampled_from(["2025/26 Q1", "2025/26 Q2", "2025/26 Q3"]),
        "Inherent L": st.sampled_from(["", "4"]),
        "Inherent I": st.sampled_from(["", "4"]),
        "Current L": st.integers(1, 5).map(str),
        "Current I": st.integers(1, 5).map(str),
        "Target L": st.sampled_from(["", "2"]),
        "Target I": st.sampled_from(["", "2"]),
    }
)
wild_risk = st.fixed_dictionaries(
    {
        "Ref": st.one_of(st.sampled_from(["CR", "1CR", "CR1234567"]), short_text),
        "Title": text,
        "Description": text,
        "Kind": st.sampled_from(["", "Other", "corporate"]),
        "Owner": st.sampled_from(["officer", "nobody", ""]),
        "Status": st.sampled_from(["", "Gone", "De-escalated"]),
        "Period": st.sampled_from(["2030/31 Q1", "Q2", "", "2025/26 Q4"]),
        **{
            column: st.one_of(st.integers(0, 6).map(str), st.sampled_from(["", "x", "2.5", "-1"]))
            for column in RISK_COLUMNS[7:]
        },
    }
)
risk_row = st.one_of(plausible_risk, wild_risk)


@FUZZ
@given(
    rows=st.one_of(
        st.lists(plausible_risk, min_size=1, max_size=3, unique_by=lambda row: row["Ref"].upper()),
        st.lists(risk_row, max_size=6),
    ),
    kind=st.sampled_from(["csv", "xlsx"]),
)
def test_random_rows_at_the_risks_import(client_as_admin, import_ready, rows, kind):
    upload = _file(RISK_COLUMNS, [[row[c] for c in RISK_COLUMNS] for row in rows], kind)

    _import(client_as_admin, reverse("risks:import"), reverse("risks:import_confirm"), upload)


# ---------------------------------------------------------------------------
# Forms


def _post(client, url, data) -> None:
    """POST the form: a 500 raises; a refusal or a form error writes nothing."""
    before = db_counts()
    response = client.post(url, data)
    assert response.status_code in (200, 302, 403), response.status_code
    if response.status_code != 302:
        assert _same(before)


version = st.one_of(st.integers(-2, 5).map(str), st.sampled_from(["", "x", "1.0", "99999999999999999999"]))


@FUZZ
@given(
    rag=st.one_of(st.sampled_from(["red", "amber", "green", ""]), short_text),
    narrative=text,
    version=version,
    button=st.sampled_from(["save", "submit", "neither"]),
)
def test_random_values_at_the_status_update_form(client_as_officer, commitment, rag, narrative, version, button):
    # Back to a draft each time, so that every example reaches the form.
    StatusUpdate.objects.filter(commitment=commitment).update(state=StatusUpdate.State.DRAFT)
    data = {"rag": rag, "narrative": narrative, "version": version, button: ""}

    _post(client_as_officer, reverse("commitments:update_edit", args=[96, "2025-26", "q3"]), data)


@pytest.fixture
def submitted(commitment, periods):
    return StatusUpdateFactory(commitment=commitment, period=periods[3], state=StatusUpdate.State.SUBMITTED)


@FUZZ
@given(decision=st.one_of(st.sampled_from(["approve", "return"]), short_text), comment=text, version=version)
def test_random_values_at_the_review_form(client_as_smt_lead, submitted, decision, comment, version):
    StatusUpdate.objects.filter(pk=submitted.pk).update(state=StatusUpdate.State.SUBMITTED, version=1)
    data = {"decision": decision, "comment": comment, "version": version}

    _post(client_as_smt_lead, reverse("commitments:update_review", args=[96, "2025-26", "q3"]), data)


@pytest.fixture
def risk_world(periods, smt_lead, register_admin, commitment):
    call_command("loaddata", "risk_matrix", verbosity=0)
    risk = RiskFactory(ref="CR10", owner=smt_lead)
    AssessmentFactory(risk=risk, period=periods[2])
    return {"risk": risk, "action": ActionFactory(risk=risk), "smt": smt_lead}


ref = st.one_of(st.sampled_from(["CR20", "CR10", "cr21", "ABCDEFG1", "CR12345"]), short_text)
choice = st.one_of(st.sampled_from(["corporate", "topical", "open", "under_consideration", "closed"]), short_text)
ids = st.lists(st.one_of(st.integers(-1, 5).map(str), short_text), max_size=3)


@FUZZ
@given(
    ref=ref,
    title=text,
    kind=choice,
    status=choice,
    owner=st.one_of(st.sampled_from(["smt", "other"]), short_text),
    description=text,
    areas=ids,
    commitment_refs=st.one_of(st.sampled_from(["96", "96, 96", "1, 2", "96;97", "-1"]), short_text),
    period=st.one_of(st.sampled_from(["2025-26-q3", "2025-26-q4", "2030-31-q1"]), short_text),
    reason=text,
    illustrative=st.sampled_from(["on", "", "maybe"]),
)
def test_random_values_at_the_risk_form(client_as_smt_lead, risk_world, owner, areas, illustrative, **values):
    data = {
        **values,
        "owner": str(risk_world["smt"].pk) if owner == "smt" else owner,
        "causes": values["description"],
        "consequences": values["title"],
        "policy_areas": areas,
        "scores_illustrative": illustrative,
    }

    Risk.objects.exclude(ref="CR10").delete()  # so that the same new ref can be tried again
    _post(client_as_smt_lead, reverse("risks:create"), data)
    _post(client_as_smt_lead, reverse("risks:edit", args=["CR10"]), data)


level = st.one_of(st.integers(-1, 7).map(str), st.sampled_from(["", "x", "2.5", "99999999999999999999"]))


@FUZZ
@given(
    levels=st.fixed_dictionaries(
        {f"{kind}_{axis}": level for kind in ("inherent", "current", "target") for axis in ("likelihood", "impact")}
    ),
    rationale=text,
    controls=text,
    version=version,
)
def test_random_values_at_the_assessment_form(client_as_smt_lead, risk_world, levels, rationale, controls, version):
    data = {**levels, "rationale": rationale, "controls": controls, "version": version}

    _post(client_as_smt_lead, reverse("risks:assess", args=["CR10", "2025-26", "q3"]), data)


# Day, month and year as typed (a 20-digit year has its own test below).
date_part = st.one_of(st.integers(-1, 40).map(str), st.sampled_from(["", "x", "2025", "0", "9999", "10000", "1.5"]))


@FUZZ
@given(
    to_status=choice,
    period=st.one_of(st.sampled_from(["2025-26-q3", "2025-26-q2"]), short_text),
    day=date_part,
    month=date_part,
    year=date_part,
    reason=text,
)
def test_random_values_at_the_status_change_form(
    client_as_smt_lead, risk_world, to_status, period, day, month, year, reason
):
    Risk.objects.filter(pk=risk_world["risk"].pk).update(status=Risk.Status.OPEN)
    data = {"to_status": to_status, "period": period, "date_0": day, "date_1": month, "date_2": year, "reason": reason}

    _post(client_as_smt_lead, reverse("risks:status", args=["CR10"]), data)


@FUZZ
@given(
    description=text,
    owner=st.one_of(st.sampled_from(["smt", ""]), short_text),
    owner_name=short_text,
    day=date_part,
    month=date_part,
    year=date_part,
    target_text=short_text,
    rag=st.one_of(st.sampled_from(["red", "amber", "green", ""]), short_text),
    notes=text,
)
def test_random_values_at_the_action_form(client_as_smt_lead, risk_world, owner, day, month, year, **values):
    owner = str(risk_world["smt"].pk) if owner == "smt" else owner
    data = {**values, "owner": owner, "target_date_0": day, "target_date_1": month, "target_date_2": year}

    _post(client_as_smt_lead, reverse("risks:action_create", args=["CR10"]), data)
    _post(client_as_smt_lead, reverse("risks:action_edit", args=["CR10", risk_world["action"].pk]), data)


def test_a_year_too_large_for_a_date_is_a_form_error(client_as_smt_lead, risk_world):
    data = {"to_status": "closed", "period": "2025-26-q3", "reason": "Done"}
    data |= {"date_0": "1", "date_1": "1", "date_2": "99999999999999999999"}

    _post(client_as_smt_lead, reverse("risks:status", args=["CR10"]), data)


@FUZZ
@given(
    fields=st.fixed_dictionaries(
        {
            name: text
            for name in (
                "committee_name",
                "title",
                "contact_name",
                "contact_title",
                "purpose",
                "methodology",
                "delivery_introduction",
                "delivery_narrative",
                "recommendation",
            )
        }
    ),
    agenda_item=st.text(max_size=30),
    statuses_assessed_in=st.text(max_size=60),
    protective_marking=st.one_of(
        st.sampled_from(["official", "official-sensitive", "OFFICIAL", "SECRET", ""]), short_text
    ),
    meeting_date=st.one_of(
        st.sampled_from(["2025-12-11", "2025-02-30", "11/12/2025", "0000-01-01", "99999-01-01", ""]),
        st.dates().map(str),
        short_text,
    ),
    quarter=st.sampled_from(["q2", "q3"]),
)
def test_random_values_at_the_paper_form(
    client_as_admin, periods, fields, agenda_item, statuses_assessed_in, protective_marking, meeting_date, quarter
):
    data = {
        **fields,
        "agenda_item": agenda_item,
        "protective_marking": protective_marking,
        "statuses_assessed_in": statuses_assessed_in,
        "meeting_date": meeting_date,
    }

    _post(client_as_admin, reverse("committee:paper_edit", args=["2025-26", quarter]), data)


def test_the_fuzzed_forms_are_the_forms_people_use(client_as_admin, periods):
    # Guard against fuzzing a form that has moved: the fields above are the form's fields.
    html = client_as_admin.get(reverse("committee:paper_edit", args=["2025-26", "q3"])).content.decode()
    for name in ("committee_name", "meeting_date", "agenda_item", "protective_marking", "purpose", "recommendation"):
        assert f'name="{name}"' in html
