"""manage.py load_demo: the demo accounts, one per role, only when debugging."""

from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from committee.demo import DEMO_ACCOUNTS, DEMO_PASSWORD
from riskreg.models import User

pytestmark = pytest.mark.django_db


def test_load_demo_makes_one_account_per_role_and_can_run_twice(settings):
    settings.DEBUG = True

    call_command("load_demo", stdout=StringIO())
    call_command("load_demo", stdout=StringIO())

    for username, (_, _, role) in DEMO_ACCOUNTS.items():
        user = User.objects.get(username=username)
        assert user.check_password(DEMO_PASSWORD)
        assert user.role_names() == (role,)
        assert "(illustrative)" in str(user)


def test_load_demo_refuses_to_run_when_debug_is_off(settings):
    settings.DEBUG = False

    with pytest.raises(CommandError, match="only with DJANGO_DEBUG=true"):
        call_command("load_demo")

    assert not User.objects.filter(username="officer").exists()
