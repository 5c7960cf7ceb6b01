import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.db.models.functions import Coalesce, Upper
from simple_history.models import HistoricalRecords

from commitments.periods import (  # noqa: F401 (the app's models are all importable from here)
    Meeting,
    ReportingPeriod,
    parse_period,
    parse_period_label,
    previous_quarter,
)
from riskreg.marking import marking_constraint, marking_field, marking_reason_field


class Rag(models.TextChoices):
    """A delivery status. Red means extra support or action is needed, not failure."""

    RED = "red", "Red"
    AMBER = "amber", "Amber"
    GREEN = "green", "Green"


NOT_ASSESSED = "Not assessed"


def rag_label(value: str) -> str:
    """The status's word. Not get_rag_display(): it rebuilds the choices on every call
    (8 microseconds against 1.4), and a register page asks for 200 words."""
    return Rag(value).label if value else NOT_ASSESSED


class PlanQuerySet(models.QuerySet):
    def get_by_natural_key(self, title):
        return self.get(title=title)

    def current(self):
        """The plan the register works on: the latest to start."""
        return self.order_by("-start_year", "-pk").first()


class Plan(models.Model):
    title = models.CharField(max_length=200, unique=True)
    start_year = models.PositiveSmallIntegerField(help_text="The calendar year the plan starts, e.g. 2025.")
    end_year = models.PositiveSmallIntegerField()

    objects = PlanQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        ordering = ["-start_year"]
        constraints = [
            models.CheckConstraint(condition=Q(end_year__gte=models.F("start_year")), name="plan_ends_after_start")
        ]

    def __str__(self):
        return self.title

    def natural_key(self):
        return (self.title,)


class PolicyAreaQuerySet(models.QuerySet):
    def get_by_natural_key(self, name):
        return self.get(name=name)


class PolicyArea(models.Model):
    name = models.CharField(max_length=200, unique=True)

    objects = PolicyAreaQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        ordering = ["name"]

    def __str__(self):
        return self.name

    def natural_key(self):
        return (self.name,)


class CommitmentQuerySet(models.QuerySet):
    def get_by_natural_key(self, plan_title, ref):
        return self.get(plan__title=plan_title, ref=ref)

    def in_plan(self, plan):
        return self.filter(plan=plan)

    def active(self):
        """The plan's deliverables: what the register lists and the paper counts.
        Withdrawn (inactive) commitments keep their history but count nowhere."""
        return self.filter(active=True)

    def led_by(self, user):
        return self.filter(Q(officer_lead=user) | Q(smt_lead=user))

    def with_policy_areas(self):
        """Prefetch the areas that Commitment.policy_area_names reads, into `areas_in_order`.

        Into a list, not the `areas` manager: filling a manager's cache clones a queryset
        per commitment, which was most of the paper's time at 100 times the real data.
        """
        return self.prefetch_related(
            models.Prefetch(
                "areas", queryset=CommitmentPolicyArea.objects.select_related("policy_area"), to_attr="areas_in_order"
            )
        )

    def with_people(self):
        return self.select_related("smt_lead", "officer_lead").with_policy_areas()

    def with_updates_in(self, periods, *, approved_only: bool = True):
        """Prefetch the commitments' updates in these periods into `updates_shown`.

        Read them with Commitment.update_in(period): no query per row.
        """
        # Without their periods: update_in matches on period_id, and a period object per
        # update was a fifth of the objects the register built.
        updates = StatusUpdate.objects.filter(period__in=list(periods)).order_by()
        if approved_only:
            updates = updates.approved()
        return self.prefetch_related(models.Prefetch("status_updates", queryset=updates, to_attr="updates_shown"))

    def with_approved_rag_in(self, period, rag: str | None):
        """Approved status `rag` in the period; None for "not assessed" (no approved RAG)."""
        approved = StatusUpdate.objects.approved().filter(period=period).exclude(rag="")
        if rag is None:
            return self.exclude(pk__in=approved.values("commitment"))
        return self.filter(pk__in=approved.filter(rag=rag).values("commitment"))

    def with_update_state_in(self, period, state: str | None):
        """The quarter's update is in `state`; None for "no update yet"."""
        updates = StatusUpdate.objects.filter(period=period)
        if state is None:
            return self.exclude(pk__in=updates.values("commitment"))
        return self.filter(pk__in=updates.filter(state=state).values("commitment"))

    def without_approved_update_in(self, period):
        """No approved update in the period: what is outstanding when it closes."""
        return self.exclude(pk__in=StatusUpdate.objects.approved().filter(period=period).values("commitment"))

    def red_in(self, period):
        """Commitments whose approved status in the period is Red."""
        return self.with_approved_rag_in(period, Rag.RED)

    def improving_between(self, previous, current):
        """Red in the previous quarter, Amber or Green in this one (approved statuses)."""
        better = StatusUpdate.objects.approved().filter(period=current, rag__in=[Rag.AMBER, Rag.GREEN])
        return self.red_in(previous).filter(pk__in=better.values("commitment"))

    def red_then_unreported(self, previous, current):
        """Red in the previous quarter (approved) and no approved status in this one: the
        paper lists them under its red list, so none drops out of it without a word.
        The churn table's Red -> Not assessed cell counts the same commitments."""
        return self.red_in(previous).with_approved_rag_in(current, None)

    def status_transitions(self, previous, current) -> dict[tuple[str, str], int]:
        """How many commitments moved from each approved status in `previous` to each in
        `current`: {("green", "red"): 5, ...}, "" meaning not assessed. Counted in SQL."""

        # Each quarter's approved update joined once (at most one a commitment and quarter),
        # not looked up per commitment: at 100 times the plan, 80 ms instead of 500.
        def approved_in(period):
            return models.FilteredRelation(
                "status_updates",
                condition=Q(status_updates__period=period, status_updates__state=StatusUpdate.State.APPROVED),
            )

        pairs = (
            self.alias(before=approved_in(previous), after=approved_in(current))
            .annotate(
                rag_before=Coalesce(models.F("before__rag"), models.Value("")),
                rag_after=Coalesce(models.F("after__rag"), models.Value("")),
            )
            .order_by()
            .values("rag_before", "rag_after")
            .annotate(count=models.Count("pk"))
        )
        return {(row["rag_before"], row["rag_after"]): row["count"] for row in pairs}


class Commitment(models.Model):
    """One individual deliverable of the plan."""

    plan = models.ForeignKey(Plan, on_delete=models.PROTECT, related_name="commitments")
    ref = models.PositiveIntegerField(help_text="The number of the commitment in the plan, e.g. 96.")
    policy_areas = models.ManyToManyField(PolicyArea, through="CommitmentPolicyArea", related_name="commitments")
    text = models.TextField("individual commitment")
    # The text in capitals, kept by the database, for the register's case-insensitive
    # search: at 100 times the plan a common word matches 16,000 commitments, and
    # capitalising each one's text again was most of the time it took to count them.
    search_text = models.GeneratedField(expression=Upper("text"), output_field=models.TextField(), db_persist=True)
    smt_lead = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="smt_commitments",
        verbose_name="SMT lead",
    )
    officer_lead = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="officer_commitments",
    )
    wmp_lead = models.CharField("WMP lead", max_length=200, blank=True, help_text="A named contact in the force.")
    # The WMP lead as a person who signs in (a partner contributor), beside the name above.
    wmp_lead_user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="wmp_commitments",
        verbose_name="WMP lead (partner contributor)",
    )
    timescale = models.CharField(max_length=100, blank=True)
    active = models.BooleanField(default=True)
    protective_marking = marking_field()
    marking_reason = marking_reason_field()

    objects = CommitmentQuerySet.as_manager()
    history = HistoricalRecords(excluded_fields=["search_text"])  # the text's history is kept

    class Meta:
        ordering = ["plan", "ref"]
        constraints = [
            models.UniqueConstraint(fields=["plan", "ref"], name="commitment_ref_unique_in_plan"),
            marking_constraint("commitment"),
        ]
        # Counting the register's rows (for its pages) reads only this index, not the
        # table with its long texts.
        indexes = [models.Index(fields=["plan", "active", "id"], name="commitment_plan_active_id")]

    def __str__(self):
        return f"{self.ref}. {self.text[:80]}"

    def natural_key(self):
        return (*self.plan.natural_key(), self.ref)

    natural_key.dependencies = ["commitments.plan"]

    @property
    def policy_area_names(self) -> str:
        """'VAWG / Protecting Victims and Witnesses', in the order the plan gives them.

        Reads the areas CommitmentQuerySet.with_policy_areas prefetched, which come in
        CommitmentPolicyArea's order: by position.
        """
        return " / ".join(area.policy_area.name for area in self.areas_in_order)

    def update_in(self, period):
        """The update prefetched by CommitmentQuerySet.with_updates_in for the period, or None."""
        return next((u for u in self.updates_shown if u.period_id == period.pk), None) if period else None

    def is_led_by(self, user) -> bool:
        return user.pk is not None and user.pk in (self.officer_lead_id, self.smt_lead_id)


class CommitmentPolicyAreaQuerySet(models.QuerySet):
    def get_by_natural_key(self, plan_title, ref, policy_area_name):
        return self.get(commitment__plan__title=plan_title, commitment__ref=ref, policy_area__name=policy_area_name)


class CommitmentPolicyArea(models.Model):
    """A commitment's policy area, with its position: the paper lists 'VAWG' before 'Protecting ...'."""

    commitment = models.ForeignKey(Commitment, on_delete=models.CASCADE, related_name="areas")
    policy_area = models.ForeignKey(PolicyArea, on_delete=models.PROTECT, related_name="+")
    position = models.PositiveSmallIntegerField(default=0)

    objects = CommitmentPolicyAreaQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        ordering = ["position"]
        constraints = [
            models.UniqueConstraint(fields=["commitment", "policy_area"], name="policy_area_once_per_commitment")
        ]

    def __str__(self):
        return f"{self.commitment_id}: {self.policy_area_id}"

    def natural_key(self):
        return (*self.commitment.natural_key(), self.policy_area.name)

    natural_key.dependencies = ["commitments.commitment", "commitments.policyarea"]


class StatusUpdateQuerySet(models.QuerySet):
    def get_by_natural_key(self, plan_title, ref, financial_year, quarter):
        return self.get(
            commitment__plan__title=plan_title,
            commitment__ref=ref,
            period__financial_year=financial_year,
            period__quarter=quarter,
        )

    def approved(self):
        return self.filter(state=StatusUpdate.State.APPROVED)


class StatusUpdate(models.Model):
    """A commitment's RAG status and narrative for one quarter, and its review."""

    class State(models.TextChoices):
        DRAFT = "draft", "Draft"
        SUBMITTED = "submitted", "Submitted for review"
        APPROVED = "approved", "Approved"
        RETURNED = "returned", "Returned for changes"

    commitment = models.ForeignKey(Commitment, on_delete=models.CASCADE, related_name="status_updates")
    period = models.ForeignKey(ReportingPeriod, on_delete=models.PROTECT, related_name="status_updates")
    rag = models.CharField("RAG status", max_length=5, choices=Rag.choices, blank=True)
    narrative = models.TextField("update", blank=True)
    state = models.CharField(max_length=10, choices=State.choices, default=State.DRAFT)
    review_comment = models.TextField(blank=True)
    # "No change since last quarter": the officer repeats last quarter's approved RAG and
    # text on purpose, and the reviewer is shown it as such.
    carried_forward = models.BooleanField(default=False)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    submitted_at = models.DateTimeField(null=True, blank=True)
    reviewer = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    reviewed_at = models.DateTimeField(null=True, blank=True)
    # Bumped by every write; a save carrying an older version is refused, so two
    # people editing at once never overwrite each other silently.
    version = models.PositiveIntegerField(default=1)
    protective_marking = marking_field()
    marking_reason = marking_reason_field()

    objects = StatusUpdateQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        ordering = ["period", "commitment"]
        constraints = [
            models.UniqueConstraint(fields=["commitment", "period"], name="one_status_update_per_quarter"),
            models.CheckConstraint(condition=Q(rag__in=["", *Rag.values]), name="rag_is_red_amber_green_or_empty"),
            marking_constraint("statusupdate"),
        ]
        # "Approved Red (or Green...) in the quarter" is the register's filter and the paper's
        # red list. With the commitment in the index PostgreSQL answers from the index alone
        # instead of visiting a quarter's rows spread over the whole table: with
        # commitment_plan_active_id, the filtered register's count at 100x takes 12 ms, not 86.
        indexes = [models.Index(fields=["period", "state", "rag", "commitment"], name="update_period_state_rag_cmt")]

    def __str__(self):
        return f"{self.commitment.ref} {self.period.label}"

    def natural_key(self):
        return (*self.commitment.natural_key(), *self.period.natural_key())

    natural_key.dependencies = ["commitments.commitment", "commitments.reportingperiod"]

    @property
    def rag_label(self) -> str:
        return rag_label(self.rag)

    @property
    def is_approved(self) -> bool:
        return self.state == self.State.APPROVED

    def repeats(self, previous: "StatusUpdate | None") -> bool:
        """The narrative is the previous quarter's, word for word: the reviewer should know."""
        if previous is None or not self.narrative.strip():
            return False
        return " ".join(self.narrative.split()) == " ".join(previous.narrative.split())


class RegisterVersion(models.Model):
    """A token that changes whenever anything the register shows changes.

    The register's rendered table is cached under it (commitments.caching). It lives in
    the database and is renewed after the change, in its transaction if it has one, so a
    worker that reads the new token also reads the change: none serves a table older
    than the data.
    One row; a new random token on each change, so no token repeats, even after a
    restore from a backup.
    """

    token = models.UUIDField(default=uuid.uuid4)

    def __str__(self):
        return str(self.token)


class ContributionQuerySet(models.QuerySet):
    def by_partner(self, user):
        return self.filter(commitment__wmp_lead_user=user)


class Contribution(models.Model):
    """The WMP lead's quarterly contribution to a commitment's update: text, and the RAG
    they suggest. The officer may take it into the update; it is never shown to committee
    members itself, only as part of an approved update if the officer took it in."""

    commitment = models.ForeignKey(Commitment, on_delete=models.CASCADE, related_name="contributions")
    period = models.ForeignKey(ReportingPeriod, on_delete=models.PROTECT, related_name="+")
    text = models.TextField("contribution")
    suggested_rag = models.CharField("suggested RAG status", max_length=5, choices=Rag.choices, blank=True)
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    written_at = models.DateTimeField()

    objects = ContributionQuerySet.as_manager()
    history = HistoricalRecords()  # each rewrite in a quarter is kept

    class Meta:
        ordering = ["-period__financial_year", "-period__quarter"]
        constraints = [
            models.UniqueConstraint(fields=["commitment", "period"], name="one_contribution_per_quarter"),
            models.CheckConstraint(
                condition=Q(suggested_rag__in=["", *Rag.values]), name="contribution_rag_is_red_amber_green_or_empty"
            ),
        ]

    def __str__(self):
        return f"Contribution to {self.commitment.ref} in {self.period.label}"

    @property
    def suggested_rag_label(self) -> str:
        return rag_label(self.suggested_rag) if self.suggested_rag else "None suggested"
