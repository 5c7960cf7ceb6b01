import functools

import factory
from django.contrib.auth.hashers import make_password
from django.contrib.auth.models import Group

from commitments.models import (
    Commitment,
    CommitmentPolicyArea,
    Plan,
    PolicyArea,
    Rag,
    ReportingPeriod,
    StatusUpdate,
)
from riskreg.models import User

PASSWORD = "a-test-password-for-everyone"


@functools.cache
def _hashed_password() -> str:
    # Hashing is slow by design: hash once per test run, not once per user.
    return make_password(PASSWORD)


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        django_get_or_create = ["username"]
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    first_name = factory.Faker("first_name")
    last_name = factory.Faker("last_name")
    email = factory.LazyAttribute(lambda u: f"{u.username}@example.org")
    password = factory.LazyFunction(lambda: _hashed_password())

    @factory.post_generation
    def role(self, create, extracted, **kwargs):
        if create and extracted:
            self.groups.add(Group.objects.get(name=extracted))
        if create:
            self.save()


class PlanFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Plan
        django_get_or_create = ["title"]

    title = "Police and Crime Plan 2025-2029"
    start_year = 2025
    end_year = 2029


class PolicyAreaFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = PolicyArea
        django_get_or_create = ["name"]

    name = factory.Sequence(lambda n: f"Policy area {n}")


class ReportingPeriodFactory(factory.django.DjangoModelFactory):
    """2025/26 Q1 by default; pass financial_year and quarter for others."""

    class Meta:
        model = ReportingPeriod
        django_get_or_create = ["financial_year", "quarter"]

    financial_year = 2025
    quarter = 1
    status = ReportingPeriod.Status.OPEN


class CommitmentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Commitment
        skip_postgeneration_save = True

    plan = factory.SubFactory(PlanFactory)
    ref = factory.Sequence(lambda n: n + 1)
    text = factory.Faker("sentence", nb_words=12)
    wmp_lead = ""
    timescale = "2025-2029"

    @factory.post_generation
    def areas(self, create, extracted, **kwargs):
        """areas=["VAWG", "Protecting Victims and Witnesses"], in that order."""
        if not create:
            return
        for position, name in enumerate(extracted or ["Partnerships"]):
            area = PolicyAreaFactory(name=name) if isinstance(name, str) else name
            CommitmentPolicyArea.objects.create(commitment=self, policy_area=area, position=position)


class StatusUpdateFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = StatusUpdate

    commitment = factory.SubFactory(CommitmentFactory)
    period = factory.SubFactory(ReportingPeriodFactory)
    rag = Rag.GREEN
    narrative = factory.Faker("sentence", nb_words=10)
    state = StatusUpdate.State.APPROVED
