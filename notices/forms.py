from crispy_forms_gds.layout import Field, Fieldset, Size
from django import forms

from notices.models import Preferences
from riskreg.forms import form_helper


class PreferencesForm(forms.ModelForm):
    class Meta:
        model = Preferences
        fields = ["approvals", "window_opens"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = form_helper(
            Fieldset(
                Field("approvals"),
                Field("window_opens"),
                legend="Email me",
                legend_size=Size.MEDIUM,
            ),
            submit="Save my choices",
        )
