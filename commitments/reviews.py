"""Reviews with context: what changed since last quarter and since the update was last
returned, marked word by word; and approving several updates from the queue at once."""

import difflib
import re
from dataclasses import dataclass, field

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.utils.html import escape, format_html
from django.utils.safestring import SafeString, mark_safe

from commitments import permissions, services
from commitments.models import StatusUpdate

# A word or a punctuation mark, with the space before it: "meets." and "meets in
# January." differ by two words, not by one changed word.
_TOKENS = re.compile(r"\s*(?:\w+|[^\w\s])")


def _tokens(text: str) -> list[str]:
    return _TOKENS.findall(text or "")


def _wrap(tag: str, word: str, tokens: list[str]) -> SafeString:
    text = "".join(tokens)
    space = text[: len(text) - len(text.lstrip())]  # the space before stays outside the mark
    return format_html(
        '{}<{}><span class="govuk-visually-hidden">{}: </span>{}</{}>', space, tag, word, text.lstrip(), tag
    )


def word_diff(before: str, after: str) -> SafeString:
    """`after`, with the words not in `before` in <ins> and the words gone in <del>, each
    starting with a visually hidden "added" or "removed" for screen readers."""
    old, new = _tokens(before), _tokens(after)
    matcher = difflib.SequenceMatcher(None, [t.strip() for t in old], [t.strip() for t in new], autojunk=False)
    parts = []
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag == "equal":
            parts.append(escape("".join(new[j1:j2])))
            continue
        if i2 > i1:
            parts.append(_wrap("del", "removed", old[i1:i2]))
        if j2 > j1:
            parts.append(_wrap("ins", "added", new[j1:j2]))
    return mark_safe("".join(parts))  # noqa: S308 (each part is escaped above)


@dataclass
class Return:
    """An earlier return of this update to the officer, and what has changed since."""

    record: object  # the update's history record as it was returned
    current: StatusUpdate

    @property
    def reviewer(self):
        return self.record.reviewer

    @property
    def when(self):
        return self.record.reviewed_at or self.record.history_date

    @property
    def comment(self) -> str:
        return self.record.review_comment

    @property
    def rag_changed(self) -> bool:
        return self.record.rag != self.current.rag

    @property
    def rag_then(self) -> str:
        return StatusUpdate(rag=self.record.rag).rag_label

    @property
    def text_changed(self) -> bool:
        return " ".join(self.record.narrative.split()) != " ".join(self.current.narrative.split())

    @property
    def changes(self) -> SafeString:
        return word_diff(self.record.narrative, self.current.narrative)


def earlier_returns(update: StatusUpdate) -> list[Return]:
    """Each time the update was returned, oldest first, from its history: one query."""
    records = (
        StatusUpdate.history.filter(id=update.pk, state=StatusUpdate.State.RETURNED)
        .select_related("reviewer")
        .order_by("history_date")
    )
    return [Return(record, update) for record in records]


def review_context(update: StatusUpdate, previous: StatusUpdate | None) -> dict:
    """What the review page shows beside the update: last quarter's text with the changes
    marked, and each earlier return with what has changed since."""
    returns = earlier_returns(update)
    return {
        "changes_from_previous": word_diff(previous.narrative, update.narrative) if previous else None,
        "returns": returns,
        "last_return": returns[-1] if returns else None,
    }


@dataclass
class BulkApproval:
    approved: list[StatusUpdate] = field(default_factory=list)
    refused: list[tuple[str, str]] = field(default_factory=list)  # (which update, why)

    @property
    def messages(self) -> list[tuple[int, str]]:
        found = []
        if self.approved:
            count = len(self.approved)
            refs = ", ".join(str(u.commitment.ref) for u in self.approved)
            noun = "update" if count == 1 else "updates"
            found.append((messages.SUCCESS, f"{count} {noun} approved (commitments {refs})."))
        for which, why in self.refused:
            found.append((messages.ERROR, f"{which} was not approved: {why}."))
        if not self.approved and not self.refused:
            found.append((messages.ERROR, "Select at least one update to approve."))
        return found


def _parse(value: str) -> tuple[int, int] | None:
    pk, _, version = value.partition(":")
    if not (pk.isdigit() and version.isdigit() and len(pk) < 10 and len(version) < 10):
        return None
    return int(pk), int(version)


def approve_selected(values: list[str], *, by) -> BulkApproval:
    """Approve each selected update ("<id>:<version>", as the queue's checkboxes post it)
    through services.status_update_review, separately: each is checked for permission
    and version and recorded in its own history; one refused costs only itself."""
    result = BulkApproval()
    wanted = []
    for value in values[:1000]:
        parsed = _parse(value)
        if parsed is None:
            result.refused.append(("A selection", "it was not understood; reload the page and try again"))
        else:
            wanted.append(parsed)
    found = StatusUpdate.objects.select_related("commitment", "period").in_bulk([pk for pk, _ in wanted])
    for pk, version in wanted:
        update = found.get(pk)
        if update is None or not permissions.is_reviewer_of(by, update.commitment):
            result.refused.append(("An update", "it is not one you review"))
            continue
        which = f"Commitment {update.commitment.ref} ({update.period.label})"
        try:
            approved = services.status_update_review(
                update=update, reviewer=by, approve=True, comment="", version=version
            )
        except services.EditConflict as conflict:
            now = conflict.current.get_state_display().lower() if conflict.current else "gone"
            result.refused.append((which, f"it changed since you opened the page and is now {now}; review it again"))
        except PermissionDenied:
            reason = (
                f"{update.period.label} is closed"
                if not update.period.is_open
                else f"it is {update.get_state_display().lower()}, not waiting for review"
            )
            result.refused.append((which, reason))
        else:
            result.approved.append(approved)
    return result
