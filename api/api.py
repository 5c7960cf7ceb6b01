"""The read-only JSON API at /api/v1/: the open data (exactly what an admin published for
the public, read from the same snapshots as the performance pages) and the staff API (a
person's token, the same per-object permissions as the pages).

Every answer an endpoint can give is declared, so the OpenAPI schema describes them all
(tests/api: schemathesis checks each answer against it).
"""

from django.http import HttpRequest
from ninja import NinjaAPI, Query, Router, Status
from ninja.security import HttpBearer
from ninja.throttling import BaseThrottle

from api import schemas
from api.services import user_for_token
from commitments import permissions as commitment_permissions
from commitments.models import Commitment, Plan, StatusUpdate
from kpis.models import Kpi
from performance.models import PublicRelease
from riskreg.throttling import over_rate_limit
from risks import permissions as risk_permissions
from risks.models import Risk


class PerAddress(BaseThrottle):
    """The open data's per-address limit (riskreg.throttling), for every endpoint."""

    def allow_request(self, request: HttpRequest) -> bool:
        return not over_rate_limit(request, "open-data")

    def wait(self) -> float:
        return 60


class StaffToken(HttpBearer):
    """Authorization: Bearer <token>, a token made on the API tokens page."""

    def authenticate(self, request, token):
        return user_for_token(token)


api = NinjaAPI(
    title="Police and Crime Plan open data",
    version="1",
    description="The quarters published for the public, and the staff registers (with a token).",
    urls_namespace="api",
    docs_url=None,  # served as a page in the site's look: api.views.docs
    throttle=[PerAddress()],
)

COMMON = {422: schemas.ValidationErrors, 429: schemas.Message}
NOT_FOUND = {404: schemas.Message, **COMMON}
STAFF = {401: schemas.Message, 403: schemas.Message, **COMMON}


def _release(period: str):
    """The published snapshot of the quarter '2025-26-q2', or None."""
    from commitments.periods import parse_period

    key = parse_period(period)
    if key is None:
        return None
    releases = PublicRelease.objects.select_related("period").defer("body", "shown")
    return releases.filter(period__financial_year=key[0], period__quarter=key[1]).first()


def _no_release(period: str) -> Status:
    return Status(404, {"detail": f"No quarter {period} has been published for the public."})


@api.get("/quarters", response={200: list[schemas.Quarter], **COMMON}, url_name="quarters", tags=["open data"])
def quarters(request):
    """The quarters published for the public, newest first."""
    return [
        {"period": r.period.label, "slug": r.period.slug, "version": r.version, "published_at": r.published_at}
        for r in PublicRelease.objects.listed()
    ]


@api.get(
    "/quarters/{period}", response={200: schemas.QuarterDetail, **NOT_FOUND}, url_name="quarter", tags=["open data"]
)
def quarter(request, period: str):
    """A published quarter: its counts (with how many items are withheld), its policy areas
    and the quarter-by-quarter summary. `period` is written like 2025-26-q2."""
    release = _release(period)
    if release is None:
        return _no_release(period)
    content = release.content
    return {
        "period": content["period"]["label"],
        "slug": content["period"]["slug"],
        "version": release.version,
        "published_at": release.published_at,
        "plan": content["plan"],
        "commitments_total": content["commitments_total"],
        "commitments_withheld": content["commitments_withheld"],
        "updates_withheld": content["updates_withheld"],
        "kpi_values_withheld": content["kpi_values_withheld"],
        "policy_areas": [
            {"name": a["name"], "commitment_refs": a["refs"], "withheld": a["withheld"]} for a in content["areas"]
        ],
        "summary": content["summary"],
    }


@api.get(
    "/quarters/{period}/commitments",
    response={200: list[schemas.Commitment], **NOT_FOUND},
    url_name="quarter_commitments",
    tags=["open data"],
)
def quarter_commitments(request, period: str):
    """The quarter's commitments with their published status and update (sensitive ones left out)."""
    release = _release(period)
    return release.content["commitments"] if release else _no_release(period)


@api.get(
    "/quarters/{period}/kpis",
    response={200: list[schemas.Kpi], **NOT_FOUND},
    url_name="quarter_kpis",
    tags=["open data"],
)
def quarter_kpis(request, period: str):
    """The KPIs with their published values up to the quarter (sensitive values left out, and counted)."""
    release = _release(period)
    return release.content["kpis"] if release else _no_release(period)


# The staff API: the registers, for a person's token, with their pages' permissions.
staff = Router(auth=StaffToken(), tags=["staff"])
MAX_LIMIT = 500


@staff.get("/commitments", response={200: schemas.StaffCommitmentPage, **STAFF}, url_name="staff_commitments")
def staff_commitments(request, limit: Query[int] = 100, offset: Query[int] = 0):
    """The plan's commitments by ref, `limit` (1 to 500) at a time, each with the updates
    its person may read: approved ones, and drafts for its leads and admins."""
    limit, offset = max(1, min(limit, MAX_LIMIT)), max(0, offset)
    plan = Plan.objects.current()
    listed = Commitment.objects.in_plan(plan).order_by("ref") if plan else Commitment.objects.none()
    page = list(
        listed.select_related("smt_lead", "officer_lead")
        .with_policy_areas()
        .prefetch_related("status_updates__period")[offset : offset + limit]
    )
    return {
        "count": listed.count(),
        "limit": limit,
        "offset": offset,
        "items": [_staff_commitment(request.auth, c) for c in page],
    }


def _staff_commitment(user, commitment: Commitment) -> dict:
    sees_drafts = commitment_permissions.can_see_unapproved(user, commitment)
    updates = sorted(commitment.status_updates.all(), key=lambda u: u.period.key)
    return {
        "ref": commitment.ref,
        "text": commitment.text,
        "policy_areas": [area.policy_area.name for area in commitment.areas_in_order],
        "smt_lead": commitment.smt_lead.username if commitment.smt_lead else None,
        "officer_lead": commitment.officer_lead.username if commitment.officer_lead else None,
        "wmp_lead": commitment.wmp_lead,
        "timescale": commitment.timescale,
        "active": commitment.active,
        "protective_marking": commitment.protective_marking,
        "updates": [
            {
                "period": u.period.label,
                "rag": u.rag,
                "state": u.state,
                "narrative": u.narrative,
                "protective_marking": u.protective_marking,
            }
            for u in updates
            if sees_drafts or u.state == StatusUpdate.State.APPROVED
        ],
    }


@staff.get("/risks", response={200: list[schemas.StaffRisk], **STAFF}, url_name="staff_risks")
def staff_risks(request):
    """The corporate risk register, for those who read it."""
    if not risk_permissions.can_read(request.auth):
        return Status(403, {"detail": "Your role does not read the risk register."})
    return [
        {
            "ref": r.ref,
            "title": r.title,
            "description": r.description,
            "kind": r.kind,
            "status": r.status,
            "owner": r.owner.username,
            "protective_marking": r.protective_marking,
        }
        for r in Risk.objects.select_related("owner").order_by("ref")
    ]


@staff.get("/kpis", response={200: list[schemas.StaffKpi], **STAFF}, url_name="staff_kpis")
def staff_kpis(request):
    """Every KPI with all its values and their markings."""
    from kpis import permissions as kpi_permissions

    if not kpi_permissions.can_read(request.auth):
        return Status(403, {"detail": "Your role does not read the KPIs."})
    return [
        {
            "ref": k.ref,
            "name": k.name,
            "policy_area": k.policy_area.name,
            "unit": k.unit,
            "better": k.better,
            "target": k.target,
            "illustrative": k.illustrative,
            "values": [
                {"period": v.period.label, "value": v.value, "note": v.note, "protective_marking": v.protective_marking}
                for v in k.values_in_order
            ],
        }
        for k in Kpi.objects.with_values()
    ]


api.add_router("/staff", staff)
