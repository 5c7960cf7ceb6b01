"""Dates as people say them: a deadline is "due in 5 days" or "2 days overdue", not only a date."""

import datetime

from django.utils import timezone


def due_words(deadline: datetime.date | None, today: datetime.date | None = None) -> str:
    """'due today', 'due tomorrow', 'due in 5 days', '1 day overdue'; '' for no deadline."""
    if deadline is None:
        return ""
    days = (deadline - (today or timezone.localdate())).days
    if days == 0:
        return "due today"
    if days == 1:
        return "due tomorrow"
    if days > 1:
        return f"due in {days} days"
    return f"{-days} day{'s' if days < -1 else ''} overdue"
