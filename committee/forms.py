from crispy_forms_gds.layout import Button, Field, Fieldset, Size
from django import forms

from committee.models import Paper
from committee.word import TOO_LARGE_ADVICE, WordTemplateError, checked_template
from riskreg.forms import form_helper
from riskreg.tabular import max_upload_bytes, too_large_message


class PaperForm(forms.ModelForm):
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
        ]
        widgets = {
            "meeting_date": forms.DateInput(attrs={"type": "date"}),
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

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
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
            Button("save", "Save the paper"),
            label_size=Size.SMALL,
        )


class PublishForm(forms.Form):
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
