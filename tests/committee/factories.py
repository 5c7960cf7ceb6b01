import datetime

import factory
from django.utils import timezone

from committee.models import Paper, PublishedPaper
from committee.services import paper_publish
from tests.factories import ReportingPeriodFactory


class PaperFactory(factory.django.DjangoModelFactory):
    """2025/26 Q1's paper (pass period for another), its meeting set, so it can be published.
    The paragraphs are the model's defaults unless told."""

    class Meta:
        model = Paper

    period = factory.SubFactory(ReportingPeriodFactory)
    meeting_date = datetime.date(2025, 12, 11)


class PublishedPaperFactory(factory.django.DjangoModelFactory):
    """Creating one publishes its paper as the web does (committee.services.paper_publish):
    its number, time and content are the service's (the content built from the register),
    and its page and quick files are stored. A correction needs a correction_reason.

    .build() gives an unsaved version 1 of the values given (pass content).
    """

    class Meta:
        model = PublishedPaper

    paper = factory.SubFactory(PaperFactory)
    version = 1
    correction_reason = ""
    published_at = factory.LazyFunction(timezone.now)
    published_by = None

    @classmethod
    def _create(cls, model_class, *, paper, published_by, correction_reason, version, published_at):
        # Anything else given (content) is refused: the service builds it.
        return paper_publish(paper=paper, by=published_by, correction_reason=correction_reason)
