"""The upload of the risk register's import."""

from riskreg.forms import TabularUploadForm


class ImportForm(TabularUploadForm):
    help_text = "One row per risk and quarter. See the columns above."
