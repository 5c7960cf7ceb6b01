"""Make the provider ready: its tables, a signing key, the register as its client, and
people to sign in as. Run with DJANGO_SETTINGS_MODULE=tests.oidc_provider_site.settings:

    python -m tests.oidc_provider_site.setup REGISTER_URL

REGISTER_URL is where the register runs (its callback is REGISTER_URL/sign-in/sso/callback/).
"""

import sys

import django

CLIENT_ID = "risk-register"
CLIENT_SECRET = "local-provider-client-secret"
PASSWORD = "provider-password-2026"
# Group ids as Entra ID would send them; RISKREG_OIDC_ROLE_MAP maps them to roles.
PEOPLE = [
    ("sso.officer", "sso.officer@opcc.example.org", "Olu", "Adeyemi", ["grp-officers"]),
    ("sso.smt", "sso.smt@opcc.example.org", "Sian", "Morgan", ["grp-smt"]),
    ("sso.newcomer", "sso.newcomer@opcc.example.org", "Nia", "Evans", []),
]
ROLE_MAP = "grp-officers=officer,grp-smt=smt_lead"


def main(register_url: str) -> None:
    django.setup()
    from django.contrib.auth.models import Group, User
    from django.core.management import call_command
    from oidc_provider.models import Client, ResponseType, RSAKey

    call_command("migrate", verbosity=0)
    if not RSAKey.objects.exists():
        call_command("creatersakey", verbosity=0)
    register_url = register_url.rstrip("/")
    client, _ = Client.objects.update_or_create(
        client_id=CLIENT_ID,
        defaults={
            "name": "Risk register",
            "client_type": "confidential",
            "client_secret": CLIENT_SECRET,
            "jwt_alg": "RS256",
            "require_consent": False,
            "_redirect_uris": f"{register_url}/sign-in/sso/callback/",
            "_post_logout_redirect_uris": f"{register_url}/sign-in/",
        },
    )
    client.response_types.set([ResponseType.objects.get(value="code")])
    for username, email, first, last, groups in PEOPLE:
        user, _ = User.objects.update_or_create(
            username=username, defaults={"email": email, "first_name": first, "last_name": last}
        )
        user.set_password(PASSWORD)
        user.save()
        user.groups.set([Group.objects.get_or_create(name=g)[0] for g in groups])


if __name__ == "__main__":
    main(sys.argv[1] if len(sys.argv) > 1 else "http://127.0.0.1:8000")
