from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from riskreg.roles import Role

# The password of every demo account. Documented in the README; the accounts exist
# only where load_demo ran, which it refuses to do unless debugging.
DEMO_PASSWORD = "riskreg-demo-2026"

# username: (first name, last name, role)
DEMO_ACCOUNTS = {
    "officer": ("Olive", "Officer (illustrative)", Role.OFFICER),
    "smt": ("Sam", "Lead (illustrative)", Role.SMT_LEAD),
    "committee": ("Chris", "Member (illustrative)", Role.COMMITTEE_MEMBER),
    "admin": ("Ada", "Admin (illustrative)", Role.REGISTER_ADMIN),
}

# Loaded in this order; each is also loadable on its own with loaddata.
DEMO_FIXTURES = ["demo_users", "commitments", "risk_matrix", "risks", "papers"]


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
            # The paper as presented to the Joint Audit Committee on 11 December 2025.
            call_command("publish_paper", "2025-26-q2", "--if-unpublished", stdout=self.stdout)
        self.stdout.write(self.style.SUCCESS("Demo data loaded."))
        self.stdout.write("Sign in at http://127.0.0.1:8000/sign-in/ with one of these demo accounts:")
        for username, (_, _, role) in DEMO_ACCOUNTS.items():
            self.stdout.write(f"  {username:<10} {role:<17} password: {DEMO_PASSWORD}")
