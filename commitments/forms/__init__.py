"""The commitments app's forms, a module per page; all importable from here."""

from commitments.forms.commitment import CommitmentForm, ImportForm
from commitments.forms.filters import MineFilterForm, RegisterFilterForm
from commitments.forms.periods import CloseForm, QuarterWindowForm
from commitments.forms.updates import ReviewForm, StatusUpdateForm

__all__ = [
    "CloseForm",
    "CommitmentForm",
    "ImportForm",
    "MineFilterForm",
    "QuarterWindowForm",
    "RegisterFilterForm",
    "ReviewForm",
    "StatusUpdateForm",
]
