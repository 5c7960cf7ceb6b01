"""The register's and My commitments' filters."""

from crispy_forms_gds.layout import Field
from django import forms
from django.db.models import Q, Value
from django.db.models.functions import Upper

from commitments.models import NOT_ASSESSED, PolicyArea, Rag, StatusUpdate
from riskreg.forms import filter_form_helper, person_matches
from riskreg.numbers import whole_number

RAG_FILTER_CHOICES = [("", "Any"), *Rag.choices, ("none", NOT_ASSESSED)]


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
        ("none", "Not started"),
        (StatusUpdate.State.DRAFT, "Draft"),
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
            elif state == "none":
                commitments = commitments.exclude(pk__in=updates.values("commitment"))
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
        if state == "none":
            return update is None
        return update is not None and update.state == state
