from django.urls import path

from commitments import importing, permissions, services
from commitments.forms import ImportForm
from commitments.views import commitment, grid, marking, partners, periods, register, updates
from riskreg.imports import Importer, import_confirm, import_upload

app_name = "commitments"

IMPORTER = Importer(
    app="commitments",
    title="Import commitments",
    may_import=permissions.can_manage_register,
    read=importing.plan_import,
    apply=services.commitments_import_apply,
    form_class=ImportForm,
    columns=importing.BASE_COLUMNS,
    preview="commitments/import_preview.html",
)

urlpatterns = [
    path("commitments/", register.register, name="register"),
    path("commitments/download.<str:extension>", register.register_download, name="register_download"),
    path("commitments/mine/", updates.mine, name="mine"),
    path("commitments/mine/<str:fy>/<str:q>/grid/", grid.update_grid, name="update_grid"),
    path("commitments/mine/approve/", updates.approve_selected, name="approve_selected"),
    path("commitments/import/", import_upload, {"importer": IMPORTER}, name="import"),
    path("commitments/import/confirm/", import_confirm, {"importer": IMPORTER}, name="import_confirm"),
    path("commitments/<int:ref>/", updates.detail, name="detail"),
    path("commitments/<int:ref>/edit/", commitment.commitment_edit, name="commitment_edit"),
    path("commitments/<int:ref>/marking/", marking.commitment_marking, name="commitment_marking"),
    path("commitments/<int:ref>/<str:fy>/<str:q>/marking/", marking.update_marking, name="update_marking"),
    path("commitments/<int:ref>/<str:fy>/<str:q>/edit/", updates.update_edit, name="update_edit"),
    path("commitments/<int:ref>/<str:fy>/<str:q>/review/", updates.update_review, name="update_review"),
    path("commitments/<int:ref>/<str:fy>/<str:q>/contribute/", partners.contribute, name="contribute"),
    path("contributions/", partners.contributions, name="contributions"),
    path("periods/", periods.periods, name="periods"),
    path("periods/<str:fy>/<str:q>/status/", periods.period_status, name="period_status"),
    path("periods/<str:fy>/<str:q>/", periods.period_window, name="period_window"),
    path("periods/<str:fy>/<str:q>/close/", periods.period_close, name="period_close"),
]
