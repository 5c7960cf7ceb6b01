import re

from crispy_forms_gds.fields import DateInputField
from crispy_forms_gds.helper import FormHelper
from crispy_forms_gds.layout import Button, Field, Fieldset, Layout, Size, Submit
from django import forms
from django.contrib.auth.forms import AuthenticationForm
from django.core.exceptions import ValidationError
from django.db.models import Q

from riskreg.tabular import max_upload_bytes, too_large_message

# Control characters other than tab, line feed and carriage return: invisible when typed
# or pasted, and most cannot be held by XML, so by the paper's Word and Excel files.
# (NUL is refused by Django's own ProhibitNullCharactersValidator.)
CONTROL_CHARACTERS = re.compile(r"[\x01-\x08\x0b\x0c\x0e-\x1f\x7f]")


class RefusesControlCharacters:
    """Mixed into a form (before forms.Form or forms.ModelForm): each of its text fields
    refuses control characters with a message naming the field."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name, field in self.fields.items():
            if isinstance(field, forms.CharField):
                refuse_control_characters(field, name)


def refuse_control_characters(field: forms.Field, name: str, label: str = "") -> None:
    """Make `field` refuse control characters (for a field a form adds after its __init__);
    the message names it by `label`, else by its own label."""
    label = label or str(field.label or name.replace("_", " ").capitalize())
    field.validators.append(_no_control_characters(label))


def _no_control_characters(label: str):
    def validate(value):
        if isinstance(value, str) and CONTROL_CHARACTERS.search(value):
            raise ValidationError(
                f"{label} must not contain control characters (invisible characters, often pasted from "
                "another program): type the text again",
                code="control_characters",
            )

    return validate


def form_helper(*layout, submit: str | None = None, label_size=None, method="post") -> FormHelper:
    """The one set-up of a crispy-forms-gds form: its fields and buttons (`submit` names a
    last one), inside the page's own <form> tag (the page gives the tag, its action and
    its CSRF token)."""
    helper = FormHelper()
    helper.form_tag = False
    helper.form_method = method
    if label_size:
        helper.label_size = label_size
    helper.layout = Layout(*layout, *([Button("submit", submit)] if submit else []))
    return helper


class SignInForm(AuthenticationForm):
    error_messages = {
        "invalid_login": "Enter a correct username and password. Both are case-sensitive.",
        "inactive": "This account is not active. Ask a register admin to reactivate it.",
    }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["username"].error_messages["required"] = "Enter your username"
        self.fields["password"].error_messages["required"] = "Enter your password"
        self.fields["password"].widget = forms.PasswordInput(attrs={"autocomplete": "current-password"})
        # Django focuses the username on load, which makes the first Tab skip the "Skip to
        # main content" link; the page starts at its top like every other.
        self.fields["username"].widget.attrs.pop("autofocus", None)
        self.helper = form_helper(
            Field.text("username", field_width=20),
            Field.text("password", field_width=20),
            Submit("submit", "Sign in"),
            label_size=Size.SMALL,
        )


def posted(request):
    """The POST data, bound even when empty: an empty POST is falsy, and
    `request.POST or None` would leave the form unbound and its errors unshown."""
    return request.POST if request.method == "POST" else None


def filter_form_helper(legend: str, *fields) -> FormHelper:
    """The GET form above a register or list: its filters in a fieldset, then the button."""
    return form_helper(
        Fieldset(*fields, legend=legend, legend_size=Size.MEDIUM),
        Button("filter", "Apply filters", css_class="govuk-button--secondary"),
        label_size=Size.SMALL,
        method="get",
    )


def person_matches(relation: str, text: str) -> Q:
    """Their username, or every word of the text in their first or last name."""
    match = Q(**{f"{relation}__username__iexact": text.strip()})
    words = Q()
    for word in text.split():
        words &= Q(**{f"{relation}__first_name__icontains": word}) | Q(**{f"{relation}__last_name__icontains": word})
    return match | words


class TabularUploadForm(forms.Form):
    """A CSV or Excel file for an import's preview. Subclasses say what goes in it."""

    help_text = ""

    file = forms.FileField(
        label="Upload a CSV or Excel file",
        error_messages={"required": "Select a CSV or Excel file to import", "empty": "The selected file is empty"},
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["file"].help_text = self.help_text
        self.helper = form_helper(Field("file"), Button("submit", "Preview the import"))

    def clean_file(self):
        # Checked before the view reads the file into memory.
        upload = self.cleaned_data["file"]
        if upload.size > max_upload_bytes():
            raise forms.ValidationError(too_large_message())
        return upload


class GovDateField(DateInputField):
    """The GOV.UK date input, with messages in GOV.UK words."""

    def __init__(self, *, what: str, **kwargs):
        super().__init__(**kwargs)
        self.what = what
        self.error_messages["required"] = f"Enter the {what}"
        self.error_messages["incomplete"] = f"The {what} must include a day, month and year"

    def compress(self, data_list):
        try:
            return super().compress(data_list)
        except (ValidationError, OverflowError):  # date() overflows on a 20-digit year
            raise ValidationError(f"The {self.what} must be a real date") from None

    def clean(self, value):
        if isinstance(value, list | tuple):
            given = [part not in self.empty_values for part in value]
            if any(given) and not all(given):
                raise ValidationError(self.error_messages["incomplete"])
        try:
            return super().clean(value)
        except ValidationError as error:
            messages = [m for m in error.messages if m.startswith(("Enter the", "The "))]
            raise ValidationError(messages[:1] or [f"The {self.what} must be a real date"]) from None
