"""A register admin's task list: the quarter's progress by state, by SMT lead and by officer."""

from tasks.common import (
    NO_UPDATE,
    NOT_SUBMITTED,
    STATE_COLUMNS,
    Cell,
    Progress,
    ProgressRow,
    Section,
    State,
    Task,
    TaskGroup,
    _count,
    _counts_by_state,
    _person_fields,
    _person_name,
    _register,
    _status,
)

# ---------------------------------------------------------------------------
# Register admin


NO_LEAD = {"smt_lead": "No SMT lead set", "officer_lead": "No officer lead set"}


# People listed in each progress table: those behind first. At a hundred times the
# register there are a thousand officers, and a row of five links each took two seconds
# to draw; the rest are counted, and the register filters by lead.
PROGRESS_ROWS_SHOWN = 25


def _progress_rows(rows, period, relation, today) -> tuple[list[ProgressRow], int]:
    """The first PROGRESS_ROWS_SHOWN people, overdue first, then those with most
    outstanding, commitments with no lead after people; and how many more there are."""
    past_deadline = period.officer_deadline is not None and today > period.officer_deadline

    def outstanding(row) -> int:
        return sum(_count(row, period, state) for state in NOT_SUBMITTED)

    def name(row) -> str:
        return _person_name(row, relation) if row[relation] else NO_LEAD[relation]

    def order(row):
        behind = outstanding(row)
        return (not (past_deadline and behind > 0), -behind, not row[relation], name(row))

    shown = sorted(rows, key=order)[:PROGRESS_ROWS_SHOWN]
    made = []
    for row in shown:
        username = row[f"{relation}__username"]
        cells = [
            Cell(
                number := _count(row, period, state),
                label,
                _register(period, state, **{relation: username}) if number and username else "",
            )
            for state, label in STATE_COLUMNS
        ]
        behind = outstanding(row)
        made.append(
            ProgressRow(name(row), cells, behind, overdue=past_deadline and behind > 0, unassigned=not row[relation])
        )
    return made, len(rows) - len(shown)


def _summed(rows, fields: list[str], counts: list[str]) -> list[dict]:
    """`rows` with their `counts` added up by `fields` (a person's id first, then their names)."""
    people = {}
    for row in rows:
        person = people.setdefault(row[fields[0]], {field: row[field] for field in fields} | dict.fromkeys(counts, 0))
        for key in counts:
            person[key] += row[key] or 0
    return list(people.values())


def admin_section(commitments, periods, today) -> Section:
    section = Section("The quarter's progress")
    if not periods:
        return section
    # One pass over the register, by SMT lead and officer together, summed here for each
    # table: counting twice read every commitment twice (the page's cost grew with both).
    smt_fields, officer_fields = _person_fields("smt_lead"), _person_fields("officer_lead")
    pairs = _counts_by_state(commitments, periods, smt_fields + officer_fields)
    counts = [key for key in (pairs[0] if pairs else {}) if key not in smt_fields + officer_fields]
    by_smt, by_officer = _summed(pairs, smt_fields, counts), _summed(pairs, officer_fields, counts)
    for period in periods:
        totals = {state: sum(_count(r, period, state) for r in by_smt) for state, _ in STATE_COLUMNS}
        key = f"admin-{period.slug}"
        items = [
            (NO_UPDATE, "Commitments with no update yet", "with no update"),
            (State.DRAFT, "Updates in draft", "in draft"),
            (State.RETURNED, "Updates returned to officers", "returned"),
            (State.SUBMITTED, "Updates waiting for review", "waiting"),
        ]
        tasks = [
            Task(
                f"{key}-{state}",
                name,
                href=_register(period, state) if totals[state] else "",
                **_status(totals[state], f"{totals[state]} {words}"),
            )
            for state, name, words in items
        ]
        section.progress.append(
            Progress(
                period,
                TaskGroup(f"{period.label}: updates by state", tasks, "Officers' deadline", period.officer_deadline),
                total=sum(totals.values()),
                approved=totals[State.APPROVED],
                by_smt_lead=_progress_rows(by_smt, period, "smt_lead", today),
                by_officer=_progress_rows(by_officer, period, "officer_lead", today),
            )
        )
    return section
