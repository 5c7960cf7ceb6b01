from crispy_forms_gds.layout import Button, Field, Size
from django import forms
from django.core.exceptions import ValidationError
from django.db.models import Q, Value
from django.db.models.functions import Upper

from commitments import services
from commitments.models import NOT_ASSESSED, PolicyArea, Rag, StatusUpdate
from commitments.services import require_narrative
from riskreg.forms import TabularUploadForm, filter_form_helper, form_helper, person_matches
from riskreg.numbers import whole_number

RAG_FILTER_CHOICES = [("", "Any"), *Rag.choices, ("none", NOT_ASSESSED)]


class StatusUpdateForm(forms.Form):
    """The officer's quarterly RAG status and narrative."""

    rag = forms.ChoiceField(
        label="RAG status",
        choices=Rag.choices,
        widget=forms.RadioSelect,
        help_text="Red means additional support or action is needed to deliver, not that it will not be delivered.",
        error_messages={"required": "Select a RAG status"},
    )
    narrative = forms.CharField(
        label="Update",
        widget=forms.Textarea(attrs={"rows": 8}),
        required=False,
        help_text="What has happened this quarter, and what is needed. Required for Red and Amber.",
        max_length=10_000,
        error_messages={"max_length": "Update must be 10,000 characters or fewer"},
    )
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=0)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = form_helper(
            Field.radios("rag", legend_size=Size.MEDIUM, inline=True),
            Field.textarea("narrative", label_size=Size.MEDIUM),
            "version",
            Button("submit", "Submit for review"),
            Button.secondary("save", "Save draft"),
        )

    @classmethod
    def for_update(cls, update: StatusUpdate | None, data=None) -> "StatusUpdateForm":
        """The form for what was posted, or starting from the update as it is."""
        if data is not None:
            return cls(data)
        return cls(
            initial={"rag": update.rag, "narrative": update.narrative, "version": update.version}
            if update
            else {"version": 0}
        )

    @classmethod
    def keeping_typed(cls, data, current: StatusUpdate | None) -> "StatusUpdateForm":
        """After a conflict: what they typed, with the newer version, so they can save over it knowingly."""
        return cls({**data.dict(), "version": current.version if current else 0})

    @property
    def wants_submit(self) -> bool:
        return "submit" in self.data

    def save_update(self, *, commitment, period, by) -> StatusUpdate:
        return services.status_update_save(
            commitment=commitment,
            period=period,
            by=by,
            rag=self.cleaned_data["rag"],
            narrative=self.cleaned_data["narrative"],
            version=self.cleaned_data["version"],
            submit=self.wants_submit,
        )

    def clean(self):
        cleaned = super().clean()
        if self.wants_submit:
            try:
                require_narrative(cleaned.get("rag", ""), cleaned.get("narrative", ""))
            except ValidationError as error:
                self.add_error(None, error)
        return cleaned


class ReviewForm(forms.Form):
    decision = forms.ChoiceField(
        label="Your review",
        choices=[("approve", "Approve"), ("return", "Return to the officer for changes")],
        widget=forms.RadioSelect,
        error_messages={"required": "Select approve or return"},
    )
    comment = forms.CharField(
        label="Comment for the officer",
        widget=forms.Textarea(attrs={"rows": 4}),
        required=False,
        help_text="Required when you return the update.",
        max_length=5_000,
    )
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = form_helper(
            Field.radios("decision", legend_size=Size.MEDIUM),
            Field.textarea("comment"),
            "version",
            Button("submit", "Save review"),
        )

    def review(self, update: StatusUpdate, *, reviewer) -> StatusUpdate:
        return services.status_update_review(
            update=update,
            reviewer=reviewer,
            approve=self.cleaned_data["decision"] == "approve",
            comment=self.cleaned_data["comment"],
            version=self.cleaned_data["version"],
        )

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("decision") == "return" and not cleaned.get("comment", "").strip():
            self.add_error("comment", "Enter a comment telling the officer what to change")
        return cleaned


class RegisterFilterForm(forms.Form):
    """The register's filters. Every field is optional; bad values are reported, not ignored."""

    q = forms.CharField(label="Search", required=False, max_length=200, help_text="Words in the commitment, or its ref")
    policy_area = forms.ModelChoiceField(
        label="Policy area", queryset=PolicyArea.objects.all(), required=False, empty_label="Any"
    )
    period = forms.ChoiceField(label="Quarter", required=False)
    rag = forms.ChoiceField(label="RAG in that quarter", choices=RAG_FILTER_CHOICES, required=False)
    state = forms.ChoiceField(
        label="Update state in that quarter",
        choices=[("", "Any"), *StatusUpdate.State.choices, ("none", "No update yet")],
        required=False,
    )
    # Text, not a list of every lead: at a hundred times the plan that list ran to
    # thousands of names and was most of the page's time (benchmarks/).
    smt_lead = forms.CharField(label="SMT lead", required=False, max_length=150, help_text="Name or username")
    officer_lead = forms.CharField(label="Officer lead", required=False, max_length=150, help_text="Name or username")

    def __init__(self, *args, periods, show_state: bool, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["period"].choices = [(p.slug, p.label) for p in reversed(periods)]
        if not show_state:
            del self.fields["state"]
        self.helper = filter_form_helper(
            "Filter the register",
            Field.text("q"),
            Field.select("policy_area"),
            Field.select("period"),
            Field.select("rag"),
            *([Field.select("state")] if show_state else []),
            Field.text("smt_lead"),
            Field.text("officer_lead"),
        )

    def filter(self, commitments, period):
        """The commitments that match the filters, with RAG and state read in `period`."""
        data = self.cleaned_data
        if data.get("q"):
            text = data["q"].strip()
            # search_text is the text in capitals (Commitment.search_text), capitalised
            # by the database as the words are, so the two always agree.
            match = Q(search_text__contains=Upper(Value(text))) | Q(wmp_lead__icontains=text)
            if (ref := whole_number(text)) is not None:
                match |= Q(ref=ref)
            commitments = commitments.filter(match)
        if data.get("policy_area"):
            commitments = commitments.filter(areas__policy_area=data["policy_area"])
        for lead in ("smt_lead", "officer_lead"):
            if data.get(lead):
                commitments = commitments.filter(person_matches(lead, data[lead]))
        if data.get("rag") and period:
            commitments = commitments.with_approved_rag_in(period, None if data["rag"] == "none" else data["rag"])
        if data.get("state") and period:
            commitments = commitments.with_update_state_in(period, None if data["state"] == "none" else data["state"])
        return commitments


def _text_match(text: str) -> Q:
    """Words in the commitment (its stored capitals, as the register searches), or its ref."""
    match = Q(search_text__contains=Upper(Value(text)))
    if (ref := whole_number(text)) is not None:
        match |= Q(ref=ref)
    return match


class MineFilterForm(forms.Form):
    """My commitments' filters: the counters link to ?state=... with these names."""

    STATES = [
        ("", "Any"),
        ("to_write", "To write (not started or draft)"),
        (StatusUpdate.State.RETURNED, "Returned to you"),
        (StatusUpdate.State.SUBMITTED, "Waiting for review"),
        (StatusUpdate.State.APPROVED, "Approved"),
    ]

    q = forms.CharField(label="Search", required=False, max_length=200, help_text="Words in the commitment, or its ref")
    policy_area = forms.ModelChoiceField(
        label="Policy area", queryset=PolicyArea.objects.all(), required=False, empty_label="Any"
    )
    state = forms.ChoiceField(label="This quarter's update", choices=STATES, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = filter_form_helper(
            "Filter your commitments", Field.text("q"), Field.select("policy_area"), Field.select("state")
        )

    @property
    def chosen_state(self) -> str:
        return self.cleaned_data.get("state", "") if self.is_bound and self.is_valid() else ""

    def filter(self, commitments, open_periods):
        """The commitments that match; the state is their update's in an open quarter."""
        data = self.cleaned_data if self.is_bound else {}
        if data.get("q", "").strip():
            commitments = commitments.filter(_text_match(data["q"].strip()))
        if data.get("policy_area"):
            commitments = commitments.filter(areas__policy_area=data["policy_area"])
        if state := self.chosen_state:
            updates = StatusUpdate.objects.filter(period__in=open_periods)
            if state == "to_write":
                started = updates.exclude(state=StatusUpdate.State.DRAFT)
                commitments = commitments.exclude(pk__in=started.values("commitment"))
            else:
                commitments = commitments.filter(pk__in=updates.filter(state=state).values("commitment"))
        return commitments

    def shows_state(self, update: StatusUpdate | None) -> bool:
        """Whether a row (one quarter's update, or none) matches the state filter."""
        state = self.chosen_state
        if not state:
            return True
        if state == "to_write":
            return update is None or update.state == StatusUpdate.State.DRAFT
        return update is not None and update.state == state


class ImportForm(TabularUploadForm):
    help_text = "Columns: Ref, Policy Area, Individual Commitment, SMT Lead, Officer Lead, WMP Lead, Timescale."
