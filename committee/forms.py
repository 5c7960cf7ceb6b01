from crispy_forms_gds.layout import Button, Field, Fieldset, Size
from django import forms
from django.utils.html import escape

from committee.models import Paper
from committee.report import RiskSentence
from committee.word import TOO_LARGE_ADVICE, WordTemplateError, checked_template
from riskreg.forms import RefusesControlCharacters, form_helper, refuse_control_characters
from riskreg.tabular import max_upload_bytes, too_large_message

SENTENCE_MAX = 5_000


class PaperForm(RefusesControlCharacters, forms.ModelForm):
    class Meta:
        model = Paper
        fields = [
            "committee_name",
            "meeting_date",
            "agenda_item",
            "title",
            "protective_marking",
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
            # A date field takes only an ISO date; the en-GB 11/12/2025 shows it empty.
            "meeting_date": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "protective_marking": forms.RadioSelect,
            **{
                name: forms.Textarea(attrs={"rows": 6})
                for name in ["purpose", "methodology", "delivery_introduction", "delivery_narrative", "recommendation"]
            },
        }
        error_messages = {
            "committee_name": {"required": "Enter the committee's name"},
            "meeting_date": {"invalid": "Enter the meeting date as a real date"},
            "title": {"required": "Enter the paper's title"},
            "protective_marking": {
                "required": "Select the paper's protective marking",
                "invalid_choice": "Select OFFICIAL or OFFICIAL-SENSITIVE",
            },
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
                Field.radios("protective_marking", legend_size=Size.SMALL),
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

    def __init__(self, *args, correcting: bool, what: str = "paper", **kwargs):
        """`what` is published: the paper, or the Panel's report (panel.views)."""
        super().__init__(*args, **kwargs)
        if not correcting:
            del self.fields["correction_reason"]
        else:
            self.fields[
                "correction_reason"
            ].help_text = f"Needed when the {what} has been published before: the published version stays visible."
        self.helper = form_helper(
            *([Field.textarea("correction_reason")] if correcting else []),
            Button("publish", "Publish a correction" if correcting else f"Publish the {what}"),
        )


class WordTemplateForm(forms.Form):
    """The office's Word template: a .docx or .dotx, refused with the reason if it is not
    one python-docx can build a paper on (committee.word.checked_template)."""

    file = forms.FileField(
        label="Upload a Word document or template",
        help_text="A .docx or .dotx file, up to the upload limit. Its styles, page, header and footer are used.",
        error_messages={"required": "Select a Word file to upload", "empty": "The selected file is empty"},
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = form_helper(Field("file"), Button("upload", "Upload the template"))

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if not upload.name.lower().endswith((".docx", ".dotx")):
            raise forms.ValidationError("The file must be a Word document or template (.docx or .dotx)")
        # Checked before the file is read into memory.
        if upload.size > max_upload_bytes():
            raise forms.ValidationError(too_large_message(TOO_LARGE_ADVICE))
        try:
            self.content = checked_template(upload.read())
        except WordTemplateError as error:
            raise forms.ValidationError(str(error)) from None
        return upload
