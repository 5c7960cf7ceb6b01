"""The update grid: every commitment an officer leads, updated on one page."""

import pytest
from django.urls import reverse

from commitments.models import StatusUpdate
from riskreg.roles import Role
from tests.factories import CommitmentFactory, StatusUpdateFactory, UserFactory

pytestmark = pytest.mark.django_db

URL = reverse("commitments:update_grid", args=["2025-26", "q3"])


@pytest.fixture
def rows(officer, smt_lead, periods):
    """Commitments 1-3 led by the officer, each Amber and approved in Q2."""
    made = []
    for ref in (1, 2, 3):
        commitment = CommitmentFactory(ref=ref, officer_lead=officer, smt_lead=smt_lead)
        StatusUpdateFactory(commitment=commitment, period=periods[2], rag="amber", narrative=f"Q2 text {ref}.")
        made.append(commitment)
    return made


def posted(rows, **changes):
    """The grid's form as the browser posts it for `rows`, untouched, with `changes`:
    {"r1-rag": "red", ...}."""
    data = {}
    for commitment in rows:
        update = StatusUpdate.objects.filter(commitment=commitment, period__quarter=3).first()
        prefix = f"r{commitment.ref}"
        data[f"{prefix}-version"] = update.version if update else 0
        data[f"{prefix}-narrative"] = update.narrative if update else ""
        if update and update.rag:
            data[f"{prefix}-rag"] = update.rag
        if update and update.carried_forward:
            data[f"{prefix}-carry"] = "on"
    data.update(changes)
    return {key: value for key, value in data.items() if value is not None}


def q3(commitment):
    return StatusUpdate.objects.filter(commitment=commitment, period__quarter=3).first()


def test_grid_shows_each_commitment_with_last_quarters_approved_status(client_as_officer, rows):
    response = client_as_officer.get(URL)

    assert response.status_code == 200
    for ref in (1, 2, 3):
        assert f"Q2 text {ref}.".encode() in response.content
        assert f'name="r{ref}-narrative"'.encode() in response.content


def test_save_all_saves_every_changed_row_as_a_draft_and_leaves_the_others(client_as_officer, rows):
    changes = {"r1-rag": "green", "r1-narrative": "Done.", "r2-rag": "red", "r2-narrative": "Late."}
    data = posted(rows, **changes, save="")

    response = client_as_officer.post(URL, data)

    assert response.status_code == 302
    assert (q3(rows[0]).state, q3(rows[0]).narrative) == ("draft", "Done.")
    assert (q3(rows[1]).rag, q3(rows[1]).narrative) == ("red", "Late.")
    assert q3(rows[2]) is None
    assert "saved 2 drafts" in client_as_officer.get(URL).content.decode()


def test_no_change_since_last_quarter_records_last_quarters_status_marked_carried_forward(client_as_officer, rows):
    client_as_officer.post(URL, posted(rows, **{"r1-carry": "on", "save": ""}))

    update = q3(rows[0])
    assert (update.rag, update.narrative, update.carried_forward) == ("amber", "Q2 text 1.", True)


def test_editing_the_text_of_a_carried_forward_row_clears_the_mark(client_as_officer, rows):
    client_as_officer.post(URL, posted(rows, **{"r1-carry": "on", "save": ""}))

    client_as_officer.post(URL, posted(rows, **{"r1-narrative": "Q3: it moved on.", "save": ""}))

    update = q3(rows[0])
    assert (update.narrative, update.carried_forward) == ("Q3: it moved on.", False)


def test_the_single_update_form_also_clears_the_carried_forward_mark(client_as_officer, rows):
    client_as_officer.post(URL, posted(rows, **{"r1-carry": "on", "save": ""}))
    edit = reverse("commitments:update_edit", args=[1, "2025-26", "q3"])

    client_as_officer.post(edit, {"rag": "amber", "narrative": "New.", "version": q3(rows[0]).version, "save": ""})

    assert q3(rows[0]).carried_forward is False


def test_start_from_last_quarter_fills_the_row_and_saves_nothing(client_as_officer, rows):
    data = posted(rows, **{"r2-narrative": "Typed in row 2.", "fill": "1"})

    response = client_as_officer.post(URL, data)

    assert response.status_code == 200
    assert not StatusUpdate.objects.filter(period__quarter=3).exists()
    html = response.content.decode()
    assert 'aria-describedby="r1-narrative-hint">Q2 text 1.</textarea>' in html
    assert 'id="r1-rag-amber" name="r1-rag" type="radio" value="amber" checked' in html
    assert "Typed in row 2." in html  # the other rows keep what was typed


def test_submit_selected_submits_only_the_ticked_rows(client_as_officer, rows):
    data = posted(
        rows,
        **{
            "r1-rag": "green", "r1-select": "on",
            "r2-rag": "green", "r2-narrative": "Draft only.",
            "submit": "",
        },
    )  # fmt: skip

    client_as_officer.post(URL, data)

    assert q3(rows[0]).state == "submitted"
    assert q3(rows[1]).state == "draft"


def test_red_or_amber_without_a_narrative_is_refused_for_that_row_and_linked_from_the_summary(client_as_officer, rows):
    data = posted(rows, **{"r1-rag": "red", "r1-select": "on", "r2-rag": "green", "r2-select": "on", "submit": ""})

    response = client_as_officer.post(URL, data)

    html = response.content.decode()
    assert response.status_code == 200
    assert "<title>Error: " in html
    assert '<a href="#r1-narrative">Commitment 1: enter an update explaining the Red or Amber status</a>' in html
    assert q3(rows[0]) is None
    assert q3(rows[1]).state == "submitted"  # the other row was saved
    assert "The other rows were saved" in html


def test_submitting_a_row_without_a_status_is_refused_with_a_link_to_its_radios(client_as_officer, rows):
    response = client_as_officer.post(URL, posted(rows, **{"r1-select": "on", "submit": ""}))

    assert '<a href="#r1-rag-red">Commitment 1: select a RAG status' in response.content.decode()
    assert q3(rows[0]) is None


def test_a_row_changed_elsewhere_since_the_page_opened_is_refused_and_shown_with_theirs(
    client_as_officer, rows, periods
):
    data = posted(rows, **{"r1-rag": "green", "r1-narrative": "Mine.", "r2-rag": "green", "save": ""})
    StatusUpdateFactory(commitment=rows[0], period=periods[3], state="draft", narrative="Theirs.")

    response = client_as_officer.post(URL, data)

    html = response.content.decode()
    assert "Commitment 1: someone else saved this update since you opened the page" in html
    assert "Theirs." in html and "Mine." in html
    assert q3(rows[0]).narrative == "Theirs."
    assert q3(rows[1]).state == "draft"  # the other row saved


def test_a_row_submitted_elsewhere_is_refused_for_that_row_only(client_as_officer, rows, periods):
    data = posted(rows, **{"r1-rag": "green", "r1-narrative": "Mine.", "r2-rag": "green", "save": ""})
    StatusUpdateFactory(commitment=rows[0], period=periods[3], state="submitted", narrative="Sent already.")

    html = client_as_officer.post(URL, data).content.decode()

    assert "Commitment 1: its update was submitted for review since you opened the page" in html
    assert "Sent already." in html and "Mine." in html
    assert q3(rows[1]).state == "draft"


def test_a_row_for_a_commitment_they_no_longer_lead_is_refused_with_its_reason(client_as_officer, rows):
    data = posted(rows, **{"r1-rag": "green", "r1-narrative": "Mine.", "r2-rag": "green", "save": ""})
    rows[0].officer_lead = UserFactory(username="someone-else", role=Role.OFFICER)
    rows[0].save()

    html = client_as_officer.post(URL, data).content.decode()

    assert "Commitment 1: you no longer lead it as officer lead" in html
    assert "Mine." in html
    assert q3(rows[0]) is None
    assert q3(rows[1]).state == "draft"


def test_a_row_posted_for_a_commitment_they_never_led_changes_nothing(client_as_officer, rows, periods):
    stranger = CommitmentFactory(ref=9, officer_lead=UserFactory(username="other", role=Role.OFFICER))

    html = client_as_officer.post(URL, {"r9-version": 0, "r9-rag": "red", "r9-narrative": "x", "save": ""}).content

    assert b"Commitment 9: you no longer lead it as officer lead" in html
    assert q3(stranger) is None


def test_a_quarter_closed_while_the_page_was_open_saves_nothing_and_keeps_the_text(client_as_officer, rows, periods):
    data = posted(rows, **{"r1-rag": "green", "r1-narrative": "Mine.", "save": ""})
    periods[3].status = "closed"
    periods[3].save()

    html = client_as_officer.post(URL, data).content.decode()

    assert "Commitment 1: 2025/26 Q3 is closed for updates" in html
    assert "Mine." in html
    assert not StatusUpdate.objects.filter(period=periods[3]).exists()


def test_a_closed_quarters_grid_says_it_is_closed(client_as_officer, rows):
    response = client_as_officer.get(reverse("commitments:update_grid", args=["2025-26", "q2"]))

    assert b"2025/26 Q2 is closed for updates" in response.content
    assert b'name="r1-narrative"' not in response.content


def test_hostile_row_values_are_reported_not_crashed_on(client_as_officer, rows):
    data = posted(rows, **{"r1-rag": "purple", "r2-version": "-3", "r3-narrative": "x" * 10_001, "save": ""})

    response = client_as_officer.post(URL, data)

    html = response.content.decode()
    assert response.status_code == 200
    assert "Commitment 1: select Red, Amber or Green" in html
    assert "Commitment 2: the page was out of date" in html
    assert "Commitment 3: the update must be 10,000 characters or fewer" in html
    assert not StatusUpdate.objects.filter(period__quarter=3).exists()


def test_a_committee_member_cannot_open_the_grid(client_as_committee, periods):
    assert client_as_committee.get(URL).status_code == 403


def test_other_peoples_rows_are_not_in_my_grid(client_as_officer, rows):
    CommitmentFactory(ref=50, text="Somebody else's deliverable", officer_lead=UserFactory(username="o2"))

    assert b"Somebody else" not in client_as_officer.get(URL).content


def _leads(officer, smt_lead, periods, count):
    """Half the rows with a draft this quarter, one in five returned by the SMT lead (the
    page names who returned it)."""
    for ref in range(100, 100 + count):
        commitment = CommitmentFactory(ref=ref, officer_lead=officer, smt_lead=smt_lead)
        StatusUpdateFactory(commitment=commitment, period=periods[2])
        if ref % 5 == 0:
            StatusUpdateFactory(
                commitment=commitment, period=periods[3], state="returned", reviewer=smt_lead, review_comment="Why?"
            )
        elif ref % 2:
            StatusUpdateFactory(commitment=commitment, period=periods[3], state="draft")


@pytest.mark.parametrize("count", [5, 40])
def test_grid_query_count_does_not_grow_with_rows(
    client_as_officer, officer, smt_lead, periods, count, django_assert_num_queries
):
    _leads(officer, smt_lead, periods, count)

    with django_assert_num_queries(11):
        response = client_as_officer.get(URL)
    assert response.content.count(b"-version") >= count // 2
    assert response.content.count(b"Returned by") == count // 5


# Each row's save: the service's savepoint, its one read (the update, locked), the
# savepoint around the write, the write, its history row, the register's cache token,
# and the two releases. No read of the grid's own per row.
PER_ROW = 8


@pytest.mark.parametrize("count", [5, 40])
def test_saving_every_row_reads_a_fixed_number_of_times_plus_each_rows_save(
    client_as_officer, officer, smt_lead, periods, count, django_assert_num_queries
):
    _leads(officer, smt_lead, periods, count)
    page = client_as_officer.get(URL)
    assert page.status_code == 200
    data = {"save": ""}
    for ref in range(100, 100 + count):
        update = StatusUpdate.objects.filter(commitment__ref=ref, period=periods[3]).first()
        data |= {f"r{ref}-version": update.version if update else 0, f"r{ref}-rag": "green"}
        data[f"r{ref}-narrative"] = "New."

    with django_assert_num_queries(11 + PER_ROW * count):
        response = client_as_officer.post(URL, data)
    assert response.status_code == 302
    assert StatusUpdate.objects.filter(period=periods[3], narrative="New.").count() == count


def test_a_lead_with_all_356_commitments_saves_them_in_one_request(client_as_officer, officer, rows, periods):
    from commitments.models import Commitment

    plan = rows[0].plan
    Commitment.objects.bulk_create(
        Commitment(plan=plan, ref=ref, text=f"Deliverable {ref}", officer_lead=officer) for ref in range(4, 357)
    )
    data = {"submit": ""}
    for ref in range(1, 357):
        # Every field the browser posts for a row, with a narrative of a realistic length.
        data |= {f"r{ref}-version": 0, f"r{ref}-rag": "green", f"r{ref}-narrative": "Progress this quarter. " * 40}
        data |= {f"r{ref}-carry": "", f"r{ref}-select": "on"}

    response = client_as_officer.post(URL, data)

    assert response.status_code == 302
    assert StatusUpdate.objects.filter(period=periods[3], state="submitted").count() == 356
