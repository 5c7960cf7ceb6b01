from crispy_forms_gds.layout import Field
from django import forms

from riskreg.forms import form_helper


class TokenForm(forms.Form):
    name = forms.CharField(
        label="What is the token for?",
        max_length=100,
        help_text="For example 'Power BI dashboard'. You see it beside the token, to revoke the right one.",
        error_messages={"required": "Enter what the token is for", "max_length": "Enter at most 100 characters"},
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = form_helper(Field.text("name", field_width=30), submit="Create a token")
