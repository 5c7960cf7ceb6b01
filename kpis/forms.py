"""The upload of the KPI import."""

from riskreg.forms import TabularUploadForm


class ImportForm(TabularUploadForm):
    help_text = "One row per KPI and quarter. See the columns above."
