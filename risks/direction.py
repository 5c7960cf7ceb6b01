"""The register's direction of travel: how a risk's current score moved from the quarter
before, with its arrow. Scores only.

Not the committee paper's "increased" or "reduced" (RiskQuerySet.increased_between and
reduced_between), which also need the risk open in both quarters. The words shown are
the same; the rules differ, so the code names these score movements.
"""

from django.db import models


class Direction(models.TextChoices):
    SCORE_UP = "increased", "increased"
    SCORE_DOWN = "reduced", "reduced"
    SAME_SCORE = "no change", "no change"
    FIRST_SCORE = "new", "new"


ARROWS = {Direction.SCORE_UP: "↑", Direction.SCORE_DOWN: "↓", Direction.SAME_SCORE: "→", Direction.FIRST_SCORE: "+"}


def direction_of_travel(previous_score: int | None, current_score: int | None) -> Direction | None:
    """None when the risk has no score this quarter; a first score when it had none before."""
    if current_score is None:
        return None
    if previous_score is None:
        return Direction.FIRST_SCORE
    if current_score > previous_score:
        return Direction.SCORE_UP
    if current_score < previous_score:
        return Direction.SCORE_DOWN
    return Direction.SAME_SCORE
