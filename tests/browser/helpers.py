from axe_playwright_python.sync_playwright import Axe

from tests.factories import PASSWORD

_axe = Axe()


def sign_in(page, live_server, username, password=PASSWORD):
    page.goto(f"{live_server.url}/sign-in/")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(password)
    with page.expect_navigation():
        page.get_by_role("button", name="Sign in").click()


def axe_violations(page):
    """The axe-core violations on the page, as readable lines."""
    results = _axe.run(page)
    return [
        f"{v['id']}: {v['help']} ({len(v['nodes'])} nodes: {v['nodes'][0]['target']})"
        for v in results.response["violations"]
    ]
