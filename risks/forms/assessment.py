"""A quarter's assessment of a risk, scored on the matrix in use."""

from crispy_forms_gds.layout import Field, Fieldset, Size
from django import forms

from riskreg.forms import RefusesControlCharacters, form_helper
from risks.models import Level, ScoringMatrix
from risks.services import ASSESSMENT_FIELDS


def _level_choices(levels: list[Level], *, blank: str | None) -> list:
    choices = [("", blank)] if blank else [("", "Select")]
    return choices + [(level.value, f"{level.value} {level.label}") for level in levels]


class AssessmentForm(RefusesControlCharacters, forms.Form):
    """A quarter's scores. Choices and their limits come from the matrix in use."""

    version = forms.IntegerField(widget=forms.HiddenInput, min_value=0)
    rationale = forms.CharField(
        label="Rationale",
        widget=forms.Textarea(attrs={"rows": 4}),
        required=False,
        max_length=10_000,
        help_text="Why the risk is scored as it is this quarter; the committee reads this",
    )
    controls = forms.CharField(
        label="Controls in place", widget=forms.Textarea(attrs={"rows": 4}), required=False, max_length=10_000
    )

    KINDS = {
        "inherent": ("Inherent", "Before any controls. Leave both blank if not rated."),
        "current": ("Current", "With the controls in place now."),
        "target": ("Target", "Where the controls and actions should bring it. Leave both blank if not rated."),
    }

    def __init__(self, *args, matrix: ScoringMatrix, **kwargs):
        super().__init__(*args, **kwargs)
        self.matrix = matrix
        layout = []
        for kind, (title, hint) in self.KINDS.items():
            required = kind == "current"
            for axis, levels in (("likelihood", matrix.likelihoods), ("impact", matrix.impacts)):
                name = f"{kind}_{axis}"
                label = f"{title} {axis}"
                top = len(levels)
                self.fields[name] = forms.TypedChoiceField(
                    label=label,
                    choices=_level_choices(levels, blank=None if required else "Not rated"),
                    coerce=int,
                    empty_value=None,
                    required=required,
                    error_messages={
                        "required": f"Select the {label.lower()}",
                        "invalid_choice": f"{label} must be a whole number from 1 to {top}, the matrix's scale",
                    },
                )
            layout.append(
                Fieldset(
                    Field.select(f"{kind}_likelihood"),
                    Field.select(f"{kind}_impact"),
                    legend=f"{title} score",
                    legend_size=Size.SMALL,
                )
            )
            self.fields[f"{kind}_likelihood"].help_text = hint
        self.helper = form_helper(
            *layout,
            Field.textarea("rationale", rows=4),
            Field.textarea("controls", rows=4),
            "version",
            submit="Save",
            label_size=Size.SMALL,
        )
        # Fields in the order of the page, for the error summary.
        self.order_fields([f"{k}_{a}" for k in self.KINDS for a in ("likelihood", "impact")])

    @staticmethod
    def initial_from(assessment, previous) -> dict:
        """The quarter's assessment as saved; a new one starts from the quarter before's."""
        source = assessment or previous
        initial = {name: getattr(source, name) for name in ASSESSMENT_FIELDS} if source else {}
        initial["version"] = assessment.version if assessment else 0
        return initial

    def clean(self):
        cleaned = super().clean()
        for kind, (title, _) in self.KINDS.items():
            likelihood, impact = cleaned.get(f"{kind}_likelihood"), cleaned.get(f"{kind}_impact")
            if (likelihood is None) != (impact is None) and not self.has_error(f"{kind}_likelihood"):
                missing = "impact" if impact is None else "likelihood"
                if not self.has_error(f"{kind}_{missing}"):
                    self.add_error(
                        f"{kind}_{missing}", f"Select the {title.lower()} {missing} too, or leave both blank"
                    )
        return cleaned
