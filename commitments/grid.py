"""The update grid: one page with a row for each commitment an officer leads in an open
quarter, last quarter's approved status beside each, saved in one request.

Each row is written by services.status_update_save on its own, so a row that is refused
(changed elsewhere since the page was opened, submitted, closed, or no longer theirs)
costs that row only: the others save, and the refused row is shown with its reason and
the version saved now.

Every row's fields are named by its ref: r96-rag, r96-narrative, r96-version (0: there
was no update when the page was opened), r96-carry ("No change since last quarter") and
r96-select (submit it for review).
"""

import re
from dataclasses import dataclass, field

from django import forms
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Prefetch

from commitments import permissions, services
from commitments.models import Commitment, Rag, ReportingPeriod, StatusUpdate
from riskreg.forms import RefusesControlCharacters

NARRATIVE_MAX = 10_000
_POSTED_ROW = re.compile(r"^r(\d{1,9})-version$")


class GridRowForm(RefusesControlCharacters, forms.Form):
    """One row as posted. Every field is optional: an untouched row posts blanks."""

    rag = forms.ChoiceField(choices=Rag.choices, required=False)
    narrative = forms.CharField(required=False, max_length=NARRATIVE_MAX)
    version = forms.IntegerField(min_value=0)
    carry = forms.BooleanField(required=False)
    select = forms.BooleanField(required=False)


def _same_text(a: str, b: str) -> bool:
    # A textarea posts \r\n and the form strips the ends: compare what the person sees.
    return a.replace("\r\n", "\n").strip() == b.replace("\r\n", "\n").strip()


@dataclass
class GridRow:
    commitment: Commitment
    update: StatusUpdate | None  # this quarter's, as saved
    previous: StatusUpdate | None  # last quarter's, approved only
    rag: str = ""
    narrative: str = ""
    carry: bool = False
    select: bool = False
    version: int = 0
    errors: list[tuple[str, str]] = field(default_factory=list)  # (message, field id it links to)
    refused: str = ""  # why the row was not saved and cannot be edited here now
    other: StatusUpdate | None = None  # the version saved elsewhere, shown beside what they typed
    typed: bool = False  # the values shown are what they posted, not what is saved
    leads: bool = True  # False: posted for a commitment they no longer lead

    @classmethod
    def as_saved(cls, commitment, update, previous) -> "GridRow":
        row = cls(commitment, update, previous)
        row.show_saved()
        return row

    def show_saved(self) -> None:
        update = self.update
        self.rag, self.narrative = (update.rag, update.narrative) if update else ("", "")
        self.carry = bool(update and update.carried_forward)
        self.version = update.version if update else 0

    @property
    def ref(self) -> int:
        return self.commitment.ref

    @property
    def prefix(self) -> str:
        return f"r{self.ref}"

    @property
    def editable(self) -> bool:
        """Inputs are shown: it is theirs, and not submitted, approved or refused as locked."""
        if self.refused or not self.leads:
            return False
        return self.update is None or self.update.state in permissions.EDITABLE_STATES

    @property
    def first_rag_id(self) -> str:
        return f"{self.prefix}-rag-{Rag.RED}"

    @property
    def narrative_id(self) -> str:
        return f"{self.prefix}-narrative"

    @property
    def heading_id(self) -> str:
        return f"row-{self.ref}"

    def error(self, message: str, anchor: str | None = None) -> None:
        self.errors.append((f"Commitment {self.ref}: {message}", anchor or self.heading_id))

    def refuse(self, reason: str, other: StatusUpdate | None) -> None:
        self.refused, self.other = reason, other
        self.error(f"{reason}. Your changes to it were not saved")

    def fill_from_previous(self) -> None:
        if self.previous is None:
            self.error("there is no approved update last quarter to start from")
            return
        self.rag, self.narrative, self.carry = self.previous.rag, self.previous.narrative, False

    def changed(self) -> bool:
        update = self.update
        if update is None:
            return bool(self.rag or self.narrative.strip() or self.carry)
        return (
            self.rag != update.rag
            or not _same_text(self.narrative, update.narrative)
            or self.carry != update.carried_forward
        )


@dataclass
class Grid:
    period: ReportingPeriod
    previous_period: ReportingPeriod | None
    rows: list[GridRow]
    saved: int = 0
    submitted: int = 0

    @property
    def errors(self) -> list[tuple[str, str]]:
        return [error for row in self.rows for error in row.errors]

    @property
    def editable_rows(self) -> int:
        return sum(1 for row in self.rows if row.editable)

    @property
    def summary(self) -> str:
        """What a save did, in a sentence."""
        if not (self.saved or self.submitted):
            return "No row had changed: nothing was saved."
        parts = []
        if self.saved:
            parts.append(f"saved {self.saved} {'draft' if self.saved == 1 else 'drafts'}")
        if self.submitted:
            parts.append(f"submitted {self.submitted} {'update' if self.submitted == 1 else 'updates'} for review")
        sentence = " and ".join(parts)
        return f"{self.period.label}: {sentence}."

    @property
    def context(self) -> dict:
        return {
            "grid": self,
            "period": self.period,
            "previous_period": self.previous_period,
            "rag_choices": Rag.choices,
        }

    # -- Reading --------------------------------------------------------------------

    @classmethod
    def load(cls, user, plan, period) -> "Grid":
        """The rows of every active commitment `user` leads as officer lead. Four queries
        (periods, commitments, their updates in this quarter and the last, authors'
        names with them) whatever the number of rows."""
        previous_period = period.previous(among=list(ReportingPeriod.objects.all()))
        shown = [p.pk for p in (period, previous_period) if p]
        updates = StatusUpdate.objects.filter(period__in=shown).select_related("author", "reviewer").order_by()
        led = (
            Commitment.objects.in_plan(plan)
            .active()
            .filter(officer_lead=user)
            .prefetch_related(Prefetch("status_updates", queryset=updates, to_attr="updates_shown"))
            .order_by("ref")
        )
        rows = [cls._row(commitment, period, previous_period) for commitment in led]
        return cls(period, previous_period, rows)

    @staticmethod
    def _row(commitment, period, previous_period) -> GridRow:
        previous = commitment.update_in(previous_period)
        approved = previous if previous and previous.is_approved else None
        return GridRow.as_saved(commitment, commitment.update_in(period), approved)

    # -- Posting --------------------------------------------------------------------

    def read_posted(self, data, plan) -> list[GridRow]:
        """Show what was posted in every row it names; returns the rows posted.

        A row posted for a commitment the person no longer leads is added, refused."""
        by_ref = {row.ref: row for row in self.rows}
        posted_refs = {int(m[1]) for key in data if (m := _POSTED_ROW.match(key))}
        strangers = sorted(posted_refs - by_ref.keys())
        if strangers:
            for commitment in Commitment.objects.in_plan(plan).filter(ref__in=strangers).order_by("ref"):
                row = GridRow(commitment, None, None, leads=False)
                by_ref[row.ref] = row
                self.rows.append(row)
        posted = []
        for ref in sorted(posted_refs & by_ref.keys()):
            row = by_ref[ref]
            form = GridRowForm(data, prefix=row.prefix)
            if not form.is_valid():
                self._report_form_errors(row, form)
                posted.append(row)
                continue
            typed = form.cleaned_data
            row.rag, row.narrative = typed["rag"], typed["narrative"]
            row.carry, row.select, row.version, row.typed = typed["carry"], typed["select"], typed["version"], True
            posted.append(row)
        return posted

    @staticmethod
    def _report_form_errors(row: GridRow, form: GridRowForm) -> None:
        # Keep what they typed on screen, as typed.
        rag = form.data.get(f"{row.prefix}-rag", "")
        row.rag = rag if rag in Rag.values else ""
        row.narrative = form.data.get(f"{row.prefix}-narrative", "")
        row.typed = True
        if "rag" in form.errors:
            row.error("select Red, Amber or Green", row.first_rag_id)
        if "narrative" in form.errors:
            if form.has_error("narrative", "control_characters"):
                message = "the update must not contain control characters (invisible characters, often pasted)"
            else:
                message = f"the update must be {NARRATIVE_MAX:,} characters or fewer"
            row.error(message, row.narrative_id)
        if "version" in form.errors:
            row.error("the page was out of date. Reload the page and try again")

    def fill(self, data, plan, ref: str) -> None:
        """'Start from last quarter' on one row: every row keeps what was typed; nothing is saved."""
        self.read_posted(data, plan)
        row = next((r for r in self.rows if str(r.ref) == ref and r.editable), None)
        if row is not None:
            row.fill_from_previous()

    def save(self, data, plan, *, by, submit_selected: bool) -> None:
        """Save every changed row as a draft; with `submit_selected`, submit the selected rows."""
        for row in self.read_posted(data, plan):
            if row.errors:
                continue
            submit = submit_selected and row.select
            self._carry_forward(row)
            if row.errors or not (row.changed() or submit):
                continue
            self._save_row(row, by=by, submit=submit)

    def _carry_forward(self, row: GridRow) -> None:
        """'No change since last quarter': last quarter's approved RAG and text. Once
        carried, an edit to the RAG or text wins over the ticked box and clears it."""
        if not row.carry:
            return
        previous = row.previous
        if previous is None:
            row.error("there is no approved update last quarter to carry forward", f"{row.prefix}-carry")
            return
        edited = not (row.rag == previous.rag and _same_text(row.narrative, previous.narrative))
        if row.update is not None and row.update.carried_forward and edited:
            row.carry = False
            return
        row.rag, row.narrative = previous.rag, previous.narrative

    def _save_row(self, row: GridRow, *, by, submit: bool) -> None:
        if not row.leads:
            withdrawn = not row.commitment.active
            row.refuse(
                "it has been withdrawn from the plan" if withdrawn else "you no longer lead it as officer lead", None
            )
            return
        if submit and not row.rag:
            row.error("select a RAG status before submitting it for review", row.first_rag_id)
            return
        try:
            saved = services.status_update_save(
                commitment=row.commitment,
                period=self.period,
                by=by,
                rag=row.rag,
                narrative=row.narrative,
                version=row.version,
                submit=submit,
                carried_forward=row.carry,
            )
        except services.EditConflict as conflict:
            row.other = conflict.current
            row.version = conflict.current.version if conflict.current else 0
            row.error(
                "someone else saved this update since you opened the page. Your version is kept "
                "below theirs: save again to replace theirs"
            )
        except PermissionDenied:
            # One more read, for refused rows only: what is saved now, to show beside theirs.
            now = self._saved_now(row)
            row.refuse(self._locked_reason(now), now)
        except ValidationError as error:
            for message in error.messages:
                row.error(message[0].lower() + message[1:], row.narrative_id)
        else:
            row.update, row.typed = saved, False
            row.show_saved()
            self.saved += not submit
            self.submitted += submit

    def _saved_now(self, row: GridRow) -> StatusUpdate | None:
        return (
            StatusUpdate.objects.select_related("author", "reviewer")
            .filter(commitment=row.commitment, period=self.period)
            .first()
        )

    def _locked_reason(self, now: StatusUpdate | None) -> str:
        if not self.period.is_open:
            return f"{self.period.label} is closed for updates"
        if now is not None and now.state not in permissions.EDITABLE_STATES:
            return f"its update was {now.get_state_display().lower()} since you opened the page"
        return "you no longer lead it as officer lead"

    def refuse_all(self, data, plan) -> None:
        """The quarter closed while the page was open: show what they typed, save nothing."""
        for row in self.read_posted(data, plan):
            row.refuse(f"{self.period.label} is closed for updates", row.update)
