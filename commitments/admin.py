from django.contrib import admin

from commitments.models import Commitment
from commitments.views.register import REGISTER_PAGE_SIZE


@admin.register(Commitment)
class CommitmentAdmin(admin.ModelAdmin):
    """A plain changelist of the commitments. The benchmarks compare the register with it:
    Django's own list of the same rows is the yardstick for a list page."""

    list_display = ["ref", "text", "smt_lead", "officer_lead"]
    list_select_related = ["smt_lead", "officer_lead"]
    list_per_page = REGISTER_PAGE_SIZE
