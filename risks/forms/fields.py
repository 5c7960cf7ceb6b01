"""Pieces the risks app's forms share: the GOV.UK date field and the form helper."""

from crispy_forms_gds.fields import DateInputField
from django.core.exceptions import ValidationError


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
