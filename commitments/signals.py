"""The hand-overs of the quarterly workflow, announced to whoever listens (the notices
app tells people). Sent by commitments.services inside the change's transaction, so a
listener's writes commit or roll back with the change."""

from django.dispatch import Signal

# update=, by=: an officer submitted an update for review.
update_submitted = Signal()
# update=, by=: an SMT lead approved (update.is_approved) or returned an update.
update_reviewed = Signal()
# period=, by= (None when the daily job opened it on its planned day): a quarter opened for updates.
quarter_opened = Signal()
