"""Every sign-in, failure, lockout and single sign-on refusal is recorded, and register
admins read them on the activity page."""

import pytest
from django.test import Client
from django.urls import reverse

from riskreg.models import SignInEvent
from tests.factories import PASSWORD, UserFactory

pytestmark = pytest.mark.django_db

SIGN_INS = {"kind": "sign-ins"}


def sign_in(client, username="officer", password=PASSWORD, address="192.0.2.30"):
    return client.post(reverse("login"), {"username": username, "password": password}, REMOTE_ADDR=address)


def test_a_sign_in_a_failure_and_a_lockout_are_each_recorded_with_who_and_where(client, officer):
    sign_in(client)
    client.post(reverse("logout"), REMOTE_ADDR="192.0.2.30")
    for _ in range(5):
        sign_in(client, password="wrong-password")

    kinds = list(SignInEvent.objects.order_by("id").values_list("kind", "username", "ip_address"))

    assert kinds[0] == ("signed_in", "officer", "192.0.2.30")
    assert kinds[1] == ("signed_out", "officer", "192.0.2.30")
    assert kinds.count(("failed", "officer", "192.0.2.30")) == 5
    assert ("locked_out", "officer", "192.0.2.30") in kinds


def test_a_failure_for_a_username_nobody_has_is_recorded_as_typed(client):
    sign_in(client, username="no-such-person", password="whatever-it-is")

    event = SignInEvent.objects.get()
    assert (event.kind, event.username, event.user) == ("failed", "no-such-person", None)


def test_admins_read_the_sign_in_record_on_the_activity_page(client_as_admin, officer):
    sign_in(Client(), password="wrong-password")
    SignInEvent.objects.create(
        kind="sso_refused", method="sso", detail="The ID token was issued for another application"
    )

    page = client_as_admin.get(reverse("activity"), SIGN_INS).content.decode()

    assert "Sign-in failed" in page and "officer from 192.0.2.30" in page and "Wrong username or password" in page
    assert "Single sign-on refused" in page and "issued for another application" in page


@pytest.mark.parametrize("size", [3, 60])
def test_the_sign_in_record_runs_the_same_queries_whatever_its_length(client_as_admin, django_assert_num_queries, size):
    person = UserFactory(username="someone")
    SignInEvent.objects.bulk_create(SignInEvent(kind="signed_in", username="someone", user=person) for _ in range(size))

    with django_assert_num_queries(9):
        response = client_as_admin.get(reverse("activity"), SIGN_INS)

    assert response.status_code == 200


def test_only_admins_read_it(client_as_officer):
    assert client_as_officer.get(reverse("activity"), SIGN_INS).status_code == 403
