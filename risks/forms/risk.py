"""Adding and editing a risk, and changing its status with a reason."""

from crispy_forms_gds.choices import Choice
from crispy_forms_gds.layout import Field, Size
from django import forms
from django.core.exceptions import ValidationError
from django.db import transaction

from commitments.models import Commitment, Plan, PolicyArea
from riskreg.forms import RefusesControlCharacters, form_helper
from riskreg.numbers import whole_number
from risks.forms.fields import GovDateField
from risks.models import Risk, owner_candidates


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


class RiskForm(RefusesControlCharacters, forms.ModelForm):
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
        self.helper = form_helper(
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
            label_size=Size.SMALL,
        )

    def clean_period(self):
        return self.periods[self.cleaned_data["period"]]

    @transaction.atomic
    def save_changes(self) -> Risk:
        """For an edit: the risk, its policy areas and its commitments, together or not at all."""
        risk = self.save()
        risk.commitments.set(self.cleaned_data["commitment_refs"])
        return risk


class StatusChangeForm(RefusesControlCharacters, forms.Form):
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
        self.helper = form_helper(
            Field.radios("to_status", legend_size=Size.SMALL),
            Field.select("period"),
            Field("date"),
            Field.textarea("reason", rows=4),
            submit="Change the status",
            label_size=Size.SMALL,
        )

    def clean_period(self):
        return self.periods[self.cleaned_data["period"]]

    def clean_reason(self):
        reason = self.cleaned_data["reason"].strip()
        if not reason:
            raise ValidationError("Enter the reason for the change")
        return reason
