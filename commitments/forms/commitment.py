"""A commitment edited in the site, and the upload of the import."""

from crispy_forms_gds.layout import Button, Field, Size
from django import forms
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q

from commitments.models import Commitment, CommitmentPolicyArea, PolicyArea
from riskreg.forms import RefusesControlCharacters, TabularUploadForm, form_helper
from riskreg.roles import Role


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


class CommitmentForm(RefusesControlCharacters, forms.ModelForm):
    """A register admin's edit of a commitment: what the import would change, one at a time."""

    policy_areas = forms.CharField(
        label="Policy areas",
        required=False,
        max_length=1_000,
        help_text="In the plan's order, separated by ' / ', e.g. VAWG / Protecting Victims and Witnesses",
    )
    smt_lead = forms.CharField(label="SMT lead", required=False, max_length=254, help_text="Username or email")
    officer_lead = forms.CharField(label="Officer lead", required=False, max_length=254, help_text="Username or email")
    wmp_lead_user = forms.CharField(
        label="WMP lead's account (partner contributor)",
        required=False,
        max_length=254,
        help_text="Username or email of the WMP lead, if they sign in to write contributions",
    )
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
            wmp_lead_user=commitment.wmp_lead_user.username if commitment.wmp_lead_user else "",
            last_saved=last_saved,
        )
        self.helper = form_helper(
            Field.textarea("text", label_size=Size.SMALL),
            Field.text("policy_areas"),
            Field.text("smt_lead", field_width=20),
            Field.text("officer_lead", field_width=20),
            Field.text("wmp_lead"),
            Field.text("wmp_lead_user", field_width=20),
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

    def clean_wmp_lead_user(self):
        return _lead(self.cleaned_data["wmp_lead_user"], role=[Role.PARTNER], field="a partner contributor")

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
        commitment.wmp_lead_user = self.cleaned_data["wmp_lead_user"]
        commitment._history_user = by
        commitment.save()
        areas = self.cleaned_data["policy_areas"]
        if [a.policy_area_id for a in commitment.areas_in_order] != [area.pk for area in areas]:
            # In the plan's order: replaced whole, as the import does, so each change is in the history.
            commitment.areas.all().delete()
            for position, area in enumerate(areas):
                CommitmentPolicyArea.objects.create(commitment=commitment, policy_area=area, position=position)
        return commitment
