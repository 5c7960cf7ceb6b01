"""manage.py load_demo: the committee paper's data and the demo accounts (make run).

In the committee app, the one that sees all the others: it ends by publishing the paper.
"""

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from commitments.models import Commitment
from committee.demo import DEMO_ACCOUNTS, DEMO_FIXTURES, DEMO_PARTNER_COMMITMENTS, DEMO_PASSWORD
from riskreg.roles import Role


class Command(BaseCommand):
    help = "Load the committee paper's data and the demo accounts (development only)."

    def handle(self, *args, **options):
        if not settings.DEBUG:
            raise CommandError(
                "load_demo makes accounts with a published password: it runs only with DJANGO_DEBUG=true."
            )
        with transaction.atomic():
            call_command("loaddata", *DEMO_FIXTURES, verbosity=0)
            User = get_user_model()
            for username, (first_name, last_name, role) in DEMO_ACCOUNTS.items():
                user, _ = User.objects.update_or_create(
                    username=username,
                    defaults={
                        "first_name": first_name,
                        "last_name": last_name,
                        "email": f"{username}@example.org",
                        "is_active": True,
                        # Register admins manage users in the Django admin.
                        "is_staff": role == Role.REGISTER_ADMIN,
                    },
                )
                user.set_password(DEMO_PASSWORD)
                user.save()
                user.groups.set([Group.objects.get(name=role)])
                if username in DEMO_PARTNER_COMMITMENTS:
                    Commitment.objects.filter(ref__in=DEMO_PARTNER_COMMITMENTS[username]).update(wmp_lead_user=user)
            # The paper as presented to the Joint Audit Committee on 11 December 2025.
            call_command("publish_paper", "2025-26-q2", "--if-unpublished", stdout=self.stdout)
        self.stdout.write(self.style.SUCCESS("Demo data loaded."))
        self.stdout.write("Sign in at http://127.0.0.1:8000/sign-in/ with one of these demo accounts:")
        for username, (_, _, role) in DEMO_ACCOUNTS.items():
            self.stdout.write(f"  {username:<10} {role:<17} password: {DEMO_PASSWORD}")
