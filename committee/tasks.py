"""The committee's background work, run by the task worker (manage.py db_worker)."""

from django.tasks import task

from committee import services
from committee.models import PublishedPaper


@task
def render_published_file(*, version_id: int, name: str) -> int:
    """Render a published paper's download and keep it"""
    # Queued by paper_publish, and by a download that finds its file neither stored nor
    # queued. Stored once: a second run (a retry after the first was stored) finds it.
    version = PublishedPaper.objects.get(pk=version_id)
    return len(services.published_file(version=version, name=name))
