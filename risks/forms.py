from crispy_forms_gds.choices import Choice
from crispy_forms_gds.fields import DateInputField
from crispy_forms_gds.helper import FormHelper
from crispy_forms_gds.layout import Button, Field, Fieldset, Layout, Size
from django import forms
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db import transaction

from commitments.models import Commitment, Plan, PolicyArea, Rag
from riskreg.forms import TabularUploadForm, filter_form_helper, person_matches
from riskreg.numbers import whole_number
from risks.models import Action, Level, Risk, ScoringMatrix, owner_candidates


class GovDateField(DateInputField):
    """The GOV.UK date input, with messages in GOV.UK words."""

    def __init__(self, *, what: str, **kwargs):
        super().__init__(**kwargs)
        self.what = what
        self.error_messages["required"] = f"Enter the {what}"
        self.error_messages["incomplete"] = f"The {what} must include a day, month and year"

    def compress(self, data_list):
        try:
            return super().compress(data_list)
        except (ValidationError, OverflowError):  # date() overflows on a 20-digit year
            raise ValidationError(f"The {self.what} must be a real date") from None

    def clean(self, value):
        if isinstance(value, list | tuple):
            given = [part not in self.empty_values for part in value]
            if any(given) and not all(given):
                raise ValidationError(self.error_messages["incomplete"])
        try:
            return super().clean(value)
        except ValidationError as error:
            messages = [m for m in error.messages if m.startswith(("Enter the", "The "))]
            raise ValidationError(messages[:1] or [f"The {self.what} must be a real date"]) from None


def _helper(*fields, submit: str) -> FormHelper:
    helper = FormHelper()
    helper.form_tag = False
    helper.label_size = Size.SMALL
    helper.layout = Layout(*fields, Button("submit", submit))
    return helper


# ---------------------------------------------------------------------------
# The register's filters


class RegisterFilterForm(forms.Form):
    """Every field is optional; a bad value is reported, not silently ignored."""

    period = forms.ChoiceField(label="Scores as at", required=False)
    status = forms.ChoiceField(label="Status", choices=[("", "Any"), *Risk.Status.choices], required=False)
    kind = forms.ChoiceField(label="Kind", choices=[("", "Any"), *Risk.Kind.choices], required=False)
    # Text, not a list of every owner: at a hundred times the register that list ran to
    # hundreds of names and was most of the page's time (benchmarks/).
    owner = forms.CharField(label="Owner", required=False, max_length=150, help_text="Name or username")
    band = forms.ChoiceField(label="Current band", required=False)
    # With impact, one cell of the heat map: its "and N more" link lands here.
    likelihood = forms.TypedChoiceField(label="Current likelihood", coerce=int, empty_value=None, required=False)
    impact = forms.TypedChoiceField(label="Current impact", coerce=int, empty_value=None, required=False)

    def __init__(self, *args, periods, matrix: ScoringMatrix | None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["period"].choices = [(p.slug, p.label) for p in reversed(periods)]
        bands = matrix.sorted_bands if matrix else []
        self.fields["band"].choices = [("", "Any")] + [(str(b.pk), b.label) for b in bands]
        self.bands = {str(b.pk): b for b in bands}
        for name, levels in (
            ("likelihood", matrix.likelihoods if matrix else []),
            ("impact", matrix.impacts if matrix else []),
        ):
            self.fields[name].choices = [("", "Any")] + [
                (level.value, f"{level.value} {level.label}") for level in levels
            ]
        for name in ("period", "status", "kind", "band", "likelihood", "impact"):
            label = self.fields[name].label.lower()
            self.fields[name].error_messages["invalid_choice"] = f"Select a {label} from the list"
        self.helper = filter_form_helper(
            "Filter the register",
            Field.select("period"),
            Field.select("status"),
            Field.select("kind"),
            Field.text("owner"),
            Field.select("band"),
            Field.select("likelihood"),
            Field.select("impact"),
        )

    def filter(self, risks, period):
        """The risks that match, with scores as at `period`; call after is_valid()."""
        data = self.cleaned_data
        if data.get("status"):
            risks = risks.filter(status=data["status"])
        if data.get("kind"):
            risks = risks.filter(kind=data["kind"])
        if data.get("owner"):
            risks = risks.filter(person_matches("owner", data["owner"]))
        scored = {}
        band = self.bands.get(data.get("band") or "")
        if band:
            scored["score__range"] = (band.min_score, band.max_score)
        if data.get("likelihood") is not None:
            scored["current_likelihood"] = data["likelihood"]
        if data.get("impact") is not None:
            scored["current_impact"] = data["impact"]
        return risks.assessed_in(period, **scored) if scored else risks


# ---------------------------------------------------------------------------
# Risks


class CommitmentRefsField(forms.CharField):
    """Commitment numbers of the current plan, typed as '60, 307'."""

    def to_python(self, value):
        text = super().to_python(value)
        if not text.strip():
            return []
        parts = [part.strip() for part in text.replace(";", ",").split(",") if part.strip()]
        numbers = [whole_number(part) for part in parts]
        if None in numbers:
            raise ValidationError("Enter commitment numbers separated by commas, like 60, 307")
        refs = sorted(set(numbers))
        plan = Plan.objects.current()
        if plan is None:
            raise ValidationError("There is no plan in the register yet, so no commitments can be linked")
        found = {c.ref: c for c in Commitment.objects.in_plan(plan).filter(ref__in=refs)}
        missing = [str(ref) for ref in refs if ref not in found]
        if missing:
            raise ValidationError(f"There is no commitment {', '.join(missing)} in the {plan}")
        return [found[ref] for ref in refs]


class RiskForm(forms.ModelForm):
    """Create (with the first status and why) or edit a risk's fields."""

    commitment_refs = CommitmentRefsField(
        label="Commitments it threatens",
        required=False,
        help_text="Numbers of commitments in the plan, separated by commas, for example 60, 307",
    )
    period = forms.ChoiceField(
        label="Quarter in which it is added",
        error_messages={"required": "Select the quarter", "invalid_choice": "Select a quarter from the list"},
    )
    reason = forms.CharField(
        label="Why it is being added",
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=5_000,
        error_messages={"required": "Enter why the risk is being added"},
    )

    class Meta:
        model = Risk
        fields = [
            "ref",
            "title",
            "kind",
            "status",
            "owner",
            "description",
            "causes",
            "consequences",
            "policy_areas",
            "scores_illustrative",
        ]
        widgets = {
            "kind": forms.RadioSelect,
            "status": forms.RadioSelect,
            "description": forms.Textarea(attrs={"rows": 4}),
            "causes": forms.Textarea(attrs={"rows": 3}),
            "consequences": forms.Textarea(attrs={"rows": 3}),
            "policy_areas": forms.CheckboxSelectMultiple,
        }
        labels = {"ref": "Reference", "kind": "Kind of risk", "status": "Status"}
        help_texts = {"ref": "Capital letters then digits, for example CR05"}
        error_messages = {
            "ref": {
                "required": "Enter a reference, such as CR05",
                "unique": "A risk with this reference already exists",
            },
            "title": {"required": "Enter a title", "max_length": "Title must be 200 characters or fewer"},
            "kind": {"required": "Select whether the risk is corporate or topical"},
            "status": {"required": "Select the risk's status"},
            "owner": {"required": "Select the risk's owner", "invalid_choice": "Select an owner from the list"},
        }

    def __init__(self, *args, periods=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.creating = self.instance.pk is None
        self.fields["owner"].queryset = owner_candidates().order_by("first_name", "last_name", "username")
        self.fields["owner"].empty_label = "Select an owner"
        self.fields["owner"].help_text = "An SMT lead or register admin"
        self.fields["kind"].choices = [Choice(v, label, hint=Risk.KIND_HELP[v]) for v, label in Risk.Kind.choices]
        self.fields["policy_areas"].queryset = PolicyArea.objects.order_by("name")
        self.fields["policy_areas"].label = "Policy areas it threatens"
        self.fields["policy_areas"].help_text = "Select all that apply"
        if self.creating:
            self.fields["status"].choices = [
                (Risk.Status.OPEN, "Open: on the register"),
                (Risk.Status.UNDER_CONSIDERATION, "Under consideration: proposed, being evaluated"),
            ]
            self.fields["period"].choices = [("", "Select a quarter")] + [(p.slug, p.label) for p in reversed(periods)]
            self.periods = {p.slug: p for p in periods}
            status_fields = [Field.radios("status"), Field.select("period"), Field.textarea("reason", rows=3)]
        else:
            # The reference names the page; the status changes with a reason on its own page.
            del self.fields["ref"], self.fields["status"], self.fields["period"], self.fields["reason"]
            self.initial["commitment_refs"] = ", ".join(str(c.ref) for c in self.instance.commitments.all())
            status_fields = []
        self.helper = _helper(
            *([Field.text("ref", field_width=10)] if self.creating else []),
            Field.text("title"),
            Field.radios("kind"),
            *status_fields,
            Field.select("owner"),
            Field.textarea("description", rows=4),
            Field.textarea("causes", rows=3),
            Field.textarea("consequences", rows=3),
            Field.checkboxes("policy_areas", small=True),
            Field.text("commitment_refs", field_width=20),
            Field.checkbox("scores_illustrative", small=True),
            submit="Add the risk" if self.creating else "Save changes",
        )

    def clean_period(self):
        return self.periods[self.cleaned_data["period"]]

    @transaction.atomic
    def save_changes(self) -> Risk:
        """For an edit: the risk, its policy areas and its commitments, together or not at all."""
        risk = self.save()
        risk.commitments.set(self.cleaned_data["commitment_refs"])
        return risk


class StatusChangeForm(forms.Form):
    to_status = forms.ChoiceField(
        label="New status",
        widget=forms.RadioSelect,
        error_messages={"required": "Select the new status", "invalid_choice": "Select a status from the list"},
    )
    period = forms.ChoiceField(
        label="Quarter of the change",
        help_text="The committee paper for this quarter reports the change",
        error_messages={"required": "Select the quarter", "invalid_choice": "Select a quarter from the list"},
    )
    date = GovDateField(label="Date of the change", what="date of the change", help_text="For example, 14 11 2025")
    reason = forms.CharField(
        label="Reason for the change",
        widget=forms.Textarea(attrs={"rows": 4}),
        max_length=5_000,
        help_text="The committee reads this",
        error_messages={"required": "Enter the reason for the change"},
    )

    def __init__(self, *args, risk: Risk, periods, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["to_status"].choices = [(v, label) for v, label in Risk.Status.choices if v != risk.status]
        self.fields["period"].choices = [("", "Select a quarter")] + [(p.slug, p.label) for p in reversed(periods)]
        self.periods = {p.slug: p for p in periods}
        self.helper = _helper(
            Field.radios("to_status", legend_size=Size.SMALL),
            Field.select("period"),
            Field("date"),
            Field.textarea("reason", rows=4),
            submit="Change the status",
        )

    def clean_period(self):
        return self.periods[self.cleaned_data["period"]]

    def clean_reason(self):
        reason = self.cleaned_data["reason"].strip()
        if not reason:
            raise ValidationError("Enter the reason for the change")
        return reason


# ---------------------------------------------------------------------------
# Assessments


def _level_choices(levels: list[Level], *, blank: str | None) -> list:
    choices = [("", blank)] if blank else [("", "Select")]
    return choices + [(level.value, f"{level.value} {level.label}") for level in levels]


class AssessmentForm(forms.Form):
    """A quarter's scores. Choices and their limits come from the matrix in use."""

    version = forms.IntegerField(widget=forms.HiddenInput, min_value=0)
    rationale = forms.CharField(
        label="Rationale",
        widget=forms.Textarea(attrs={"rows": 4}),
        required=False,
        max_length=10_000,
        help_text="Why the risk is scored as it is this quarter; the committee reads this",
    )
    controls = forms.CharField(
        label="Controls in place", widget=forms.Textarea(attrs={"rows": 4}), required=False, max_length=10_000
    )

    KINDS = {
        "inherent": ("Inherent", "Before any controls. Leave both blank if not rated."),
        "current": ("Current", "With the controls in place now."),
        "target": ("Target", "Where the controls and actions should bring it. Leave both blank if not rated."),
    }

    def __init__(self, *args, matrix: ScoringMatrix, **kwargs):
        super().__init__(*args, **kwargs)
        self.matrix = matrix
        layout = []
        for kind, (title, hint) in self.KINDS.items():
            required = kind == "current"
            for axis, levels in (("likelihood", matrix.likelihoods), ("impact", matrix.impacts)):
                name = f"{kind}_{axis}"
                label = f"{title} {axis}"
                top = len(levels)
                self.fields[name] = forms.TypedChoiceField(
                    label=label,
                    choices=_level_choices(levels, blank=None if required else "Not rated"),
                    coerce=int,
                    empty_value=None,
                    required=required,
                    error_messages={
                        "required": f"Select the {label.lower()}",
                        "invalid_choice": f"{label} must be a whole number from 1 to {top}, the matrix's scale",
                    },
                )
            layout.append(
                Fieldset(
                    Field.select(f"{kind}_likelihood"),
                    Field.select(f"{kind}_impact"),
                    legend=f"{title} score",
                    legend_size=Size.SMALL,
                )
            )
            self.fields[f"{kind}_likelihood"].help_text = hint
        self.helper = _helper(
            *layout, Field.textarea("rationale", rows=4), Field.textarea("controls", rows=4), "version", submit="Save"
        )
        # Fields in the order of the page, for the error summary.
        self.order_fields([f"{k}_{a}" for k in self.KINDS for a in ("likelihood", "impact")])

    def clean(self):
        cleaned = super().clean()
        for kind, (title, _) in self.KINDS.items():
            likelihood, impact = cleaned.get(f"{kind}_likelihood"), cleaned.get(f"{kind}_impact")
            if (likelihood is None) != (impact is None) and not self.has_error(f"{kind}_likelihood"):
                missing = "impact" if impact is None else "likelihood"
                if not self.has_error(f"{kind}_{missing}"):
                    self.add_error(
                        f"{kind}_{missing}", f"Select the {title.lower()} {missing} too, or leave both blank"
                    )
        return cleaned


# ---------------------------------------------------------------------------
# Actions


class ActionForm(forms.ModelForm):
    target_date = GovDateField(
        label="Target date", what="target date", required=False, help_text="For example, 31 3 2026"
    )

    class Meta:
        model = Action
        fields = ["description", "owner", "owner_name", "target_date", "target_text", "rag", "notes"]
        widgets = {
            "description": forms.Textarea(attrs={"rows": 3}),
            "rag": forms.RadioSelect,
            "notes": forms.Textarea(attrs={"rows": 4}),
        }
        labels = {
            "owner": "Owner in the register",
            "owner_name": "Or the owner's name",
            "target_text": "Or describe the target",
        }
        help_texts = {
            "owner_name": "For someone who does not use the register, for example a contact in the force",
            "target_text": "For example Ongoing",
        }
        error_messages = {
            "description": {
                "required": "Enter what the action is",
                "max_length": "The action must be 500 characters or fewer",
            },
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["owner"].queryset = get_user_model().objects.filter(is_active=True)
        self.fields["owner"].empty_label = "Not a user of the register"
        self.fields["owner"].error_messages["invalid_choice"] = "Select an owner from the list"
        self.fields["rag"].choices = [("", "Not assessed"), *Rag.choices]
        self.fields["rag"].help_text = "Red means additional support or action is needed, not that it will fail"
        self.helper = _helper(
            Field.textarea("description", rows=3),
            Field.select("owner"),
            Field.text("owner_name", field_width=20),
            Field("target_date"),
            Field.text("target_text", field_width=20),
            Field.radios("rag", inline=True, small=True),
            Field.textarea("notes", rows=4),
            submit="Save the action",
        )

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("owner") and cleaned.get("owner_name", "").strip():
            self.add_error("owner_name", "Select an owner in the register or enter a name, not both")
        elif not cleaned.get("owner") and not cleaned.get("owner_name", "").strip() and "owner" not in self.errors:
            self.add_error("owner", "Select the action's owner, or enter their name below")
        if cleaned.get("target_date") and cleaned.get("target_text", "").strip():
            self.add_error("target_text", "Enter a target date or describe the target, not both")
        elif (
            not cleaned.get("target_date")
            and not cleaned.get("target_text", "").strip()
            and not self.has_error("target_date")
        ):
            self.add_error("target_date", "Enter a target date, or describe the target, such as Ongoing")
        description = cleaned.get("description", "").strip()
        if description and self.instance.risk_id:
            clash = Action.objects.filter(risk_id=self.instance.risk_id, description=description)
            if clash.exclude(pk=self.instance.pk).exists():
                self.add_error("description", "This risk already has an action with this description")
        return cleaned


# ---------------------------------------------------------------------------
# Import


class ImportForm(TabularUploadForm):
    help_text = "One row per risk and quarter. See the columns above."
