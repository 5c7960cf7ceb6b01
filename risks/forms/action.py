"""Something being done about a risk."""

from crispy_forms_gds.layout import Field, Size
from django import forms
from django.contrib.auth import get_user_model

from commitments.models import Rag
from riskreg.forms import RefusesControlCharacters, form_helper
from risks.forms.fields import GovDateField
from risks.models import Action


class ActionForm(RefusesControlCharacters, forms.ModelForm):
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
        self.helper = form_helper(
            Field.textarea("description", rows=3),
            Field.select("owner"),
            Field.text("owner_name", field_width=20),
            Field("target_date"),
            Field.text("target_text", field_width=20),
            Field.radios("rag", inline=True, small=True),
            Field.textarea("notes", rows=4),
            submit="Save the action",
            label_size=Size.SMALL,
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
