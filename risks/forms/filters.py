"""The register's filters."""

from crispy_forms_gds.layout import Field
from django import forms

from riskreg.forms import filter_form_helper, person_matches
from risks.models import Risk, ScoringMatrix


class RegisterFilterForm(forms.Form):
    """Every field is optional; a bad value is reported, not silently ignored."""

    period = forms.ChoiceField(label="Scores as at", required=False)
    status = forms.ChoiceField(label="Status", choices=[("", "Any"), *Risk.Status.choices], required=False)
    kind = forms.ChoiceField(label="Kind", choices=[("", "Any"), *Risk.Kind.choices], required=False)
    # Text, not a list of every owner: at a hundred times the register that list ran to
    # hundreds of names and was most of the page's time (benchmarks/).
    owner = forms.CharField(label="Owner", required=False, max_length=150, help_text="Name or username")
    band = forms.ChoiceField(label="Current band", required=False)
    # With impact, one cell of the heat map: its "and N more" link lands here.
    likelihood = forms.TypedChoiceField(label="Current likelihood", coerce=int, empty_value=None, required=False)
    impact = forms.TypedChoiceField(label="Current impact", coerce=int, empty_value=None, required=False)

    def __init__(self, *args, periods, matrix: ScoringMatrix | None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["period"].choices = [(p.slug, p.label) for p in reversed(periods)]
        bands = matrix.sorted_bands if matrix else []
        self.fields["band"].choices = [("", "Any")] + [(str(b.pk), b.label) for b in bands]
        self.bands = {str(b.pk): b for b in bands}
        for name, levels in (
            ("likelihood", matrix.likelihoods if matrix else []),
            ("impact", matrix.impacts if matrix else []),
        ):
            self.fields[name].choices = [("", "Any")] + [
                (level.value, f"{level.value} {level.label}") for level in levels
            ]
        for name in ("period", "status", "kind", "band", "likelihood", "impact"):
            label = self.fields[name].label.lower()
            self.fields[name].error_messages["invalid_choice"] = f"Select a {label} from the list"
        self.helper = filter_form_helper(
            "Filter the register",
            Field.select("period"),
            Field.select("status"),
            Field.select("kind"),
            Field.text("owner"),
            Field.select("band"),
            Field.select("likelihood"),
            Field.select("impact"),
        )

    def filter(self, risks, period):
        """The risks that match, with scores as at `period`; call after is_valid()."""
        data = self.cleaned_data
        if data.get("status"):
            risks = risks.filter(status=data["status"])
        if data.get("kind"):
            risks = risks.filter(kind=data["kind"])
        if data.get("owner"):
            risks = risks.filter(person_matches("owner", data["owner"]))
        scored = {}
        band = self.bands.get(data.get("band") or "")
        if band:
            scored["score__range"] = (band.min_score, band.max_score)
        if data.get("likelihood") is not None:
            scored["current_likelihood"] = data["likelihood"]
        if data.get("impact") is not None:
            scored["current_impact"] = data["impact"]
        return risks.assessed_in(period, **scored) if scored else risks
