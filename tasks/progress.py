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


def _progress_rows(rows, period, relation, today) -> list[ProgressRow]:
    made = []
    past_deadline = period.officer_deadline is not None and today > period.officer_deadline
    for row in rows:
        username = row[f"{relation}__username"]
        cells = [
            Cell(
                number := _count(row, period, state),
                label,
                _register(period, state, **{relation: username}) if number and username else "",
            )
            for state, label in STATE_COLUMNS
        ]
        outstanding = sum(_count(row, period, state) for state in NOT_SUBMITTED)
        name = _person_name(row, relation) if row[relation] else NO_LEAD[relation]
        made.append(
            ProgressRow(
                name, cells, outstanding, overdue=past_deadline and outstanding > 0, unassigned=not row[relation]
            )
        )
    # Overdue first; then those with most outstanding; commitments with no lead after people.
    made.sort(key=lambda r: (not r.overdue, -r.outstanding, r.unassigned, r.name))
    return made


def admin_section(commitments, periods, today) -> Section:
    section = Section("The quarter's progress")
    if not periods:
        return section
    by_smt = _counts_by_state(commitments, periods, _person_fields("smt_lead"))
    by_officer = _counts_by_state(commitments, periods, _person_fields("officer_lead"))
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
