"""Start the local identity provider: set it up, then serve it with gunicorn.

    python -m tests.oidc_provider_site.run [PORT] [REGISTER_URL]

Used by `make oidc-dev` and by the single sign-on tests (tests/riskreg/test_sso.py).
"""

import contextlib
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent.parent


def provider_env(port: int, data_dir: str | None = None) -> dict:
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "tests.oidc_provider_site.settings",
        "OIDC_PROVIDER_URL": f"http://127.0.0.1:{port}",
        "PYTHONPATH": str(ROOT),
    }
    if data_dir:
        env["OIDC_PROVIDER_DATA"] = data_dir
    return env


def set_up(port: int, register_url: str, data_dir: str | None = None) -> None:
    subprocess.run(
        [sys.executable, "-m", "tests.oidc_provider_site.setup", register_url],
        env=provider_env(port, data_dir),
        cwd=ROOT,
        check=True,
    )


def serve(port: int, data_dir: str | None = None, **popen) -> subprocess.Popen:
    gunicorn = Path(sys.executable).with_name("gunicorn")
    return subprocess.Popen(
        [str(gunicorn), "tests.oidc_provider_site.wsgi", "--bind", f"127.0.0.1:{port}", "--workers", "1"],
        env=provider_env(port, data_dir),
        cwd=ROOT,
        **popen,
    )


if __name__ == "__main__":
    port = int(sys.argv[1]) if len(sys.argv) > 1 else 8001
    register_url = sys.argv[2] if len(sys.argv) > 2 else "http://127.0.0.1:8000"
    set_up(port, register_url)
    print(f"Local identity provider on http://127.0.0.1:{port}/openid (Ctrl-C stops it). For the register:")
    print(f"  RISKREG_OIDC_ISSUER=http://127.0.0.1:{port}/openid RISKREG_OIDC_CLIENT_ID=risk-register \\")
    print("  RISKREG_OIDC_CLIENT_SECRET=local-provider-client-secret \\")
    print('  RISKREG_OIDC_ROLE_MAP="grp-officers=officer,grp-smt=smt_lead"')
    print("People (password provider-password-2026): sso.officer, sso.smt, sso.newcomer (no role)")
    with contextlib.suppress(KeyboardInterrupt):
        serve(port).wait()
