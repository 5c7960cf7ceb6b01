from crispy_forms_gds.layout import Button, Field, Fieldset, Size
from django import forms

from panel.models import PanelReport
from riskreg.forms import RefusesControlCharacters, form_helper


class PanelReportForm(RefusesControlCharacters, forms.ModelForm):
    class Meta:
        model = PanelReport
        fields = ["panel_name", "meeting_date", "agenda_item", "title", "introduction"]
        widgets = {
            # ISO, as a date input needs (the locale's 23/02/2026 shows as empty).
            "meeting_date": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "introduction": forms.Textarea(attrs={"rows": 8}),
        }
        error_messages = {
            "panel_name": {"required": "Enter the Panel's name"},
            "meeting_date": {"invalid": "Enter the meeting date as a real date"},
            "title": {"required": "Enter the report's title"},
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = form_helper(
            Fieldset(
                Field.text("panel_name"),
                Field("meeting_date"),
                Field.text("agenda_item", field_width=5),
                Field.text("title"),
                legend="The meeting",
                legend_size=Size.MEDIUM,
            ),
            Field.textarea("introduction"),
            Button("save", "Save the report"),
            label_size=Size.SMALL,
        )
