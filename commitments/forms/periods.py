"""A quarter's meetings and update window, and closing it."""

from crispy_forms_gds.layout import Button, Field, Fieldset, Size
from django import forms
from django.conf import settings

from commitments.models import Meeting
from commitments.windows import Window
from riskreg.forms import GovDateField, RefusesControlCharacters, form_helper


def _deadline_hint(days: int) -> str:
    return f"For example, 16 2 2026. Leave blank to count back {days} working days from the earliest meeting"


class QuarterWindowForm(forms.Form):
    """The meetings a quarter reports to and its update window. The rule the dates
    follow is commitments.windows, applied by services.period_window_set."""

    opens_on = GovDateField(label="Updates open", what="day updates open", required=False)
    officer_deadline = GovDateField(label="Officers' deadline", what="officers' deadline", required=False)
    review_deadline = GovDateField(
        label="SMT leads' review deadline", what="SMT leads' review deadline", required=False
    )

    def __init__(self, *args, period, meetings, **kwargs):
        initial = {body: meeting.date for body, meeting in meetings.items()}
        initial |= {name: getattr(period, name) for name in ("opens_on", "officer_deadline", "review_deadline")}
        super().__init__(*args, initial=initial, **kwargs)
        for body in Meeting.Body:
            self.fields[body.value] = GovDateField(
                label=body.label, what=f"{body.label} date", required=False, help_text="For example, 12 3 2026"
            )
        self.order_fields([*Meeting.Body.values, "opens_on", "officer_deadline", "review_deadline"])
        for name, setting in [
            ("opens_on", settings.RISKREG_WINDOW_OPENS_DAYS),
            ("officer_deadline", settings.RISKREG_OFFICER_DEADLINE_DAYS),
            ("review_deadline", settings.RISKREG_REVIEW_DEADLINE_DAYS),
        ]:
            self.fields[name].help_text = _deadline_hint(setting)
        buttons = [Button("save", "Save the dates")]
        if not period.is_open:
            buttons.append(Button("open", f"Save and open {period.label}", css_class="govuk-button--secondary"))
        self.helper = form_helper(
            Fieldset(*(Field(body.value) for body in Meeting.Body), legend="Meetings the quarter reports to"),
            Fieldset(Field("opens_on"), Field("officer_deadline"), Field("review_deadline"), legend="Update window"),
            *buttons,
            label_size=Size.SMALL,
        )

    def meetings(self) -> dict:
        return {body.value: self.cleaned_data[body.value] for body in Meeting.Body}

    def window(self) -> Window:
        return Window(**{name: self.cleaned_data[name] for name in ("opens_on", "officer_deadline", "review_deadline")})


class CloseForm(RefusesControlCharacters, forms.Form):
    """Closing a quarter: with updates outstanding, the reason why."""

    reason = forms.CharField(
        label="Why are you closing the quarter with updates not approved?",
        help_text="For example, the Joint Audit Committee asked for the paper now; the rest follow next quarter. "
        "It is kept in the quarter's history and shown on the committee paper's edit page.",
        widget=forms.Textarea(attrs={"rows": 4}),
        max_length=2_000,
        error_messages={"max_length": "The reason must be 2,000 characters or fewer"},
    )

    def __init__(self, *args, period, outstanding: int, **kwargs):
        super().__init__(*args, **kwargs)
        if outstanding:
            noun = "commitment has" if outstanding == 1 else "commitments have"
            self.fields["reason"].error_messages["required"] = (
                f"Enter why you are closing {period.label} while {outstanding} {noun} no approved update"
            )
            layout = [Field.textarea("reason", rows=4, label_size=Size.MEDIUM)]
        else:
            del self.fields["reason"]
            layout = []
        self.helper = form_helper(*layout, submit=f"Close {period.label}")
