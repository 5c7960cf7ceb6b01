"""The officer's update and the SMT lead's review."""

from crispy_forms_gds.layout import Button, Field, Size
from django import forms
from django.core.exceptions import ValidationError

from commitments import services
from commitments.models import Rag, StatusUpdate
from commitments.services import require_narrative
from riskreg.forms import RefusesControlCharacters, form_helper


class StatusUpdateForm(RefusesControlCharacters, forms.Form):
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


class ReviewForm(RefusesControlCharacters, forms.Form):
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
