"""Pieces the risks app's forms share: the GOV.UK date field (the site's, in riskreg.forms)."""

from riskreg.forms import GovDateField

__all__ = ["GovDateField"]
