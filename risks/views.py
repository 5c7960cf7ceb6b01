import re
from collections import defaultdict

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Exists, OuterRef, Prefetch, Subquery
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from commitments.models import Commitment, ReportingPeriod, StatusUpdate
from riskreg.exports import csv_response, xlsx_response
from riskreg.forms import posted
from riskreg.imports import forget_preview, previewed_file, remember_preview
from risks import importing, permissions, services
from risks.charts import trend_chart
from risks.forms import ActionForm, AssessmentForm, ImportForm, RegisterFilterForm, RiskForm, StatusChangeForm
from risks.history import risk_history
from risks.models import (
    ARROWS,
    ILLUSTRATIVE_NOTE,
    Action,
    Assessment,
    Band,
    Risk,
    ScoringMatrix,
    StatusChange,
    direction_of_travel,
)

IMPORT_SESSION_KEY = "risks_import"


def _require_reader(request) -> None:
    if not permissions.can_read(request.user):
        raise PermissionDenied


def _matrix() -> ScoringMatrix | None:
    return ScoringMatrix.objects.active()


def _periods() -> list[ReportingPeriod]:
    """Every quarter, oldest first, each with `assessed`: whether any risk has an assessment in it."""
    return list(
        ReportingPeriod.objects.annotate(assessed=Exists(Assessment.objects.filter(period=OuterRef("pk")))).order_by(
            "financial_year", "quarter"
        )
    )


def _default_period(periods: list[ReportingPeriod]) -> ReportingPeriod | None:
    """The latest quarter with assessments, else the latest started."""
    assessed = [p for p in periods if p.assessed]
    started = [p for p in periods if p.status != ReportingPeriod.Status.UPCOMING]
    return (assessed or started or [None])[-1]


def _previous(periods: list[ReportingPeriod], period: ReportingPeriod | None) -> ReportingPeriod | None:
    return next((p for p in periods if period and p.key == period.previous_key), None)


def _risk_or_404(ref: str, queryset=None) -> Risk:
    return get_object_or_404(queryset if queryset is not None else Risk.objects.select_related("owner"), ref=ref)


# ---------------------------------------------------------------------------
# Register


class RegisterRow:
    def __init__(self, risk: Risk, matrix: ScoringMatrix | None):
        self.risk = risk
        self.current_score = risk.current_score
        self.previous_score = risk.previous_score
        self.band = matrix.band_for(risk.current_score) if matrix else None
        self.previous_band = matrix.band_for(risk.previous_score) if matrix else None
        self.direction = direction_of_travel(risk.previous_score, risk.current_score)
        self.arrow = ARROWS.get(self.direction, "")


def _register(request):
    """(form, risks, period, previous, matrix) for the page and its downloads."""
    matrix = _matrix()
    periods = [p for p in _periods() if p.assessed or p.status != ReportingPeriod.Status.UPCOMING]
    default = _default_period(periods)
    form = RegisterFilterForm(
        request.GET or None, periods=periods, matrix=matrix, initial={"period": default.slug if default else ""}
    )
    period = default
    risks = Risk.objects.select_related("owner").order_by("ref")
    if form.is_bound:
        if not form.is_valid():
            return form, Risk.objects.none(), period, _previous(periods, period), matrix
        period = next((p for p in periods if p.slug == form.cleaned_data.get("period")), None) or default
    previous = _previous(periods, period)
    risks = risks.with_scores(period, previous)
    if form.is_bound:
        risks = form.filter(risks, period)
    return form, risks, period, previous, matrix


REGISTER_PAGE_SIZE = 100

EXPORT_HEADER = [
    "Ref",
    "Title",
    "Kind",
    "Owner",
    "Status",
    "Period",
    "Current score",
    "Band",
    "Previous period",
    "Previous score",
    "Direction of travel",
    "Note",
]


def _export_rows(rows: list[RegisterRow], period, previous):
    for row in rows:
        risk = row.risk
        yield [
            risk.ref,
            risk.title,
            risk.get_kind_display(),
            str(risk.owner),
            risk.get_status_display(),
            period.label if period else "",
            row.current_score,
            row.band.label if row.band else "",
            previous.label if previous else "",
            row.previous_score,
            row.direction.label if row.direction else "not assessed",
            ILLUSTRATIVE_NOTE if risk.scores_illustrative else "",
        ]


@require_GET
def register(request):
    _require_reader(request)
    form, risks, period, previous, matrix = _register(request)
    download = request.GET.get("download")
    if download:
        if download not in ("csv", "xlsx"):
            raise Http404("Downloads are csv or xlsx.")
        if form.is_bound and form.errors:
            messages.error(request, "The filters are not valid: correct them, then download again.")
            return redirect(f"{reverse('risks:register')}?{_without(request.GET, 'download')}")
        filename = f"risk-register-{period.slug if period else 'unscored'}.{download}"
        data = _export_rows([RegisterRow(risk, matrix) for risk in risks], period, previous)
        if download == "csv":
            return csv_response(filename, EXPORT_HEADER, data)
        return xlsx_response(filename, [("Risk register", EXPORT_HEADER, data)])
    query = _without(request.GET, "download")
    # A page at a time, counted in SQL: the whole register at a hundred times the
    # data was 4,000 rows and 3.6 MB (benchmarks/); the downloads still carry every row.
    page = Paginator(risks, REGISTER_PAGE_SIZE).get_page(request.GET.get("page"))
    rows = [RegisterRow(risk, matrix) for risk in page.object_list]
    return render(
        request,
        "risks/register.html",
        {
            "form": form,
            "page": page,
            "rows": rows,
            "period": period,
            "previous": previous,
            "matrix": matrix,
            "query": query,
            "any_illustrative": any(row.risk.scores_illustrative for row in rows),
            "illustrative_note": ILLUSTRATIVE_NOTE,
            "can_create": permissions.can_create(request.user),
            "can_import": permissions.can_import(request.user),
        },
    )


def _without(query, *names) -> str:
    query = query.copy()
    for name in names:
        query.pop(name, None)
    return query.urlencode()


# ---------------------------------------------------------------------------
# One risk


def _latest_approved(field: str) -> Subquery:
    return Subquery(
        StatusUpdate.objects.approved()
        .filter(commitment=OuterRef("pk"))
        .order_by("-period__financial_year", "-period__quarter")
        .values(field)[:1]
    )


def _detail_queryset():
    commitments = (
        Commitment.objects.select_related("plan")
        .annotate(
            latest_rag=_latest_approved("rag"),
            latest_year=_latest_approved("period__financial_year"),
            latest_quarter=_latest_approved("period__quarter"),
        )
        .order_by("ref")
    )
    return Risk.objects.select_related("owner").prefetch_related(
        "policy_areas",
        Prefetch("commitments", queryset=commitments),
        Prefetch(
            "assessments",
            queryset=Assessment.objects.select_related("period", "assessed_by").order_by(
                "period__financial_year", "period__quarter"
            ),
        ),
        Prefetch("actions", queryset=Action.objects.select_related("owner").order_by("pk")),
        Prefetch(
            "status_changes",
            queryset=StatusChange.objects.select_related("period", "changed_by").order_by(
                "-period__financial_year", "-period__quarter", "-date", "-pk"
            ),
        ),
    )


def _score_before(previous: Assessment | None, assessment: Assessment) -> int | None:
    """The current score of the quarter just before, if that quarter was assessed."""
    if previous is not None and previous.period.key == assessment.period.previous_key:
        return previous.current_score
    return None


class LinkedCommitment:
    def __init__(self, commitment: Commitment):
        self.commitment = commitment
        self.rag = commitment.latest_rag or ""
        self.period_label = (
            ReportingPeriod(financial_year=commitment.latest_year, quarter=commitment.latest_quarter).label
            if commitment.latest_year
            else ""
        )


@require_GET
def detail(request, ref):
    _require_reader(request)
    risk = _risk_or_404(ref, _detail_queryset())
    matrix = _matrix()
    assessments = list(risk.assessments.all())
    open_periods = list(ReportingPeriod.objects.filter(status=ReportingPeriod.Status.OPEN))
    can_edit = permissions.can_edit(request.user, risk)
    by_period = {a.period_id: a for a in assessments}
    rows = []
    previous = None
    for assessment in assessments:
        rows.append(
            {
                "assessment": assessment,
                "inherent_band": matrix.band_for(assessment.inherent_score) if matrix else None,
                "current_band": matrix.band_for(assessment.current_score) if matrix else None,
                "target_band": matrix.band_for(assessment.target_score) if matrix else None,
                "direction": direction_of_travel(
                    _score_before(previous, assessment),
                    assessment.current_score,
                ),
            }
        )
        previous = assessment
    for row in rows:
        row["arrow"] = ARROWS.get(row["direction"], "")
    latest = rows[-1] if rows else None
    return render(
        request,
        "risks/detail.html",
        {
            "risk": risk,
            "matrix": matrix,
            "rows": list(reversed(rows)),
            "latest": latest,
            "chart": trend_chart(assessments, matrix),
            "linked": [LinkedCommitment(c) for c in risk.commitments.all()],
            "actions": list(risk.actions.all()),
            "status_changes": list(risk.status_changes.all()),
            "history": risk_history(risk),
            "can_edit": can_edit,
            "assess_periods": [
                (p, by_period.get(p.pk)) for p in open_periods if permissions.can_assess(request.user, risk, p)
            ],
            "illustrative_note": ILLUSTRATIVE_NOTE,
        },
    )


# ---------------------------------------------------------------------------
# Heat map


class Move:
    def __init__(self, risk, before: Assessment | None, after: Assessment | None, matrix):
        self.risk = risk
        self.before = before
        self.after = after
        self.before_band = matrix.band_for(before.current_score) if before and matrix else None
        self.after_band = matrix.band_for(after.current_score) if after and matrix else None
        self.direction = direction_of_travel(
            before.current_score if before else None, after.current_score if after else None
        )
        self.arrow = ARROWS.get(self.direction, "")


# Refs listed in a heat map cell; the rest are counted and linked to the register.
CELL_REFS = 10
# Rows of the comparison's table of risks that moved.
MOVES_SHOWN = 100


@require_GET
def heatmap(request):
    _require_reader(request)
    matrix = _matrix()
    periods = _periods()
    slug = request.GET.get("period")
    if slug:
        period = next((p for p in periods if p.slug == slug), None)
        if period is None:
            raise Http404("No such reporting period.")
    else:
        period = _default_period(periods)
    previous = _previous(periods, period)
    compare = request.GET.get("compare") == "1" and previous is not None

    in_period = Assessment.objects.filter(period=period) if period else Assessment.objects.none()
    counts = in_period.cell_counts()
    listed = list(in_period.first_in_each_cell(CELL_REFS))
    moves, moves_total = [], 0
    before: dict[int, Assessment] = {}
    if compare:
        moved = list(Assessment.objects.moved_between(previous, period).first_with_total(MOVES_SHOWN))
        dropped = list(Assessment.objects.dropped_between(previous, period).first_with_total(MOVES_SHOWN))
        moves_total = (moved[0].total if moved else 0) + (dropped[0].total if dropped else 0)
        # Where the listed and moved risks were: a bounded list of ids, whatever the size.
        ids = {a.risk_id for a in listed} | {a.risk_id for a in moved}
        before = {a.risk_id: a for a in Assessment.objects.filter(period=previous, risk_id__in=ids)}
        moves = [Move(a.risk, before.get(a.risk_id), a, matrix) for a in moved]
        moves += [Move(a.risk, a, None, matrix) for a in dropped]
        moves = sorted(moves, key=lambda move: move.risk.ref)[:MOVES_SHOWN]

    entries = defaultdict(list)
    for a in listed:
        entries[a.current_likelihood, a.current_impact].append(
            {
                "risk": a.risk,
                # A listed risk moved if it had no assessment before, or another cell.
                "moved": compare and _moved(before.get(a.risk_id), a),
                "from": before.get(a.risk_id),
            }
        )

    def cell(key, heat_cell=None):
        number = counts.get(key, 0)
        shown = entries[key]
        query = f"period={period.slug}&likelihood={key[0]}&impact={key[1]}" if period else ""
        return {
            "cell": heat_cell,
            "key": key,
            "count": number,
            "risks": shown,
            "more": number - len(shown),
            "query": query,
        }

    rows = [[cell((c.likelihood.value, c.impact.value), c) for c in row] for row in (matrix.rows() if matrix else [])]
    in_matrix = {item["key"] for row in rows for item in row}
    outside = [cell(key) for key in sorted(counts) if key not in in_matrix]
    return render(
        request,
        "risks/heatmap.html",
        {
            "matrix": matrix,
            "rows": rows,
            "period": period,
            "previous": previous,
            "periods": [p for p in reversed(periods) if p.assessed or p == period],
            "compare": compare,
            "moves": moves,
            "moves_total": moves_total,
            "outside": outside,
            "count": sum(counts.values()),
            "any_illustrative": in_period.filter(risk__scores_illustrative=True).exists(),
            "illustrative_note": ILLUSTRATIVE_NOTE,
        },
    )


def _moved(before: Assessment | None, after: Assessment) -> bool:
    return before is None or (before.current_likelihood, before.current_impact) != (
        after.current_likelihood,
        after.current_impact,
    )


_HEX = re.compile(r"^#[0-9A-Fa-f]{6}$")


@require_GET
def band_css(request):
    """The band colours, as a stylesheet: they are data, and the CSP forbids inline styles."""
    rules = []
    for band in Band.objects.all():
        if _HEX.match(band.colour):
            css = band.css_class
            text = band.text_colour
            rules.append(
                f".{css}, .{css} a.govuk-link:link, .{css} a.govuk-link:visited "
                f"{{ background-color: {band.colour}; color: {text}; }}\n"
            )
    response = HttpResponse("".join(rules), content_type="text/css; charset=utf-8")
    response["Cache-Control"] = "private, max-age=300"
    return response


# ---------------------------------------------------------------------------
# Forms


def _started_periods() -> list[ReportingPeriod]:
    return list(ReportingPeriod.objects.started().order_by("financial_year", "quarter"))


def _latest_open_slug(periods) -> str:
    open_ = [p for p in periods if p.is_open]
    return open_[-1].slug if open_ else ""


@require_http_methods(["GET", "POST"])
def risk_create(request):
    if not permissions.can_create(request.user):
        raise PermissionDenied
    periods = _started_periods()
    initial = {"period": _latest_open_slug(periods), "status": Risk.Status.OPEN, "owner": request.user.pk}
    form = RiskForm(posted(request), periods=periods, initial=initial)
    if request.method == "POST" and form.is_valid():
        risk = services.risk_create(
            risk=form.save(commit=False),
            policy_areas=form.cleaned_data["policy_areas"],
            commitments=form.cleaned_data["commitment_refs"],
            period=form.cleaned_data["period"],
            reason=form.cleaned_data["reason"],
            by=request.user,
        )
        messages.success(request, f"Risk {risk.ref} was added to the register.")
        return redirect(risk)
    return render(request, "risks/risk_form.html", {"form": form, "risk": None})


@require_http_methods(["GET", "POST"])
def risk_edit(request, ref):
    risk = _risk_or_404(ref, Risk.objects.select_related("owner").prefetch_related("commitments"))
    if not permissions.can_edit(request.user, risk):
        raise PermissionDenied
    form = RiskForm(posted(request), instance=risk)
    if request.method == "POST" and form.is_valid():
        form.save_changes()
        messages.success(request, f"Risk {risk.ref} was saved.")
        return redirect(risk)
    return render(request, "risks/risk_form.html", {"form": form, "risk": risk})


@require_http_methods(["GET", "POST"])
def status_change(request, ref):
    risk = _risk_or_404(ref)
    if not permissions.can_edit(request.user, risk):
        raise PermissionDenied
    periods = _started_periods()
    default = next((p for p in periods if p.slug == _latest_open_slug(periods)), None)
    # A change's date must fall in its quarter: start from today, or the quarter's nearest day.
    today = timezone.localdate()
    date = min(max(today, default.start_date), default.end_date) if default else today
    form = StatusChangeForm(
        posted(request), risk=risk, periods=periods, initial={"period": default.slug if default else "", "date": date}
    )
    if request.method == "POST" and form.is_valid():
        try:
            change = services.risk_change_status(
                risk=risk,
                to_status=form.cleaned_data["to_status"],
                period=form.cleaned_data["period"],
                date=form.cleaned_data["date"],
                reason=form.cleaned_data["reason"],
                by=request.user,
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, f"Risk {risk.ref} is now {change.get_to_status_display().lower()}.")
            return redirect(risk)
    return render(request, "risks/status_form.html", {"form": form, "risk": risk})


@require_http_methods(["GET", "POST"])
def assessment_edit(request, ref, period):
    risk = _risk_or_404(ref)
    the_period = ReportingPeriod.objects.from_slug(period)
    if the_period is None:
        raise Http404("No such reporting period.")
    if not permissions.can_assess(request.user, risk, the_period):
        raise PermissionDenied
    matrix = _matrix()
    if matrix is None:
        raise Http404("No scoring matrix is in use.")
    assessment = Assessment.objects.filter(risk=risk, period=the_period).first()
    previous = (
        Assessment.objects.filter(risk=risk)
        .in_period(ReportingPeriod.objects.previous_of(the_period))
        .select_related("period")
        .first()
    )
    conflict = None
    if request.method == "POST":
        form = AssessmentForm(request.POST, matrix=matrix)
        if form.is_valid():
            values = {name: form.cleaned_data[name] for name in services.ASSESSMENT_FIELDS}
            try:
                services.assessment_record(
                    risk=risk, period=the_period, values=values, version=form.cleaned_data["version"], by=request.user
                )
            except services.StaleAssessment as stale:
                conflict = stale
                # Keep what they typed; the new version lets them save over it knowingly.
                form = AssessmentForm({**request.POST.dict(), "version": stale.assessment.version}, matrix=matrix)
            except ValidationError as error:
                form.add_error(None, error)
            else:
                messages.success(request, f"The {the_period.label} assessment of {risk.ref} was saved.")
                return redirect(risk)
    else:
        source = assessment or previous
        initial = {name: getattr(source, name) for name in services.ASSESSMENT_FIELDS} if source else {}
        initial["version"] = assessment.version if assessment else 0
        form = AssessmentForm(initial=initial, matrix=matrix)
    return render(
        request,
        "risks/assessment_form.html",
        {
            "form": form,
            "risk": risk,
            "period": the_period,
            "assessment": assessment,
            "previous": previous,
            "conflict": conflict,
            "matrix": matrix,
        },
    )


@require_http_methods(["GET", "POST"])
def action_edit(request, ref, pk=None):
    risk = _risk_or_404(ref)
    if not permissions.can_edit(request.user, risk):
        raise PermissionDenied
    action = get_object_or_404(Action, pk=pk, risk=risk) if pk else Action(risk=risk)
    form = ActionForm(posted(request), instance=action)
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, f"The action on {risk.ref} was saved.")
        return redirect(f"{risk.get_absolute_url()}#actions")
    return render(request, "risks/action_form.html", {"form": form, "risk": risk, "action": action})


# ---------------------------------------------------------------------------
# Import


@require_http_methods(["GET", "POST"])
def import_upload(request):
    """Upload a file and see what it would change. Nothing is written here."""
    if not permissions.can_import(request.user):
        raise PermissionDenied
    form = ImportForm(posted(request), request.FILES if request.method == "POST" else None)
    plan = None
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        content = upload.read()
        plan = importing.plan_import(upload.name, content)
        remember_preview(request, IMPORT_SESSION_KEY, upload.name, content, plan)
    return render(request, "risks/import.html", {"form": form, "plan": plan, "columns": importing.COLUMNS})


@require_POST
def import_confirm(request):
    """Apply the previewed import, all or nothing, if it still does what the preview said."""
    if not permissions.can_import(request.user):
        raise PermissionDenied
    pending = previewed_file(request, IMPORT_SESSION_KEY)
    if not pending:
        messages.error(request, "There is no import waiting to be confirmed. Upload the file again.")
        return redirect("risks:import")
    name, content, digest = pending
    plan = importing.plan_import(name, content)
    if not plan.is_valid or plan.digest() != digest:
        # The new preview's button confirms what it now shows.
        remember_preview(request, IMPORT_SESSION_KEY, name, content, plan)
        messages.error(
            request, "The register changed after the preview, so nothing was imported. Check the new preview below."
        )
        return render(request, "risks/import.html", {"form": ImportForm(), "plan": plan, "columns": importing.COLUMNS})
    importing.apply_import(plan, by=request.user)
    forget_preview(request, IMPORT_SESSION_KEY)
    counts = plan.counts
    messages.success(
        request,
        f"Imported {name}: {counts['new_risks']} new and {counts['changed_risks']} changed risks, "
        f"{counts['new_assessments']} new and {counts['changed_assessments']} changed assessments.",
    )
    return redirect("risks:register")
