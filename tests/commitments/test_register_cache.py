"""The register's table is cached, and never shown older than the data it shows."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from commitments.models import Rag
from tests.factories import StatusUpdateFactory
from tests.html import tables

pytestmark = pytest.mark.django_db

REGISTER = reverse("commitments:register")


def register_row(client, ref=96):
    (table,) = tables(client.get(REGISTER).content)
    return next(row for row in table[1:] if row[0].startswith(f"{ref}:"))


def test_an_approval_shows_on_the_register_at_once(client, commitment, periods, smt_lead, committee_member):
    update = StatusUpdateFactory(
        commitment=commitment, period=periods[3], state="submitted", rag=Rag.RED, narrative="Behind."
    )
    StatusUpdateFactory(commitment=commitment, period=periods[2], state="approved", rag=Rag.GREEN)
    client.force_login(committee_member)
    # Q1 and Q2: nothing is approved in Q3 yet. The second time from the cache.
    assert register_row(client)[-2:] == register_row(client)[-2:] == ["Not assessed", "Green"]

    client.force_login(smt_lead)
    client.post(
        reverse("commitments:update_review", args=[96, "2025-26", "q3"]),
        {"decision": "approve", "comment": "", "version": update.version},
    )
    client.force_login(committee_member)

    assert register_row(client)[-2:] == ["Green", "Red"]


def test_a_renamed_lead_shows_on_the_register_at_once(client_as_committee, commitment, officer):
    assert f"Officer: {officer.get_full_name()}" in register_row(client_as_committee)[3]
    officer.first_name, officer.last_name = "Renamed", "Person"
    officer.save()

    assert "Officer: Renamed Person" in register_row(client_as_committee)[3]


def test_a_sign_in_does_not_empty_the_cache(client, commitment, officer, committee_member):
    client.force_login(committee_member)
    client.get(REGISTER)
    client.force_login(officer)  # saves the officer's last_login

    with CaptureQueriesContext(connection) as cached:
        client.get(REGISTER)
    assert not any("commitments_commitment" in query["sql"] for query in cached.captured_queries)


def test_register_admins_and_other_readers_are_not_served_each_others_page(client, commitment, register_admin, officer):
    client.force_login(register_admin)
    assert b"Import commitments" in client.get(REGISTER).content
    client.force_login(officer)
    assert b"Import commitments" not in client.get(REGISTER).content
    client.force_login(register_admin)
    assert b"Import commitments" in client.get(REGISTER).content


def test_filter_errors_are_reported_every_time(client_as_officer, commitment):
    for _ in range(2):
        response = client_as_officer.get(REGISTER, {"period": "1999-00-q9"})
        assert b"Error: " in response.content
        assert b"govuk-error-summary" in response.content
