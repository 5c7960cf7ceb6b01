"""Protective marking: OFFICIAL (the default) or OFFICIAL-SENSITIVE, on each commitment,
status update, KPI value and risk. One definition for every app.

A sensitive item never reaches a public page, file or API answer; the public counts say
how many were withheld. Who may set an item's marking is the owning app's rule (its
SMT lead or owner, or an admin); the setting itself, with its reason kept in the
item's history, is marking_set().
"""

from crispy_forms_gds.layout import Field, Size
from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.db import models, transaction
from django.dispatch import Signal
from django.shortcuts import redirect, render

from riskreg.forms import form_helper, posted

# Sent after an item's marking is set (item=, marking=): the public pages take an item
# marked sensitive off the quarters already published for the public.
marking_changed = Signal()


class Marking(models.TextChoices):
    # The same two words and values as a committee paper's marking.
    OFFICIAL = "official", "OFFICIAL"
    OFFICIAL_SENSITIVE = "official-sensitive", "OFFICIAL-SENSITIVE"


MARKING_HELP = {
    Marking.OFFICIAL: "Shown on the public pages and in open data once published.",
    Marking.OFFICIAL_SENSITIVE: "Never shown to the public: the public pages count it as withheld.",
}


def marking_field():
    return models.CharField(
        "protective marking", max_length=20, choices=Marking.choices, default=Marking.OFFICIAL, db_index=True
    )


def marking_reason_field():
    return models.TextField("reason for the marking", blank=True)


def marking_constraint(model_name: str) -> models.CheckConstraint:
    return models.CheckConstraint(
        condition=models.Q(protective_marking__in=Marking.values), name=f"{model_name}_marking_known"
    )


def is_sensitive(item) -> bool:
    return item.protective_marking == Marking.OFFICIAL_SENSITIVE


def official(queryset):
    """The items of `queryset` the public may see (by marking; publication is the caller's)."""
    return queryset.filter(protective_marking=Marking.OFFICIAL)


class MarkingForm(forms.Form):
    protective_marking = forms.ChoiceField(
        label="Protective marking",
        choices=Marking.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Select the protective marking"},
    )
    reason = forms.CharField(
        label="Reason",
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Kept in the item's history.",
        error_messages={"required": "Enter the reason for the marking"},
    )

    def __init__(self, *args, current: str, **kwargs):
        super().__init__(*args, initial={"protective_marking": current}, **kwargs)
        self.current = current
        self.fields["protective_marking"].choices = [
            (value, f"{label}: {MARKING_HELP[value]}") for value, label in Marking.choices
        ]
        self.helper = form_helper(
            Field.radios("protective_marking", legend_size=Size.MEDIUM),
            Field.textarea("reason"),
            submit="Save the marking",
        )

    def clean_reason(self):
        reason = self.cleaned_data["reason"].strip()
        if not reason:
            raise forms.ValidationError("Enter the reason for the marking")
        return reason

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("protective_marking") == self.current:
            self.add_error("protective_marking", f"The item is already {Marking(self.current).label}")
        return cleaned


@transaction.atomic
def marking_set(*, item: models.Model, marking: str, reason: str, by) -> models.Model:
    """Set the item's marking and its reason, recorded in its history as `by`'s change.

    Only those two fields are written, on a locked fresh copy: a concurrent edit of the
    item's other fields is neither overwritten nor lost. The caller checks permission."""
    if marking not in Marking.values:
        raise ValueError(marking)
    locked = type(item).objects.select_for_update().get(pk=item.pk)
    locked.protective_marking, locked.marking_reason = marking, reason.strip()
    locked._history_user = by
    locked.save(update_fields=["protective_marking", "marking_reason"])
    marking_changed.send(sender=type(locked), item=locked, marking=marking)
    return locked


def marking_edit(request, *, item, may_set: bool, what: str, back_url: str):
    """The page that sets an item's marking: every app's marking view loads its item,
    says whether this person may set it, and hands over to this."""
    if not may_set:
        raise PermissionDenied
    form = MarkingForm(posted(request), current=item.protective_marking)
    if request.method == "POST" and form.is_valid():
        marking_set(
            item=item,
            marking=form.cleaned_data["protective_marking"],
            reason=form.cleaned_data["reason"],
            by=request.user,
        )
        messages.success(request, f"{what} is now {Marking(form.cleaned_data['protective_marking']).label}.")
        return redirect(back_url)
    context = {"form": form, "item": item, "what": what, "back_url": back_url, "Marking": Marking}
    return render(request, "riskreg/marking_form.html", context)
