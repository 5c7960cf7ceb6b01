"""The risks app's forms, one module per responsibility; all importable from here."""

from risks.forms.action import ActionForm
from risks.forms.assessment import AssessmentForm
from risks.forms.fields import GovDateField
from risks.forms.filters import RegisterFilterForm
from risks.forms.imports import ImportForm
from risks.forms.risk import CommitmentRefsField, RiskForm, StatusChangeForm

__all__ = [
    "ActionForm",
    "AssessmentForm",
    "CommitmentRefsField",
    "GovDateField",
    "ImportForm",
    "RegisterFilterForm",
    "RiskForm",
    "StatusChangeForm",
]
