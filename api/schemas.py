"""What the API answers, as OpenAPI schemas: the public snapshot's shape, and the staff
registers' fields."""

from datetime import datetime
from typing import Literal

from ninja import Schema


class Message(Schema):
    detail: str


class ValidationErrors(Schema):
    detail: list[dict]


class Quarter(Schema):
    period: str
    slug: str
    version: int
    published_at: datetime


class SummaryRow(Schema):
    period: str
    red: int
    amber: int
    green: int
    not_assessed: int
    withheld: int
    total: int


class PolicyArea(Schema):
    name: str
    commitment_refs: list[int]
    withheld: int


class QuarterDetail(Quarter):
    plan: str
    commitments_total: int
    commitments_withheld: int
    updates_withheld: int
    kpi_values_withheld: int
    policy_areas: list[PolicyArea]
    summary: list[SummaryRow]


class Commitment(Schema):
    ref: int
    text: str
    policy_areas: list[str]
    timescale: str
    status: Literal["red", "amber", "green", ""]
    status_label: str
    update: str
    update_withheld: bool


class KpiValue(Schema):
    period: str
    value: float
    note: str


class Kpi(Schema):
    ref: str
    name: str
    policy_area: str
    unit: str
    definition: str
    source: str
    better: Literal["higher", "lower"]
    target: float | None
    illustrative: bool
    values: list[KpiValue]
    withheld: int


Marking = Literal["official", "official-sensitive"]


class StaffUpdate(Schema):
    period: str
    rag: Literal["red", "amber", "green", ""]
    state: Literal["draft", "submitted", "approved", "returned"]
    narrative: str
    protective_marking: Marking


class StaffCommitment(Schema):
    ref: int
    text: str
    policy_areas: list[str]
    smt_lead: str | None
    officer_lead: str | None
    wmp_lead: str
    timescale: str
    active: bool
    protective_marking: Marking
    updates: list[StaffUpdate]


class StaffCommitmentPage(Schema):
    count: int
    limit: int
    offset: int
    items: list[StaffCommitment]


class StaffRisk(Schema):
    ref: str
    title: str
    description: str
    kind: Literal["corporate", "topical"]
    status: Literal["under_consideration", "open", "closed", "deescalated"]
    owner: str
    protective_marking: Marking


class StaffKpiValue(Schema):
    period: str
    value: float
    note: str
    protective_marking: Marking


class StaffKpi(Schema):
    ref: str
    name: str
    policy_area: str
    unit: str
    better: Literal["higher", "lower"]
    target: float | None
    illustrative: bool
    values: list[StaffKpiValue]
