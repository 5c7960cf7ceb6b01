"""The partner contributor (the police force's WMP lead of a commitment): what they see
and the quarterly contribution they write.

They see only the commitments they are WMP lead for, with approved statuses and their own
contributions; every other commitment, risk or paper is a 404 to them (riskreg.access).
While a quarter is open they write one contribution per commitment, kept with its history
and emailed to the officer lead, who may take it into the update; the SMT lead sees it when
reviewing. Committee members never see a contribution itself.
"""

from crispy_forms_gds.layout import Field, Size, Submit
from django import forms
from django.conf import settings
from django.db import transaction
from django.template import loader
from django.urls import reverse
from django.utils import timezone

from commitments.models import Commitment, Contribution, Rag, ReportingPeriod
from riskreg.forms import form_helper
from riskreg.mail import send_email_later


def is_wmp_lead_of(user, commitment: Commitment) -> bool:
    return user.pk is not None and commitment.wmp_lead_user_id == user.pk


def can_contribute(user, commitment: Commitment, period: ReportingPeriod) -> bool:
    return period.is_open and is_wmp_lead_of(user, commitment)


def commitments_of(user):
    return Commitment.objects.active().filter(wmp_lead_user=user).order_by("ref")


def contribution_in(commitment: Commitment, period: ReportingPeriod | None) -> Contribution | None:
    """The quarter's contribution, for the officer's update form and the SMT lead's review."""
    if period is None or commitment.wmp_lead_user_id is None:
        return None
    return Contribution.objects.filter(commitment=commitment, period=period).select_related("author").first()


class ContributionForm(forms.ModelForm):
    class Meta:
        model = Contribution
        fields = ["text", "suggested_rag"]
        labels = {"text": "Your contribution to this quarter's update", "suggested_rag": "Suggested RAG status"}
        help_texts = {
            "text": (
                "What the force has done this quarter towards the commitment. "
                "The officer lead may use it in the update."
            ),
            "suggested_rag": "Optional: the status you would give. The officer lead decides.",
        }
        error_messages = {"text": {"required": "Enter your contribution"}}
        widgets = {"text": forms.Textarea(attrs={"rows": 8})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["suggested_rag"].choices = [("", "No suggestion"), *Rag.choices]
        self.fields["suggested_rag"].required = False
        self.helper = form_helper(
            Field.textarea("text", label_size=Size.MEDIUM),
            Field.radios("suggested_rag", legend_size=Size.SMALL, inline=True),
            Submit("submit", "Save and send to the officer lead"),
        )

    def clean_text(self):
        text = self.cleaned_data["text"].strip()
        if not text:
            raise forms.ValidationError("Enter your contribution")
        return text


@transaction.atomic
def contribution_save(*, request, commitment: Commitment, period: ReportingPeriod, by, text: str, rag: str):
    """Write (or rewrite) the quarter's contribution and tell the officer lead."""
    if not can_contribute(by, commitment, period):
        raise PermissionError("not the WMP lead, or the quarter is closed")
    contribution, _ = Contribution.objects.select_for_update().update_or_create(
        commitment=commitment,
        period=period,
        defaults={"text": text, "suggested_rag": rag, "author": by, "written_at": timezone.now()},
    )
    officer = commitment.officer_lead
    if officer is not None and officer.email and officer.is_active:
        link = request.build_absolute_uri(
            reverse(
                "commitments:update_edit",
                kwargs={"ref": commitment.ref, "fy": period.financial_year_slug, "q": period.quarter_slug},
            )
        )
        context = {"commitment": commitment, "period": period, "contribution": contribution, "link": link}
        context["office_name"] = settings.OFFICE_NAME
        send_email_later(
            to=officer.email,
            subject=f"WMP lead's contribution to commitment {commitment.ref} for {period.label}",
            body=loader.render_to_string("commitments/email/contribution_written.txt", context),
        )
    return contribution
