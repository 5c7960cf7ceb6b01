"""An officer's task list: their updates to write, returned, and waiting for review."""

from tasks.common import NO_UPDATE, Section, State, Task, TaskGroup, _count, _counts_by_state, _mine, _plural, _status

# ---------------------------------------------------------------------------
# Officer


def officer_section(user, commitments, periods) -> Section:
    section = Section("Your updates as officer lead")
    if not periods:
        return section
    (row,) = _counts_by_state(commitments.filter(officer_lead=user), periods, [])
    for period in periods:
        not_started, drafts, returned, waiting = (
            _count(row, period, state) for state in (NO_UPDATE, State.DRAFT, State.RETURNED, State.SUBMITTED)
        )
        key = f"officer-{period.slug}"
        items = [
            ("not-started", "Updates not started", not_started, f"{not_started} to write", NO_UPDATE),
            ("drafts", "Draft updates to finish and submit", drafts, _plural(drafts, "draft"), State.DRAFT),
            ("returned", "Updates returned to you for changes", returned, f"{returned} returned", State.RETURNED),
        ]
        tasks = [
            Task(f"{key}-{slug}", name, href=_mine(state) if number else "", **_status(number, words))
            for slug, name, number, words, state in items
        ]
        tasks.append(
            Task(
                f"{key}-waiting",
                "Updates waiting for your SMT lead's review",
                href=_mine(State.SUBMITTED) if waiting else "",
                **_status(waiting, f"{waiting} waiting", tag="govuk-tag--grey"),
            )
        )
        section.groups.append(
            TaskGroup(f"{period.label}: updates to write", tasks, "Officers' deadline", period.officer_deadline)
        )
    return section
