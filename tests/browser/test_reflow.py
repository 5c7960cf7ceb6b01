"""Every page reflows (WCAG 2.2 1.4.10): nothing scrolls sideways at 320 CSS pixels wide,
which is also a 1280 px window at 400% zoom, nor at 640 (200% zoom). A wide table scrolls
inside its own labelled region instead (riskreg's {% scroll_region %}).

The pages are the permission matrix's (tests/security/test_permission_matrix.py), so a
new page is checked as soon as its row is declared; each role opens, in one browser
session, every page the matrix lets it see, on the demo data.
"""

import io

import pytest
from django.core.management import call_command

from commitments.models import Commitment, ReportingPeriod, StatusUpdate
from performance.services import release_publish
from risks.models import Action
from tests.browser.helpers import sign_in
from tests.factories import PASSWORD, StatusUpdateFactory
from tests.security.test_permission_matrix import KWARGS, OK, ROLES, TABLE, VARIANTS

# Rows of the matrix that are not pages a person reads: files, a stylesheet, the health
# check, and an old address that only redirects to a page checked under its own name.
NOT_PAGES = {
    "healthz",
    "risks:band_css",
    "risks:assess_moved",
    "commitments:register_download",
    "committee:paper_download",
    "committee:paper_download (unpublished)",
    "panel:report_download",
    "panel:report_download (unpublished)",
    "public:download",
    # The API's answers are JSON, not pages; its docs page is a page.
    *(row for row, _ in TABLE if row.startswith("api:") and "docs" not in row),
}

# The demo accounts, by their role's column in the matrix.
DEMO_USERNAMES = {
    "anonymous": None,
    "officer": "officer",
    "SMT lead": "smt",
    "committee member": "committee",
    "admin": "admin",
}

# The demo data's stand-ins for the matrix's objects: CR01 is owned by `smt`, as the
# matrix's CR10 is by its SMT lead; commitment 36 is led by `officer` and `smt` and is given
# a submitted 2025/26 Q3 update (reviewable), as the matrix's 97 has.
DEMO_KWARGS = {
    **KWARGS,
    "commitments:update_review": {"ref": 36, "fy": "2025-26", "q": "q3"},
    "commitments:update_marking": {"ref": 36, "fy": "2025-26", "q": "q3"},
    "commitments:commitment_marking": {"ref": 36},
    **{name: {**kwargs, "ref": "CR01"} for name, kwargs in KWARGS.items() if kwargs.get("ref") == "CR10"},
}

WIDTHS = (320, 640)

# What sticks out of the window, outside the scrolling regions: what to fix, in the failure.
TOO_WIDE = """() => {
    const right = e => Math.round(e.getBoundingClientRect().right);
    const beyond = e => right(e) > window.innerWidth;
    return [...document.querySelectorAll("body *")]
        .filter(e => beyond(e) && !e.closest('.riskreg-scroll') && !(e.parentElement && beyond(e.parentElement)))
        .slice(0, 3)
        .map(e => `<${e.tagName.toLowerCase()} class="${e.className}"> to ${right(e)}px`);
}"""


@pytest.fixture
def demo_signed_in(demo):
    from riskreg.models import User

    for user in User.objects.filter(username__in=DEMO_USERNAMES.values()):
        user.set_password(PASSWORD)
        user.save()
    StatusUpdateFactory(
        commitment=Commitment.objects.get(ref=36),
        period=ReportingPeriod.objects.get(financial_year=2025, quarter=3),
        state=StatusUpdate.State.SUBMITTED,
    )
    # The public pages show only a quarter published for the public, as the matrix's world has.
    release_publish(period=ReportingPeriod.objects.get(financial_year=2025, quarter=2), by=None)
    # The Panel's report published, as the matrix's world has it.
    call_command("publish_panel_report", "2025-26", "q2", stdout=io.StringIO())
    return Action.objects.filter(risk__ref="CR01").first()


def _officer_pk() -> int:
    from riskreg.models import User

    return User.objects.get(username="officer").pk


def pages_for(role, action) -> list[str]:
    from django.urls import reverse

    urls = []
    for (row, method), outcomes in TABLE.items():
        if method != "GET" or row in NOT_PAGES or outcomes[ROLES.index(role)] != OK:
            continue
        name, kwargs = VARIANTS.get(row, (row, DEMO_KWARGS.get(row, {})))
        stand_ins = {"action": action.pk, "person": _officer_pk()}
        kwargs = {key: stand_ins.get(value, value) for key, value in kwargs.items()}
        urls.append(reverse(name, kwargs=kwargs))
    return urls


def test_every_row_left_out_is_still_a_row_of_the_matrix():
    assert not NOT_PAGES - {row for row, _ in TABLE}


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_no_page_scrolls_sideways_at_320_or_640_pixels_for_any_role(browser, live_server, demo_signed_in):
    # One test, so the demo data is loaded once; a browser session per role.
    wide = []
    for role, username in DEMO_USERNAMES.items():
        context = browser.new_context(locale="en-GB", viewport={"width": WIDTHS[0], "height": 800})
        page = context.new_page()
        page.set_default_timeout(10_000)
        if username:
            sign_in(page, live_server, username)
        urls = pages_for(role, demo_signed_in)
        assert urls, role
        for url in urls:
            page.set_viewport_size({"width": WIDTHS[0], "height": 800})
            response = page.goto(f"{live_server.url}{url}")
            assert response.ok, f"As {role}, {url}: {response.status}"
            for width in WIDTHS:
                page.set_viewport_size({"width": width, "height": 800})
                if page.evaluate("document.documentElement.scrollWidth > window.innerWidth"):
                    wide.append(f"As {role}, {url} at {width}px: {page.evaluate(TOO_WIDE)}")
        context.close()
    assert not wide, "Pages that scroll sideways:\n" + "\n".join(wide)
