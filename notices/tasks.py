"""The notices' background work, run by the task worker (manage.py db_worker)."""

from django.tasks import task

from notices.send import notices_deliver


@task
def deliver_notices(*, person_id: int) -> int:
    """Email a person their notices waiting to be sent"""
    return notices_deliver(person_id=person_id)
