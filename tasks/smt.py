"""An SMT lead's task list: updates to review, officers not yet submitted, risks to assess and to review."""

import datetime

from django.db.models import Exists, F, OuterRef, Q, Subquery, Value, Window
from django.db.models.functions import Coalesce, RowNumber
from django.urls import reverse
from django.utils import timezone

from riskreg.dates import due_words
from risks.assessments import CURRENT_SCORE
from risks.models import Assessment, Band, Risk
from tasks.common import (
    LIVE_RISK,
    NO_UPDATE,
    NOT_SUBMITTED,
    Section,
    State,
    Task,
    TaskGroup,
    _count,
    _counts_by_state,
    _person_fields,
    _person_name,
    _status,
    _update_alias,
    _update_in,
)

# ---------------------------------------------------------------------------
# SMT lead


# An SMT lead's task names at most this many of each officer's commitments not submitted.
REFS_SHOWN = 10


def _not_submitted_refs(commitments, periods) -> dict[tuple[int, int | None], list[tuple[int, str]]]:
    """{(period id, officer id): [(ref, state), ...]}: the first REFS_SHOWN of each officer's
    commitments not yet submitted, numbered by the database so a lead of thousands reads ten."""
    aliases = {_update_alias(p): _update_in(p) for p in periods}
    states = {f"state_{p.pk}": Coalesce(F(f"{_update_alias(p)}__state"), Value(NO_UPDATE)) for p in periods}
    behind = Q()
    for name in states:
        behind |= Q(**{f"{name}__in": NOT_SUBMITTED})
    rows = (
        commitments.alias(**aliases)
        .annotate(**states)
        .filter(behind)
        .annotate(place=Window(RowNumber(), partition_by=[F("officer_lead")], order_by=F("ref").asc()))
        .filter(place__lte=REFS_SHOWN)
        .order_by("ref")
        .values_list("ref", "officer_lead", *states)
    )
    found: dict = {}
    for ref, officer_id, *period_states in rows:
        for period, state in zip(periods, period_states, strict=True):
            if state in NOT_SUBMITTED:
                found.setdefault((period.pk, officer_id), []).append((ref, state))
    return found


STATE_WORDS = {NO_UPDATE: "not started", State.DRAFT: "draft", State.RETURNED: "returned"}


def _officer_task(key, period, row, refs) -> Task:
    counts = [(state, _count(row, period, state)) for state in NOT_SUBMITTED]
    total = sum(number for _, number in counts)
    name = _person_name(row, "officer_lead") if row["officer_lead"] else "No officer lead set"
    hint = ", ".join(f"{number} {STATE_WORDS[state]}" for state, number in counts if number)
    more = total - len(refs)
    return Task(
        f"{key}-{row['officer_lead'] or 'none'}",
        name,
        status=f"{total} not submitted",
        tag="govuk-tag--yellow",
        hint=f"{hint}. Commitments:",
        links=[(str(ref), reverse("commitments:detail", args=[ref])) for ref, _ in refs],
        more=f"and {more} more" if more > 0 else "",
    )


def _risk_name(risk) -> str:
    return f"{risk.ref} {risk.title}"


def _assess_href(risk, period) -> str:
    if period is None:
        return reverse("risks:detail", args=[risk.ref])
    return reverse("risks:assess", args=[risk.ref, period.financial_year_slug, period.quarter_slug])


def review_due(risks, bands, periods, today) -> list[tuple[Risk, Band, datetime.date]]:
    """Risks whose review falls due, by the band of their last assessment.

    The rule: a risk's review is due on its last assessment's date (`assessed_at`) plus its
    band's review frequency in months ("Monthly" 1, "Quarterly" 3, "Every six months" 6,
    "Annually" 12: risks.matrix.review_interval_months); the band is the one in use that
    holds that assessment's current score. A risk is listed when that date is on or before
    the open quarters' latest review deadline (today, if none is set or it has passed).
    Risks not yet assessed in an open quarter are listed under that quarter instead, not
    again here; a band whose frequency names no interval lists none.
    """
    deadlines = [p.review_deadline for p in periods if p.review_deadline]
    horizon = max([today, *deadlines])
    due = []
    for risk in risks:
        if risk.last_assessed_at is None or not all(getattr(risk, f"assessed_{p.pk}") for p in periods):
            continue
        band = next((b for b in bands if b.min_score <= (risk.last_score or 0) <= b.max_score), None)
        next_review = band.next_review_after(timezone.localdate(risk.last_assessed_at)) if band else None
        if next_review is not None and next_review <= horizon:
            due.append((risk, band, next_review))
    return due


def smt_section(user, commitments, periods, today) -> Section:
    section = Section("Your reviews and risks as SMT lead")
    led = commitments.filter(smt_lead=user)
    rows = _counts_by_state(led, periods, _person_fields("officer_lead")) if periods else []
    refs = _not_submitted_refs(led, periods) if periods else {}
    latest = Assessment.objects.filter(risk=OuterRef("pk")).order_by("-assessed_at", "-pk")
    risks = list(
        Risk.objects.owned_by(user)
        .filter(status__in=LIVE_RISK)
        .annotate(
            last_assessed_at=Subquery(latest.values("assessed_at")[:1]),
            last_score=Subquery(latest.annotate(score=CURRENT_SCORE).values("score")[:1]),
            **{f"assessed_{p.pk}": Exists(Assessment.objects.filter(risk=OuterRef("pk"), period=p)) for p in periods},
        )
        .order_by("ref")
    )
    rows.sort(key=lambda r: (r["officer_lead"] is None, _person_name(r, "officer_lead") if r["officer_lead"] else ""))
    for period in periods:
        key = f"smt-{period.slug}"
        to_review = sum(_count(r, period, State.SUBMITTED) for r in rows)
        section.groups.append(
            TaskGroup(
                f"{period.label}: updates to review",
                [
                    Task(
                        f"{key}-review",
                        "Updates to review",
                        href=reverse("commitments:mine") if to_review else "",
                        **_status(to_review, f"{to_review} to review"),
                    )
                ],
                "SMT leads' review deadline",
                period.review_deadline,
            )
        )
        behind = [
            _officer_task(f"{key}-officer", period, r, refs.get((period.pk, r["officer_lead"]), []))
            for r in rows
            if any(_count(r, period, state) for state in NOT_SUBMITTED)
        ]
        section.groups.append(
            TaskGroup(
                f"{period.label}: your commitments whose officers have not submitted",
                behind,
                "Officers' deadline",
                period.officer_deadline,
                empty="Every officer has submitted.",
            )
        )
        unassessed = [
            Task(
                f"{key}-assess-{risk.ref}",
                _risk_name(risk),
                href=_assess_href(risk, period),
                status="Not assessed",
                tag="govuk-tag--blue",
            )
            for risk in risks
            if not getattr(risk, f"assessed_{period.pk}")
        ]
        section.groups.append(
            TaskGroup(
                f"{period.label}: your risks not yet assessed",
                unassessed,
                empty="Every risk you own is assessed this quarter.",
            )
        )
    bands = list(Band.objects.filter(matrix__is_active=True)) if risks else []
    latest_open = periods[-1] if periods else None
    section.groups.append(
        TaskGroup(
            "Your risks due for review",
            [
                Task(
                    f"smt-review-due-{risk.ref}",
                    _risk_name(risk),
                    href=_assess_href(risk, latest_open),
                    status=f"Review {words}" if (words := due_words(next_review, today)) else "",
                    tag="govuk-tag--red" if next_review < today else "govuk-tag--yellow",
                    hint=f"{band.label}: reviewed {band.review_frequency.lower()}. "
                    f"Last assessed {timezone.localdate(risk.last_assessed_at):%-d %B %Y}; "
                    f"review due {next_review:%-d %B %Y}.",
                )
                for risk, band, next_review in review_due(risks, bands, periods, today)
            ],
            empty="No risk of yours is due for review.",
        )
    )
    return section
