import datetime

import factory
from django.utils import timezone

from riskreg.roles import Role
from risks.models import Action, Assessment, Risk, StatusChange
from tests.factories import ReportingPeriodFactory, UserFactory


class RiskFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Risk
        django_get_or_create = ["ref"]
        skip_postgeneration_save = True

    ref = factory.Sequence(lambda n: f"T{n + 1:03d}")
    title = factory.Faker("sentence", nb_words=6)
    description = factory.Faker("sentence", nb_words=15)
    kind = Risk.Kind.CORPORATE
    owner = factory.SubFactory(UserFactory, role=Role.SMT_LEAD)
    status = Risk.Status.OPEN


class AssessmentFactory(factory.django.DjangoModelFactory):
    """Current score 3 x 3 unless told; inherent and target not rated."""

    class Meta:
        model = Assessment

    risk = factory.SubFactory(RiskFactory)
    period = factory.SubFactory(ReportingPeriodFactory)
    current_likelihood = 3
    current_impact = 3
    rationale = factory.Faker("sentence", nb_words=10)
    assessed_at = factory.LazyFunction(timezone.now)


class StatusChangeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = StatusChange

    risk = factory.SubFactory(RiskFactory)
    from_status = Risk.Status.OPEN
    to_status = Risk.Status.CLOSED
    period = factory.SubFactory(ReportingPeriodFactory)
    date = datetime.date(2025, 9, 30)
    reason = factory.Faker("sentence", nb_words=8)


class ActionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Action

    risk = factory.SubFactory(RiskFactory)
    description = factory.Sequence(lambda n: f"Action number {n + 1}")
    owner_name = "A contact in the force"
    target_text = "Ongoing"
