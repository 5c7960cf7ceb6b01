"""Register admins manage people at /people/: list, invite, roles, deactivate."""

import pytest
from django.urls import reverse
from django_otp.plugins.otp_totp.models import TOTPDevice

from riskreg.models import User
from riskreg.roles import Role
from tests.factories import PASSWORD, CommitmentFactory, UserFactory

pytestmark = pytest.mark.django_db


def test_the_list_shows_roles_last_sign_in_and_how_each_person_signs_in(client_as_admin, officer):
    UserFactory(username="sso-person", sso_subject="entra-123", password="!unusable", first_name="Sam", last_name="Sso")
    UserFactory(username="invited", password="!unusable", first_name="Ivy", last_name="Invited")
    client_as_admin.post(reverse("logout"))
    client_as_admin.post(reverse("login"), {"username": "officer", "password": PASSWORD})
    client_as_admin.force_login(User.objects.get(username="admin"))

    page = client_as_admin.get(reverse("people:list")).content.decode()

    assert "Single sign-on" in page and "Invited, not yet signed in" in page and "Password" in page
    assert "Officer" in page and "Register admin" in page
    assert "Never" in page  # the invited person


@pytest.mark.parametrize("size", [5, 60])
def test_the_list_runs_the_same_queries_whatever_the_number_of_people(client_as_admin, django_assert_num_queries, size):
    for n in range(size):
        UserFactory(username=f"person{n}", role=Role.OFFICER)

    with django_assert_num_queries(9):
        response = client_as_admin.get(reverse("people:list"))

    assert response.status_code == 200


def test_the_list_filters_by_role_and_text(client_as_admin, officer, committee_member):
    page = client_as_admin.get(reverse("people:list"), {"role": Role.COMMITTEE_MEMBER}).content.decode()

    assert "committee@example.org" in page and "officer@example.org" not in page
    nobody = client_as_admin.get(reverse("people:list"), {"text": "zzzz"}).content.decode()
    assert "Nobody matches these filters" in nobody


def test_an_invitation_creates_the_person_and_emails_a_link_to_choose_a_password(client_as_admin, inbox, client):
    response = client_as_admin.post(
        reverse("people:invite"),
        {"first_name": "Pat", "last_name": "Jones", "email": "Pat.Jones@opcc.example.org", "roles": [Role.OFFICER]},
    )

    person = User.objects.get(email="pat.jones@opcc.example.org")
    assert response["Location"] == reverse("people:detail", args=[person.pk])
    assert person.username == "pat.jones@opcc.example.org"
    assert not person.has_usable_password()
    assert person.role_names() == (Role.OFFICER,)
    [message] = inbox.wait_for(1)
    assert message["To"] == "pat.jones@opcc.example.org"
    assert "within 5 days" in inbox.body(message)

    fresh = client.__class__()
    page = fresh.get(inbox.link_in(message))
    assert page.status_code == 302
    chosen = fresh.post(
        page["Location"], {"new_password1": "pat-chose-this-2026", "new_password2": "pat-chose-this-2026"}
    )
    assert chosen["Location"] == reverse("password_reset_complete")
    signed_in = fresh.post(reverse("login"), {"username": person.username, "password": "pat-chose-this-2026"})
    assert signed_in["Location"] == "/"
    # The link worked once.
    assert fresh.get(inbox.link_in(message)).status_code == 404


def test_an_invitation_link_expires_after_the_days_allowed(client_as_admin, inbox, client, monkeypatch):
    import datetime

    from riskreg import passwords

    client_as_admin.post(
        reverse("people:invite"), {"first_name": "Pat", "last_name": "Jones", "email": "pat@example.org"}
    )
    link = inbox.link_in(inbox.wait_for(1)[0])
    monkeypatch.setattr(
        passwords.invitation_token, "_now", lambda: datetime.datetime.now() + datetime.timedelta(days=6)
    )

    response = client.get(link)

    assert response.status_code == 404
    assert b"Ask the register admin who invited you to send a new invitation" in response.content


def test_an_invitation_to_an_address_already_in_the_register_is_refused(client_as_admin, officer):
    response = client_as_admin.post(
        reverse("people:invite"), {"first_name": "A", "last_name": "B", "email": "OFFICER@example.org"}
    )

    assert response.status_code == 200
    assert "Someone in the register already has this email address" in response.content.decode()
    assert User.objects.filter(email__iexact="officer@example.org").count() == 1


def test_an_admin_changes_someones_roles(client_as_admin, officer):
    response = client_as_admin.post(
        reverse("people:detail", args=[officer.pk]), {"roles": [Role.OFFICER, Role.SMT_LEAD]}
    )

    assert response.status_code == 302
    officer = User.objects.get(pk=officer.pk)
    assert set(officer.role_names()) == {Role.OFFICER, Role.SMT_LEAD}
    # Kept in the person's history (the activity page).
    assert officer.history.count() >= 2


def test_the_last_admin_cannot_remove_their_own_admin_role(client_as_admin, register_admin):
    response = client_as_admin.post(reverse("people:detail", args=[register_admin.pk]), {"roles": [Role.OFFICER]})

    assert response.status_code == 200
    assert "is the last active register admin" in response.content.decode()
    assert User.objects.get(pk=register_admin.pk).is_register_admin()


def test_with_another_admin_an_admin_may_step_down(client_as_admin, register_admin):
    UserFactory(username="admin2", role=Role.REGISTER_ADMIN)

    client_as_admin.post(reverse("people:detail", args=[register_admin.pk]), {"roles": [Role.OFFICER]})

    assert User.objects.get(pk=register_admin.pk).role_names() == (Role.OFFICER,)


def test_an_admin_cannot_deactivate_themselves(client_as_admin, register_admin):
    UserFactory(username="admin2", role=Role.REGISTER_ADMIN)

    response = client_as_admin.post(reverse("people:deactivate", args=[register_admin.pk]), follow=True)

    assert "You cannot deactivate your own account" in response.content.decode()
    assert User.objects.get(pk=register_admin.pk).is_active


def test_the_last_other_admin_cannot_be_deactivated_leaving_none(client, register_admin):
    root = UserFactory(username="helper", role=Role.OFFICER)
    other = UserFactory(username="admin2", role=Role.REGISTER_ADMIN)
    register_admin.is_active = False
    register_admin.save()
    client.force_login(other)

    client.post(reverse("people:deactivate", args=[other.pk]))

    assert User.objects.get(pk=other.pk).is_active
    assert root.is_active


def test_deactivating_lists_their_commitments_for_reassignment_and_keeps_their_history(
    client_as_admin, officer, periods
):
    CommitmentFactory(ref=96, officer_lead=officer, text="Increase enforcement against speeding")

    response = client_as_admin.post(reverse("people:deactivate", args=[officer.pk]), follow=True)

    page = response.content.decode()
    assert "was deactivated" in page
    assert "give each of these a new lead" in page
    assert reverse("commitments:commitment_edit", args=[96]) in page
    officer = User.objects.get(pk=officer.pk)
    assert not officer.is_active
    assert officer.history.first().is_active is False
    assert (
        client_as_admin.__class__().post(reverse("login"), {"username": "officer", "password": PASSWORD}).status_code
        == 200
    )


def test_reset_two_factor_removes_their_app(client_as_admin, officer):
    TOTPDevice.objects.create(user=officer, name="Authenticator app", confirmed=True)

    client_as_admin.post(reverse("people:two_factor_reset", args=[officer.pk]))

    assert not TOTPDevice.objects.filter(user=officer).exists()


def test_navigation_offers_people_to_register_admins(client_as_admin):
    assert b">People<" in client_as_admin.get("/").content
