import factory

from kpis.models import Kpi, KpiValue
from tests.factories import PolicyAreaFactory, ReportingPeriodFactory


class KpiFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Kpi
        django_get_or_create = ["ref"]

    ref = factory.Sequence(lambda n: f"KPI{n + 1:02d}")
    name = factory.Faker("sentence", nb_words=5)
    policy_area = factory.SubFactory(PolicyAreaFactory)
    unit = "%"
    definition = factory.Faker("sentence", nb_words=12)
    source = "Survey"
    better = Kpi.Better.HIGHER
    target = 80


class KpiValueFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = KpiValue

    kpi = factory.SubFactory(KpiFactory)
    period = factory.SubFactory(ReportingPeriodFactory)
    value = 72
    note = ""
