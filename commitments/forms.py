from crispy_forms_gds.layout import Button, Field, Fieldset, Size
from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q, Value
from django.db.models.functions import Upper

from commitments import services
from commitments.models import NOT_ASSESSED, Commitment, CommitmentPolicyArea, Meeting, PolicyArea, Rag, StatusUpdate
from commitments.services import require_narrative
from commitments.windows import Window
from riskreg.forms import GovDateField, TabularUploadForm, filter_form_helper, form_helper, person_matches
from riskreg.numbers import whole_number
from riskreg.roles import Role

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


class ImportForm(TabularUploadForm):
    help_text = "Columns: Ref, Policy Area, Individual Commitment, SMT Lead, Officer Lead, WMP Lead, Timescale."


def _lead(text: str, *, role, field: str):
    """The user a lead field names (username or email), or None when it is left empty."""
    from django.contrib.auth import get_user_model

    text = text.strip()
    if not text:
        return None
    user = get_user_model().objects.filter(Q(username__iexact=text) | Q(email__iexact=text), is_active=True).first()
    if user is None:
        raise ValidationError(f"There is no user with the username or email '{text}'")
    if not user.groups.filter(name__in=role).exists():
        raise ValidationError(f"{user} is not {field}: ask a register admin to give them the role first")
    return user


class CommitmentForm(forms.ModelForm):
    """A register admin's edit of a commitment: what the import would change, one at a time."""

    policy_areas = forms.CharField(
        label="Policy areas",
        required=False,
        max_length=1_000,
        help_text="In the plan's order, separated by ' / ', e.g. VAWG / Protecting Victims and Witnesses",
    )
    smt_lead = forms.CharField(label="SMT lead", required=False, max_length=254, help_text="Username or email")
    officer_lead = forms.CharField(label="Officer lead", required=False, max_length=254, help_text="Username or email")
    last_saved = forms.IntegerField(widget=forms.HiddenInput, required=False)

    class Meta:
        model = Commitment
        fields = ["text", "wmp_lead", "timescale", "active"]
        labels = {"text": "Individual commitment", "active": "Active: listed in the register and counted in the paper"}
        error_messages = {
            "text": {"required": "Enter the text of the commitment"},
            "wmp_lead": {"max_length": "WMP lead must be 200 characters or fewer"},
            "timescale": {"max_length": "Timescale must be 100 characters or fewer"},
        }
        widgets = {"text": forms.Textarea(attrs={"rows": 5})}

    def __init__(self, *args, last_saved: int | None, **kwargs):
        super().__init__(*args, **kwargs)
        commitment = self.instance
        self.last_saved = last_saved
        self.initial.update(
            policy_areas=commitment.policy_area_names,
            smt_lead=commitment.smt_lead.username if commitment.smt_lead else "",
            officer_lead=commitment.officer_lead.username if commitment.officer_lead else "",
            last_saved=last_saved,
        )
        self.helper = form_helper(
            Field.textarea("text", label_size=Size.SMALL),
            Field.text("policy_areas"),
            Field.text("smt_lead", field_width=20),
            Field.text("officer_lead", field_width=20),
            Field.text("wmp_lead"),
            Field.text("timescale", field_width=20),
            Field.checkbox("active"),
            "last_saved",
            Button("submit", "Save the commitment"),
        )

    def clean_text(self):
        text = self.cleaned_data["text"].strip()
        if not text:
            raise ValidationError("Enter the text of the commitment")
        return text

    def clean_policy_areas(self) -> list[PolicyArea]:
        names = [name.strip() for name in self.cleaned_data["policy_areas"].split("/") if name.strip()]
        known = {area.name.casefold(): area for area in PolicyArea.objects.all()}
        areas = []
        for name in names:
            area = known.get(name.casefold())
            if area is None:
                choices = ", ".join(sorted(a.name for a in known.values()))
                raise ValidationError(f"There is no policy area called '{name}'. The policy areas are: {choices}")
            if area in areas:
                raise ValidationError(f"'{area.name}' is given twice: give each policy area once")
            areas.append(area)
        return areas

    def clean_smt_lead(self):
        return _lead(self.cleaned_data["smt_lead"], role=[Role.SMT_LEAD], field="an SMT lead")

    def clean_officer_lead(self):
        staff = [Role.OFFICER, Role.SMT_LEAD, Role.REGISTER_ADMIN]
        return _lead(self.cleaned_data["officer_lead"], role=staff, field="OPCC staff (an officer or SMT lead)")

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("last_saved") != self.last_saved:
            # Their words stay in the form, now with the newer version: saving again
            # replaces the other person's change knowingly.
            self.data = self.data.copy()
            self.data["last_saved"] = "" if self.last_saved is None else str(self.last_saved)
            raise ValidationError(
                "Someone else saved this commitment after you opened it, so nothing was saved. Check its page "
                "for their change; save again to replace it with yours."
            )
        return cleaned

    @transaction.atomic
    def save(self, *, by) -> Commitment:
        commitment = super().save(commit=False)
        commitment.smt_lead = self.cleaned_data["smt_lead"]
        commitment.officer_lead = self.cleaned_data["officer_lead"]
        commitment._history_user = by
        commitment.save()
        areas = self.cleaned_data["policy_areas"]
        if [a.policy_area_id for a in commitment.areas_in_order] != [area.pk for area in areas]:
            # In the plan's order: replaced whole, as the import does, so each change is in the history.
            commitment.areas.all().delete()
            for position, area in enumerate(areas):
                CommitmentPolicyArea.objects.create(commitment=commitment, policy_area=area, position=position)
        return commitment


def _deadline_hint(days: int) -> str:
    return f"For example, 16 2 2026. Leave blank to count back {days} working days from the earliest meeting"


class QuarterWindowForm(forms.Form):
    """The meetings a quarter reports to and its update window. The rule the dates
    follow is commitments.windows, applied by services.period_window_set."""

    opens_on = GovDateField(label="Updates open", what="day updates open", required=False)
    officer_deadline = GovDateField(label="Officers' deadline", what="officers' deadline", required=False)
    review_deadline = GovDateField(
        label="SMT leads' review deadline", what="SMT leads' review deadline", required=False
    )

    def __init__(self, *args, period, meetings, **kwargs):
        initial = {body: meeting.date for body, meeting in meetings.items()}
        initial |= {name: getattr(period, name) for name in ("opens_on", "officer_deadline", "review_deadline")}
        super().__init__(*args, initial=initial, **kwargs)
        for body in Meeting.Body:
            self.fields[body.value] = GovDateField(
                label=body.label, what=f"{body.label} date", required=False, help_text="For example, 12 3 2026"
            )
        self.order_fields([*Meeting.Body.values, "opens_on", "officer_deadline", "review_deadline"])
        for name, setting in [
            ("opens_on", settings.RISKREG_WINDOW_OPENS_DAYS),
            ("officer_deadline", settings.RISKREG_OFFICER_DEADLINE_DAYS),
            ("review_deadline", settings.RISKREG_REVIEW_DEADLINE_DAYS),
        ]:
            self.fields[name].help_text = _deadline_hint(setting)
        buttons = [Button("save", "Save the dates")]
        if not period.is_open:
            buttons.append(Button("open", f"Save and open {period.label}", css_class="govuk-button--secondary"))
        self.helper = form_helper(
            Fieldset(*(Field(body.value) for body in Meeting.Body), legend="Meetings the quarter reports to"),
            Fieldset(Field("opens_on"), Field("officer_deadline"), Field("review_deadline"), legend="Update window"),
            *buttons,
            label_size=Size.SMALL,
        )

    def meetings(self) -> dict:
        return {body.value: self.cleaned_data[body.value] for body in Meeting.Body}

    def window(self) -> Window:
        return Window(**{name: self.cleaned_data[name] for name in ("opens_on", "officer_deadline", "review_deadline")})


class CloseForm(forms.Form):
    """Closing a quarter: with updates outstanding, the reason why."""

    reason = forms.CharField(
        label="Why are you closing the quarter with updates not approved?",
        help_text="For example, the Joint Audit Committee asked for the paper now; the rest follow next quarter. "
        "It is kept in the quarter's history and shown on the committee paper's edit page.",
        widget=forms.Textarea(attrs={"rows": 4}),
        max_length=2_000,
        error_messages={"max_length": "The reason must be 2,000 characters or fewer"},
    )

    def __init__(self, *args, period, outstanding: int, **kwargs):
        super().__init__(*args, **kwargs)
        if outstanding:
            noun = "commitment has" if outstanding == 1 else "commitments have"
            self.fields["reason"].error_messages["required"] = (
                f"Enter why you are closing {period.label} while {outstanding} {noun} no approved update"
            )
            layout = [Field.textarea("reason", rows=4, label_size=Size.MEDIUM)]
        else:
            del self.fields["reason"]
            layout = []
        self.helper = form_helper(*layout, submit=f"Close {period.label}")
