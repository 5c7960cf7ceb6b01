"""The load test's users: officers, SMT leads and committee members walking their
journeys, single-page users for the capacity ratios (register vs minimal view), and
anonymous readers of the public performance page and of the open data API.

Run by benchmarks.loadtest against a gunicorn serving a synthetic database (make_synthetic,
users "synthetic-<role>-NNNN", password BENCH_PASSWORD). Every signed-in user signs in first,
with its own account; the public readers do not sign in. None has think time: each sends
its next request as soon as the last one answers, so 20 users keep both workers busy (a
saturation test, not a model of 20 people at their desks).
"""

import itertools
import os
import random
import re

from locust import FastHttpUser, constant, task

PASSWORD = os.environ.get("BENCH_PASSWORD", "synthetic-password-2026")
# The quarter of the published paper, and the open quarter (make_synthetic's).
PAPER = "/committee/2025-26/q3/"
# The quarter make_synthetic publishes for the public: the latest closed one, the paper's.
PUBLIC = "2025-26-q3"
PUBLIC_PAGE = "/performance/2025-26/q3/"
CSRF = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
VERSION = re.compile(r'name="version" value="(\d+)"')
NARRATIVE = re.compile(r"<textarea[^>]*>\s*([^<]*)</textarea>", re.S)

# Each locust user signs in as a different synthetic account of its role; make_synthetic
# makes only two admins, so admin users take turns with those.
_numbers = {role: itertools.count(1) for role in ("officer", "smt", "committee", "admin")}
_ACCOUNTS = {"admin": 2}


class SignedIn(FastHttpUser):
    abstract = True
    wait_time = constant(0)
    role = "committee"

    def on_start(self):
        number = next(_numbers[self.role])
        if self.role in _ACCOUNTS:
            number = (number - 1) % _ACCOUNTS[self.role] + 1
        self.username = f"synthetic-{self.role}-{number:04d}"
        page = self.client.get("/sign-in/", name="sign in (form)")
        token = CSRF.search(page.text).group(1)
        with self.client.post(
            "/sign-in/",
            data={"username": self.username, "password": PASSWORD, "csrfmiddlewaretoken": token},
            name="sign in",
            catch_response=True,
        ) as response:
            # A successful sign-in redirects to the home page, which offers to sign out.
            if "Sign out" not in response.text:
                response.failure(f"{self.username} could not sign in")

    def links(self, html: str, pattern: str) -> list[str]:
        return sorted(set(re.findall(pattern, html)))


class Officer(SignedIn):
    """Looks at their commitments, reads one, writes and saves a draft update."""

    weight = 2
    role = "officer"

    def on_start(self):
        super().on_start()
        mine = self.client.get("/commitments/mine/", name="my commitments").text
        self.commitments = self.links(mine, r'href="(/commitments/\d+/)"') or ["/commitments/1/"]
        self.edits = self.links(mine, r'href="(/commitments/\d+/\d{4}-\d{2}/q\d/edit/)"')

    @task(3)
    def my_commitments(self):
        self.client.get("/commitments/mine/", name="my commitments")

    @task(2)
    def commitment(self):
        self.client.get(random.choice(self.commitments), name="commitment")

    @task(1)
    def register(self):
        self.client.get("/commitments/", name="register")

    @task(2)
    def save_draft(self):
        if not self.edits:
            return
        url = random.choice(self.edits)
        form = self.client.get(url, name="update form").text
        token, version = CSRF.search(form), VERSION.search(form)
        if not (token and version):
            return
        narrative = NARRATIVE.search(form)
        self.client.post(
            url,
            data={
                "csrfmiddlewaretoken": token.group(1),
                "rag": "amber",
                "narrative": (narrative.group(1).strip() if narrative else "") or "Synthetic: load test draft.",
                "version": version.group(1),
                "save": "Save draft",
            },
            name="update form (save draft)",
        )


class SmtLead(SignedIn):
    """Reviews their commitments and reads the risks."""

    weight = 1
    role = "smt"

    @task(3)
    def my_commitments(self):
        self.client.get("/commitments/mine/", name="my commitments")

    @task(2)
    def register(self):
        self.client.get("/commitments/", name="register")

    @task(2)
    def risks(self):
        self.client.get("/risks/", name="risk register")

    @task(1)
    def heatmap(self):
        self.client.get("/risks/heatmap/", name="heat map")

    @task(1)
    def risk(self):
        self.client.get("/risks/SYN0001/", name="risk")


class CommitteeMember(SignedIn):
    """Reads the register, the risks and the quarter's published paper."""

    weight = 1
    role = "committee"

    @task(3)
    def register(self):
        self.client.get("/commitments/", name="register")

    @task(1)
    def register_red(self):
        self.client.get("/commitments/?period=2025-26-q3&rag=red", name="register, filtered")

    @task(2)
    def paper(self):
        self.client.get(PAPER, name="paper")

    @task(1)
    def risks(self):
        self.client.get("/risks/", name="risk register")

    @task(1)
    def red_list(self):
        self.client.get(f"{PAPER}red-list.csv", name="paper red list CSV")

    @task(1)
    def paper_pdf(self):
        self.client.get(f"{PAPER}report.pdf", name="paper PDF")


class RegisterOnly(SignedIn):
    """Only the register, for its capacity."""

    role = "committee"

    @task
    def register(self):
        self.client.get("/commitments/", name="register")


class AdminChangelistOnly(SignedIn):
    """Only the Django admin's changelist of the same 100 rows: Django's own yardstick."""

    role = "admin"

    @task
    def changelist(self):
        self.client.get("/admin/commitments/commitment/", name="admin changelist")


class MinimalOnly(SignedIn):
    """Only the minimal view: the framework's floor, through the same middleware and session."""

    role = "committee"

    @task
    def ok(self):
        self.client.get("/bench-ok/", name="minimal view")


class Anonymous(FastHttpUser):
    """Not signed in: each request goes through the same middleware with no session."""

    abstract = True
    wait_time = constant(0)


class PublicPageOnly(Anonymous):
    """Only the public performance page of the published quarter (served from its snapshot)."""

    @task
    def page(self):
        self.client.get(PUBLIC_PAGE, name="public performance page")


class OpenDataApi(Anonymous):
    """The open data API's endpoints, the quarter's commitments most often (the largest answer)."""

    @task(3)
    def commitments(self):
        self.client.get(f"/api/v1/quarters/{PUBLIC}/commitments", name="API: commitments")

    @task(1)
    def kpis(self):
        self.client.get(f"/api/v1/quarters/{PUBLIC}/kpis", name="API: KPIs")

    @task(1)
    def quarter(self):
        self.client.get(f"/api/v1/quarters/{PUBLIC}", name="API: quarter")

    @task(1)
    def quarters(self):
        self.client.get("/api/v1/quarters", name="API: quarters")
