"""Signals of the site that other apps listen to, so that riskreg imports none of them."""

from django.dispatch import Signal

# Sent when import_register has restored a whole register into an empty database by bulk
# inserts, which send no post_save: whatever is cached about the register is out of date.
register_restored = Signal()
