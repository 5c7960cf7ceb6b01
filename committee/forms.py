from crispy_forms_gds.layout import Button, Field, Fieldset, Size
from django import forms
from django.utils.html import escape

from committee.models import Paper
from committee.report import RiskSentence
from riskreg.forms import RefusesControlCharacters, form_helper, refuse_control_characters

SENTENCE_MAX = 5_000


class PaperForm(RefusesControlCharacters, forms.ModelForm):
    class Meta:
        model = Paper
        fields = [
            "committee_name",
            "meeting_date",
            "agenda_item",
            "title",
            "contact_name",
            "contact_title",
            "purpose",
            "methodology",
            "delivery_introduction",
            "statuses_assessed_in",
            "delivery_narrative",
            "recommendation",
            "include_churn_appendix",
        ]
        widgets = {
            "meeting_date": forms.DateInput(attrs={"type": "date"}),
            **{
                name: forms.Textarea(attrs={"rows": 6})
                for name in ["purpose", "methodology", "delivery_introduction", "delivery_narrative", "recommendation"]
            },
        }
        error_messages = {
            "committee_name": {"required": "Enter the committee's name"},
            "meeting_date": {"invalid": "Enter the meeting date as a real date"},
            "title": {"required": "Enter the paper's title"},
            "purpose": {"required": "Enter the purpose of the report"},
            "recommendation": {"required": "Enter the recommendation"},
        }

    def __init__(self, *args, risk_sentences: list[RiskSentence] = (), **kwargs):
        super().__init__(*args, **kwargs)
        # One field per risk the paper writes a sentence for: empty keeps the composed one.
        self.risk_sentences = list(risk_sentences)
        written = self.instance.risk_sentences or {}
        for row in self.risk_sentences:
            # Escaped here: crispy-forms-gds prints labels and hints as they are, and these
            # carry the register's words.
            field = forms.CharField(
                label=escape(f"{row.section.name}: {row.risk.ref} {row.risk.title}"),
                required=False,
                max_length=SENTENCE_MAX,
                widget=forms.Textarea(attrs={"rows": 3}),
                help_text=escape(f"Leave empty for the sentence built from the register: {row.composed}"),
                error_messages={"max_length": f"The sentence must be {SENTENCE_MAX:,} characters or fewer"},
            )
            refuse_control_characters(field, row.field_name, label=f"The paragraph for {row.risk.ref}")
            self.fields[row.field_name] = field
            self.initial.setdefault(row.field_name, written.get(row.section.key, {}).get(row.risk.ref, ""))
        sentences = [Field.textarea(row.field_name, rows=3) for row in self.risk_sentences]
        self.helper = form_helper(
            Fieldset(
                Field.text("committee_name"),
                Field("meeting_date"),
                Field.text("agenda_item", field_width=5),
                Field.text("title"),
                Field.text("contact_name"),
                Field.text("contact_title"),
                legend="The meeting",
                legend_size=Size.MEDIUM,
            ),
            Fieldset(
                Field.textarea("purpose"),
                Field.textarea("methodology"),
                Field.textarea("delivery_introduction"),
                Field.text("statuses_assessed_in", field_width=10),
                Field.textarea("delivery_narrative"),
                Field.textarea("recommendation"),
                legend="Paragraphs (separate paragraphs with a blank line)",
                legend_size=Size.MEDIUM,
            ),
            *(
                [
                    Fieldset(
                        *sentences,
                        legend="The risk sections: a paragraph for each risk",
                        legend_size=Size.MEDIUM,
                    )
                ]
                if sentences
                else []
            ),
            Fieldset(
                Field.checkbox("include_churn_appendix", small=True), legend="Appendices", legend_size=Size.MEDIUM
            ),
            Button("save", "Save the paper"),
            label_size=Size.SMALL,
        )

    def save(self, commit=True):
        # The admin's words for the risks listed now; an emptied field goes back to the composed sentence.
        written: dict[str, dict[str, str]] = {}
        for row in self.risk_sentences:
            text = self.cleaned_data.get(row.field_name, "").strip()
            if text:
                written.setdefault(row.section.key, {})[row.risk.ref] = text
        self.instance.risk_sentences = written
        return super().save(commit)


class PublishForm(RefusesControlCharacters, forms.Form):
    correction_reason = forms.CharField(
        label="Reason for the correction",
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Needed when the paper has been published before: the published version stays visible.",
        max_length=2000,
    )

    def __init__(self, *args, correcting: bool, **kwargs):
        super().__init__(*args, **kwargs)
        if not correcting:
            del self.fields["correction_reason"]
        self.helper = form_helper(
            *([Field.textarea("correction_reason")] if correcting else []),
            Button("publish", "Publish a correction" if correcting else "Publish the paper"),
        )
