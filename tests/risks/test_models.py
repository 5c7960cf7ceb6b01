import datetime

import pytest
from django.db import IntegrityError, transaction

from risks.models import Assessment, Direction, direction_of_travel
from tests.factories import ReportingPeriodFactory
from tests.risks.factories import ActionFactory, AssessmentFactory, RiskFactory

pytestmark = pytest.mark.django_db


def test_scores_are_likelihood_times_impact_and_none_when_not_rated():
    assessment = Assessment(
        current_likelihood=4, current_impact=3, target_likelihood=2, target_impact=2, inherent_likelihood=None
    )

    assert (assessment.current_score, assessment.target_score, assessment.inherent_score) == (12, 4, None)


@pytest.mark.parametrize("field", ["current_likelihood", "current_impact", "inherent_likelihood", "target_impact"])
@pytest.mark.parametrize("value", [0, 6])
def test_the_database_refuses_a_level_outside_1_to_5(field, value):
    assessment = AssessmentFactory.build(
        risk=RiskFactory(),
        period=ReportingPeriodFactory(),
        inherent_likelihood=2,
        inherent_impact=2,
        target_likelihood=1,
        target_impact=1,
    )
    setattr(assessment, field, value)

    with pytest.raises(IntegrityError), transaction.atomic():
        assessment.save()


def test_the_database_refuses_half_a_rating():
    assessment = AssessmentFactory.build(
        risk=RiskFactory(), period=ReportingPeriodFactory(), target_likelihood=2, target_impact=None
    )

    with pytest.raises(IntegrityError), transaction.atomic():
        assessment.save()


def test_one_assessment_per_risk_per_quarter():
    first = AssessmentFactory()

    with pytest.raises(IntegrityError), transaction.atomic():
        AssessmentFactory(risk=first.risk, period=first.period)


def test_an_action_has_a_user_or_a_named_owner_not_both(smt_lead):
    with pytest.raises(IntegrityError), transaction.atomic():
        ActionFactory(owner=smt_lead, owner_name="Someone else")


def test_an_action_has_a_target_date_or_words_not_both():
    with pytest.raises(IntegrityError), transaction.atomic():
        ActionFactory(target_date=datetime.date(2026, 3, 31), target_text="Ongoing")


@pytest.mark.parametrize(
    ("previous", "current", "expected"),
    [
        (12, 16, Direction.SCORE_UP),
        (16, 12, Direction.SCORE_DOWN),
        (9, 9, Direction.SAME_SCORE),
        (None, 9, Direction.FIRST_SCORE),
        (9, None, None),
    ],
)
def test_direction_of_travel(previous, current, expected):
    assert direction_of_travel(previous, current) == expected


def test_changes_to_risks_assessments_and_actions_are_recorded_with_before_and_after():
    risk = RiskFactory(title="Before")
    risk.title = "After"
    risk.save()
    assessment = AssessmentFactory(risk=risk)
    assessment.current_likelihood = 5
    assessment.save()

    assert [h.title for h in risk.history.order_by("history_date")] == ["Before", "After"]
    assert [h.current_likelihood for h in assessment.history.order_by("history_date")] == [3, 5]
    assert ActionFactory(risk=risk).history.count() == 1
