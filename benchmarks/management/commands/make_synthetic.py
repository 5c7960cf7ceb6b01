"""Synthetic data at N times the West Midlands register, for benchmarks and load tests.

For scale N it builds one plan of N x 356 commitments with a status update in each of
8 quarters (2024/25 Q1 to 2025/26 Q4), N x 40 risks with an assessment in each quarter,
the people who lead them, a published committee paper and Panel report. Everything is marked
synthetic: the plan is "Synthetic plan (scale N)", texts start "Synthetic:", user names
start "synthetic-". It writes with bulk_create (one history record per object, as a
first save would leave), so 100x builds in a couple of minutes.

The synthetic plan becomes the current plan (Plan.objects.current(): latest start year,
then highest pk), so the register and the paper show it. Run it on a database of its
own (DATABASE_URL), not on one with real data.
"""

import datetime
import math
import random

from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from django.contrib.auth.models import Group
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from django.db import connection, transaction
from django.db.models import Max
from django.utils import timezone
from simple_history.utils import bulk_create_with_history

from commitments.caching import register_changed
from commitments.models import Commitment, CommitmentPolicyArea, Plan, PolicyArea, Rag, ReportingPeriod, StatusUpdate
from committee.models import Paper
from committee.services import paper_publish
from panel.models import PanelReport
from panel.services import panel_report_publish
from performance.models import PublicRelease
from performance.services import release_publish
from riskreg.roles import Role
from risks.models import Action, Assessment, Risk, ScoringMatrix, StatusChange

# The West Midlands register, once.
COMMITMENTS_PER_SCALE = 356
RISKS_PER_SCALE = 40
# Realistic workloads: "my commitments" lists what one person leads, so the number of
# leads grows with the plan instead of one person leading thousands of commitments.
COMMITMENTS_PER_OFFICER = 10
COMMITMENTS_PER_SMT_LEAD = 40
POLICY_AREAS = 10  # a plan has a handful of policy areas, however many commitments
COMMITTEE_MEMBERS = 20  # enough for 20 load-test users with accounts of their own
ADMINS = 2

# 2024/25 Q1 to 2025/26 Q4; the last is open for updates.
QUARTERS = [(2024, q) for q in (1, 2, 3, 4)] + [(2025, q) for q in (1, 2, 3, 4)]
# The quarter whose paper is published (the latest closed one).
PAPER_QUARTER = (2025, 3)

# The paper has 10 of 356 deliverables Red: about 3%. A status mostly stays as it was
# from one quarter to the next, so the improving list stays short, as in the paper.
RAG_MIX = [(Rag.GREEN, 0.80), (Rag.AMBER, 0.17), (Rag.RED, 0.03)]
KEEP_STATUS = 0.85
# Updates in an open quarter are in every state of the review cycle.
OPEN_STATES = [
    (StatusUpdate.State.APPROVED, 0.35),
    (StatusUpdate.State.SUBMITTED, 0.25),
    (StatusUpdate.State.DRAFT, 0.30),
    (StatusUpdate.State.RETURNED, 0.10),
]

DEFAULT_PASSWORD = "synthetic-password-2026"
SEED = 2026
BATCH = 2000

WORDS = [
    "partnership",
    "delivery",
    "victims",
    "policing",
    "community",
    "safety",
    "funding",
    "review",
    "youth",
    "violence",
    "prevention",
    "neighbourhood",
    "road",
    "travel",
    "public",
    "confidence",
    "domestic",
    "abuse",
    "knife",
    "crime",
    "support",
    "service",
    "digital",
    "evidence",
    "commissioning",
    "outcomes",
    "board",
    "strategy",
    "data",
    "local",
    "authority",
    "health",
    "education",
    "housing",
    "probation",
    "courts",
    "rehabilitation",
    "engagement",
    "scrutiny",
    "accountability",
    "performance",
    "measures",
    "quarter",
]


def _pick(rng: random.Random, weighted):
    values, weights = zip(*weighted, strict=True)
    return rng.choices(values, weights)[0]


def _text(rng: random.Random, words: int) -> str:
    return "Synthetic: " + " ".join(rng.choice(WORDS) for _ in range(words)).capitalize() + "."


class Command(BaseCommand):
    help = "Build synthetic data at N times the West Midlands register (benchmarks and load tests only)."

    def add_arguments(self, parser):
        parser.add_argument(
            "--scale", type=float, default=1.0, help="Times the West Midlands data: 1, 10, 100 (0.05 for tests)."
        )
        parser.add_argument("--password", default=DEFAULT_PASSWORD, help="The password of every synthetic user.")
        parser.add_argument("--seed", type=int, default=SEED, help="Random seed: the same seed builds the same data.")

    def handle(self, *args, scale, password, seed, **options):
        if scale <= 0:
            raise CommandError("--scale must be above 0.")
        label = f"{scale:g}"
        title = f"Synthetic plan (scale {label})"
        if Plan.objects.filter(title=title).exists():
            raise CommandError(f"{title!r} already exists: use a fresh database.")
        self.rng = random.Random(seed)
        self.now = timezone.now()
        n_commitments = max(1, round(COMMITMENTS_PER_SCALE * scale))
        n_risks = max(1, round(RISKS_PER_SCALE * scale))
        with transaction.atomic():
            self._matrix()
            periods = self._periods()
            users = self._users(n_commitments, password)
            # Latest start year, and created last (highest pk): Plan.objects.current().
            start = max(Plan.objects.aggregate(year=Max("start_year"))["year"] or 2025, 2025)
            plan = Plan.objects.create(title=title, start_year=start, end_year=start + 4)
            commitments = self._commitments(plan, n_commitments, users)
            updates = self._updates(commitments, periods)
            risks = self._risks(n_risks, users, commitments, periods)
            if connection.vendor == "postgresql":
                # The planner still thinks the tables are empty (autovacuum cannot see this
                # transaction's rows): without fresh statistics publishing the paper at
                # 100x picks nested loops over seq scans and takes minutes.
                with connection.cursor() as cursor:
                    cursor.execute("ANALYZE")
            paper = self._paper(periods)
            # bulk_create sends no signals: say so to the commitments register's cache.
            register_changed()
        self.stdout.write(
            self.style.SUCCESS(
                f"{title}: {len(commitments)} commitments, {updates} status updates, {len(risks)} risks, "
                f"{sum(len(v) for v in users.values())} users; published paper {paper}."
            )
        )

    # -- reference data -------------------------------------------------------

    def _matrix(self):
        if not ScoringMatrix.objects.filter(is_active=True).exists():
            call_command("loaddata", "risk_matrix", verbosity=0)

    def _periods(self) -> list[ReportingPeriod]:
        """The 8 quarters, reusing any that exist (the demo data's keep their status)."""
        periods = []
        for year, quarter in QUARTERS:
            status = ReportingPeriod.Status.OPEN if (year, quarter) == QUARTERS[-1] else ReportingPeriod.Status.CLOSED
            period, _ = ReportingPeriod.objects.get_or_create(
                financial_year=year, quarter=quarter, defaults={"status": status}
            )
            periods.append(period)
        return periods

    def _users(self, n_commitments: int, password: str) -> dict[str, list]:
        User = get_user_model()
        hashed = make_password(password)  # slow by design: once, not per user
        counts = {
            Role.OFFICER: ("officer", math.ceil(n_commitments / COMMITMENTS_PER_OFFICER)),
            Role.SMT_LEAD: ("smt", math.ceil(n_commitments / COMMITMENTS_PER_SMT_LEAD)),
            Role.COMMITTEE_MEMBER: ("committee", COMMITTEE_MEMBERS),
            Role.REGISTER_ADMIN: ("admin", ADMINS),
        }
        users = {}
        for role, (kind, count) in counts.items():
            made = User.objects.bulk_create(
                [
                    User(
                        username=f"synthetic-{kind}-{i:04d}",
                        first_name="Synthetic",
                        last_name=f"{kind.capitalize()} {i}",
                        email=f"synthetic-{kind}-{i:04d}@example.org",
                        password=hashed,
                        is_staff=role == Role.REGISTER_ADMIN,
                    )
                    for i in range(1, count + 1)
                ],
                batch_size=BATCH,
            )
            group = Group.objects.get(name=role)
            User.groups.through.objects.bulk_create(
                [User.groups.through(user_id=u.pk, group_id=group.pk) for u in made], batch_size=BATCH
            )
            users[role] = made
        return users

    # -- commitments ----------------------------------------------------------

    def _commitments(self, plan, count: int, users) -> list[Commitment]:
        areas = [
            PolicyArea.objects.get_or_create(name=f"Synthetic: policy area {i}")[0] for i in range(1, POLICY_AREAS + 1)
        ]
        officers, smt_leads = users[Role.OFFICER], users[Role.SMT_LEAD]
        rng = self.rng
        commitments = bulk_create_with_history(
            [
                Commitment(
                    plan=plan,
                    ref=ref,
                    text=_text(rng, rng.randint(12, 40)),
                    # Consecutive refs share leads, as a plan's sections do.
                    officer_lead=officers[(ref - 1) // COMMITMENTS_PER_OFFICER],
                    smt_lead=smt_leads[(ref - 1) // COMMITMENTS_PER_SMT_LEAD],
                    wmp_lead=f"Synthetic contact {rng.randint(1, 200)}",
                    timescale=rng.choice(["2025-2026", "2025-2027", "2025-2029", "Ongoing"]),
                )
                for ref in range(1, count + 1)
            ],
            Commitment,
            batch_size=BATCH,
            default_date=self.now,
        )
        links = []
        for commitment in commitments:
            # One commitment in twenty sits under two policy areas, as in the paper.
            for position, area in enumerate(rng.sample(areas, 2 if rng.random() < 0.05 else 1)):
                links.append(CommitmentPolicyArea(commitment=commitment, policy_area=area, position=position))
        bulk_create_with_history(links, CommitmentPolicyArea, batch_size=BATCH, default_date=self.now)
        return commitments

    def _updates(self, commitments, periods) -> int:
        rng = self.rng
        rag_values, rag_weights = zip(*RAG_MIX, strict=True)
        made = 0
        for start in range(0, len(commitments), 500):
            batch = []
            for commitment in commitments[start : start + 500]:
                rag = rng.choices(rag_values, rag_weights)[0]
                for period in periods:
                    if period.status == ReportingPeriod.Status.UPCOMING:
                        continue
                    if rng.random() > KEEP_STATUS:
                        rag = rng.choices(rag_values, rag_weights)[0]
                    state = _pick(rng, OPEN_STATES) if period.is_open else StatusUpdate.State.APPROVED
                    when = datetime.datetime.combine(period.end_date, datetime.time(12), tzinfo=datetime.UTC)
                    reviewed = state in (StatusUpdate.State.APPROVED, StatusUpdate.State.RETURNED)
                    batch.append(
                        StatusUpdate(
                            commitment=commitment,
                            period=period,
                            rag=rag,
                            narrative=_text(rng, rng.randint(20, 80)),
                            state=state,
                            review_comment=_text(rng, 12) if state == StatusUpdate.State.RETURNED else "",
                            author_id=commitment.officer_lead_id,
                            submitted_at=when if state != StatusUpdate.State.DRAFT else None,
                            reviewer_id=commitment.smt_lead_id if reviewed else None,
                            reviewed_at=when if reviewed else None,
                        )
                    )
            bulk_create_with_history(batch, StatusUpdate, batch_size=BATCH, default_date=self.now)
            made += len(batch)
        return made

    # -- risks ----------------------------------------------------------------

    def _risks(self, count: int, users, commitments, periods) -> list[Risk]:
        rng = self.rng
        owners = users[Role.SMT_LEAD]
        first, closed = periods[0], [p for p in periods if not p.is_open and p != periods[0]]
        # Most risks have been open all along; some opened, closed or are proposed later.
        stories = []
        for _ in range(count):
            roll = rng.random()
            story = "open" if roll < 0.80 else "opened" if roll < 0.88 else "closed" if roll < 0.95 else "proposed"
            stories.append((story, rng.choice(closed)))
        final = {
            "open": Risk.Status.OPEN,
            "opened": Risk.Status.OPEN,
            "closed": Risk.Status.CLOSED,
            "proposed": Risk.Status.UNDER_CONSIDERATION,
        }
        risks = bulk_create_with_history(
            [
                Risk(
                    ref=f"SYN{i:04d}",
                    title=_text(rng, 6),
                    description=_text(rng, 30),
                    causes=_text(rng, 25),
                    consequences=_text(rng, 25),
                    kind=rng.choice([Risk.Kind.CORPORATE, Risk.Kind.TOPICAL]),
                    owner=owners[(i - 1) % len(owners)],
                    status=final[story],
                )
                for i, (story, _) in enumerate(stories, start=1)
            ],
            Risk,
            batch_size=BATCH,
            default_date=self.now,
        )
        areas = list(PolicyArea.objects.filter(name__startswith="Synthetic:"))
        Risk.policy_areas.through.objects.bulk_create(
            [Risk.policy_areas.through(risk=risk, policyarea=rng.choice(areas)) for risk in risks], batch_size=BATCH
        )
        # A risk links the commitments near it in the plan: about 3 each.
        Risk.commitments.through.objects.bulk_create(
            [
                Risk.commitments.through(risk=risk, commitment=commitment)
                for risk in risks
                for commitment in rng.sample(commitments, min(3, len(commitments)))
            ],
            batch_size=BATCH,
        )
        changes, assessments, actions = [], [], []
        for risk, (story, when) in zip(risks, stories, strict=True):
            owner = risk.owner
            if story == "open":
                changes.append(self._change(risk, "", Risk.Status.OPEN, first, owner))
            elif story == "opened":
                changes.append(self._change(risk, "", Risk.Status.UNDER_CONSIDERATION, first, owner))
                changes.append(self._change(risk, Risk.Status.UNDER_CONSIDERATION, Risk.Status.OPEN, when, owner))
            elif story == "closed":
                changes.append(self._change(risk, "", Risk.Status.OPEN, first, owner))
                changes.append(self._change(risk, Risk.Status.OPEN, Risk.Status.CLOSED, when, owner))
            else:
                changes.append(self._change(risk, "", Risk.Status.UNDER_CONSIDERATION, when, owner))
            likelihood, impact = rng.randint(1, 5), rng.randint(1, 5)
            for period in periods:
                if period.status == ReportingPeriod.Status.UPCOMING:
                    continue
                # Scores drift a step at a time.
                likelihood = min(5, max(1, likelihood + rng.choice([-1, 0, 0, 0, 1])))
                impact = min(5, max(1, impact + rng.choice([-1, 0, 0, 0, 0, 1])))
                assessments.append(
                    Assessment(
                        risk=risk,
                        period=period,
                        inherent_likelihood=min(5, likelihood + 1),
                        inherent_impact=min(5, impact + 1),
                        current_likelihood=likelihood,
                        current_impact=impact,
                        target_likelihood=max(1, likelihood - 1),
                        target_impact=max(1, impact - 1),
                        rationale=_text(rng, 30),
                        controls=_text(rng, 20),
                        assessed_by=owner,
                        assessed_at=datetime.datetime.combine(period.end_date, datetime.time(12), tzinfo=datetime.UTC),
                    )
                )
            for number in (1, 2):
                actions.append(
                    Action(
                        risk=risk,
                        description=f"Synthetic: action {number} on {risk.ref}",
                        owner_name="Synthetic contact",
                        target_text="Ongoing",
                        rag=rng.choice(Rag.values),
                    )
                )
        StatusChange.objects.bulk_create(changes, batch_size=BATCH)
        bulk_create_with_history(assessments, Assessment, batch_size=BATCH, default_date=self.now)
        bulk_create_with_history(actions, Action, batch_size=BATCH, default_date=self.now)
        return risks

    def _change(self, risk, from_status, to_status, period, by) -> StatusChange:
        return StatusChange(
            risk=risk,
            from_status=from_status,
            to_status=to_status,
            period=period,
            date=period.start_date + datetime.timedelta(days=20),
            reason=_text(self.rng, 15),
            changed_by=by,
        )

    # -- the committee paper --------------------------------------------------

    def _paper(self, periods) -> str:
        """The latest closed quarter's paper, published, so the frozen path is measured too."""
        period = next(p for p in periods if p.key == PAPER_QUARTER)
        paper, _ = Paper.objects.get_or_create(
            period=period,
            defaults={
                "meeting_date": period.end_date + datetime.timedelta(days=70),
                "agenda_item": "12",
                "purpose": _text(self.rng, 40),
                "methodology": _text(self.rng, 60),
                "delivery_introduction": _text(self.rng, 80),
                "statuses_assessed_in": "Synthetic month",
                "delivery_narrative": _text(self.rng, 120),
                "contact_name": "Synthetic contact",
                "contact_title": "Synthetic title",
            },
        )
        if not paper.versions.exists():
            paper_publish(paper=paper, by=None)
        # The Police and Crime Panel's report of the same quarter, published too.
        report, _ = PanelReport.objects.get_or_create(
            period=period,
            defaults={
                "meeting_date": period.end_date + datetime.timedelta(days=75),
                "introduction": _text(self.rng, 60),
            },
        )
        if not report.versions.exists():
            panel_report_publish(report=report, by=None)
        # What the public pages and the API read: the latest closed quarter, published for the public.
        closed = [p for p in periods if p.status == ReportingPeriod.Status.CLOSED]
        if closed and not PublicRelease.objects.filter(period=closed[-1]).exists():
            release_publish(period=closed[-1], by=None)
        return period.label
