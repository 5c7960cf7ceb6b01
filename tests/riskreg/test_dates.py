import datetime

import pytest

from riskreg.dates import due_words

TODAY = datetime.date(2026, 1, 14)


@pytest.mark.parametrize(
    ("deadline", "words"),
    [
        (datetime.date(2026, 1, 19), "due in 5 days"),
        (datetime.date(2026, 1, 15), "due tomorrow"),
        (TODAY, "due today"),
        (datetime.date(2026, 1, 13), "1 day overdue"),
        (datetime.date(2026, 1, 12), "2 days overdue"),
        (None, ""),
    ],
)
def test_a_deadline_is_said_in_words(deadline, words):
    assert due_words(deadline, today=TODAY) == words
