from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from simple_history.admin import SimpleHistoryAdmin

from risks import services
from risks.models import Action, Assessment, Band, Level, Risk, ScoringMatrix, StatusChange


class LevelInline(admin.TabularInline):
    model = Level
    extra = 0


class BandInline(admin.TabularInline):
    model = Band
    extra = 0


@admin.register(ScoringMatrix)
class ScoringMatrixAdmin(admin.ModelAdmin):
    list_display = ["name", "is_active"]
    inlines = [LevelInline, BandInline]
    readonly_fields = ["is_active"]
    actions = ["use_matrix"]

    @admin.action(description="Score the register with the selected matrix")
    def use_matrix(self, request, queryset):
        if queryset.count() != 1:
            self.message_user(request, "Select exactly one matrix.", messages.ERROR)
            return
        try:
            matrix = services.matrix_activate(matrix=queryset.get(), by=request.user)
        except ValidationError as error:
            self.message_user(request, "; ".join(error.messages), messages.ERROR)
        else:
            self.message_user(request, f"The register is now scored with {matrix}.")


@admin.register(Risk)
class RiskAdmin(SimpleHistoryAdmin):
    list_display = ["ref", "title", "kind", "status", "owner"]
    list_filter = ["status", "kind"]
    search_fields = ["ref", "title"]
    filter_horizontal = ["policy_areas", "commitments"]


@admin.register(Assessment)
class AssessmentAdmin(SimpleHistoryAdmin):
    list_display = ["risk", "period", "current_likelihood", "current_impact", "assessed_by", "version"]
    list_filter = ["period"]
    readonly_fields = ["version"]


@admin.register(Action)
class ActionAdmin(SimpleHistoryAdmin):
    list_display = ["risk", "description", "owner", "owner_name", "rag"]


@admin.register(StatusChange)
class StatusChangeAdmin(admin.ModelAdmin):
    list_display = ["risk", "from_status", "to_status", "period", "date", "changed_by"]
    list_filter = ["period", "to_status"]
