"""The Panel report's background work, run by the task worker (manage.py db_worker)."""

from django.tasks import task

from panel import services
from panel.models import PublishedPanelReport


@task
def render_published_panel_file(*, version_id: int, name: str) -> int:
    """Render a published Panel report's download and keep it"""
    # Queued by panel_report_publish, and by a download that finds its file neither stored
    # nor queued. Stored once: a second run (a retry after the first was stored) finds it.
    version = PublishedPanelReport.objects.get(pk=version_id)
    return len(services.published_file(version=version, name=name))
