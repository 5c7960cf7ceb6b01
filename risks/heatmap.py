"""The heat map of a quarter's current scores: how many risks sit in each cell of the
matrix, the first few by reference, and, compared with the quarter before, which moved.

The page does the same work at any size: the database counts and numbers the rows
(AssessmentQuerySet.cell_counts, first_in_each_cell, first_with_total).
"""

from collections import defaultdict

from risks.models import ARROWS, Assessment, ScoringMatrix, direction_of_travel

# Refs listed in a heat map cell; the rest are counted and linked to the register.
CELL_REFS = 10
# Rows of the comparison's table of risks that moved.
MOVES_SHOWN = 100


class Move:
    def __init__(self, risk, before: Assessment | None, after: Assessment | None, matrix):
        self.risk = risk
        self.before = before
        self.after = after
        self.before_band = matrix.band_for(before.current_score) if before and matrix else None
        self.after_band = matrix.band_for(after.current_score) if after and matrix else None
        self.direction = direction_of_travel(
            before.current_score if before else None, after.current_score if after else None
        )
        self.arrow = ARROWS.get(self.direction, "")


def _moved(before: Assessment | None, after: Assessment) -> bool:
    return before is None or (before.current_likelihood, before.current_impact) != (
        after.current_likelihood,
        after.current_impact,
    )


class HeatMap:
    """The heat map of `period`; with `compare`, the moves since `previous`."""

    def __init__(self, period, previous, compare: bool, matrix: ScoringMatrix | None):
        self.period, self.previous, self.compare, self.matrix = period, previous, compare, matrix
        self.in_period = Assessment.objects.filter(period=period) if period else Assessment.objects.none()
        self.counts = self.in_period.cell_counts()
        listed = list(self.in_period.first_in_each_cell(CELL_REFS))
        self.moves, self.moves_total, before = self._moves(listed) if compare else ([], 0, {})
        self.entries = defaultdict(list)
        for a in listed:
            self.entries[a.current_likelihood, a.current_impact].append(
                {
                    "risk": a.risk,
                    # A listed risk moved if it had no assessment before, or another cell.
                    "moved": compare and _moved(before.get(a.risk_id), a),
                    "from": before.get(a.risk_id),
                }
            )

    def _moves(self, listed) -> tuple[list[Move], int, dict[int, Assessment]]:
        """(the first moves by ref, how many in all, the listed and moved risks' assessments before)."""
        previous, period, matrix = self.previous, self.period, self.matrix
        moved = list(Assessment.objects.moved_between(previous, period).first_with_total(MOVES_SHOWN))
        dropped = list(Assessment.objects.dropped_between(previous, period).first_with_total(MOVES_SHOWN))
        total = (moved[0].total if moved else 0) + (dropped[0].total if dropped else 0)
        # Where the listed and moved risks were: a bounded list of ids, whatever the size.
        ids = {a.risk_id for a in listed} | {a.risk_id for a in moved}
        before = {a.risk_id: a for a in Assessment.objects.filter(period=previous, risk_id__in=ids)}
        moves = [Move(a.risk, before.get(a.risk_id), a, matrix) for a in moved]
        moves += [Move(a.risk, a, None, matrix) for a in dropped]
        return sorted(moves, key=lambda move: move.risk.ref)[:MOVES_SHOWN], total, before

    def _cell(self, key, heat_cell=None) -> dict:
        number = self.counts.get(key, 0)
        shown = self.entries[key]
        query = f"period={self.period.slug}&likelihood={key[0]}&impact={key[1]}" if self.period else ""
        return {
            "cell": heat_cell,
            "key": key,
            "count": number,
            "risks": shown,
            "more": number - len(shown),
            "query": query,
        }

    def context(self) -> dict:
        """What the page shows: the matrix's cells, any counts outside it, and the moves."""
        matrix_rows = self.matrix.rows() if self.matrix else []
        rows = [[self._cell((c.likelihood.value, c.impact.value), c) for c in row] for row in matrix_rows]
        in_matrix = {item["key"] for row in rows for item in row}
        return {
            "matrix": self.matrix,
            "rows": rows,
            "period": self.period,
            "previous": self.previous,
            "compare": self.compare,
            "moves": self.moves,
            "moves_total": self.moves_total,
            "outside": [self._cell(key) for key in sorted(self.counts) if key not in in_matrix],
            "count": sum(self.counts.values()),
            "any_illustrative": self.in_period.filter(risk__scores_illustrative=True).exists(),
        }
