"""The paper's risk sections, in its order: which risks each lists, and its words.

One table, read by the report (which risks), the page, PDF and Word document (headings,
sentences, captions) and the spreadsheets (sheet titles, the risk-movements CSV's
Section column), so a section is named the same everywhere.
"""

from collections.abc import Callable
from dataclasses import dataclass


@dataclass(frozen=True)
class RiskSection:
    key: str  # in the report's content["risks"]; "risks_<key>" is its table's key
    name: str  # short: the XLSX sheet's title and the risk-movements CSV's Section column
    heading: str
    caption: str  # the table's caption, with {p} and {q} for the quarters' short labels
    one: str  # the sentence before the table when it lists one risk ({count}, {q})
    many: str  # ... and when it lists several
    empty: str  # the sentence instead of the table when it lists none
    # The rule, composed of the risks app's queryset methods: (risks, previous, current).
    risks: Callable
    listed_when_empty: bool = True

    @property
    def table_key(self) -> str:
        return f"risks_{self.key}"

    def sentence(self, count: int, q: str) -> str:
        return (self.one if count == 1 else self.many).format(count=count, q=q)


RISK_SECTIONS = [
    RiskSection(
        "new",
        name="New risks",
        heading="New corporate risks",
        caption="New corporate risks: became open during {q}",
        one="The review of the risk register has identified {count} new corporate risk during {q}.",
        many="The review of the risk register has identified {count} new corporate risks during {q}.",
        empty="The review of the risk register has identified no new corporate risks for the OPCC.",
        risks=lambda risks, previous, current: risks.became_open_during(current),
    ),
    RiskSection(
        "under_consideration",
        name="Under consideration",
        heading="Risks under consideration",
        caption="Risks being considered for inclusion at the end of {q}",
        one="{count} new risk is still being considered and evaluated for inclusion.",
        many="{count} new risks are still being considered and evaluated for inclusion.",
        empty="No new risks are being considered for inclusion.",
        risks=lambda risks, previous, current: risks.under_consideration(current),
        listed_when_empty=False,  # the paper mentions proposed risks only when there are some
    ),
    RiskSection(
        "increased",
        name="Increased",
        heading="Increased corporate risks",
        caption="Corporate risks whose score increased from {p} to {q}",
        one="During the last quarter, {count} risk score has increased.",
        many="During the last quarter, {count} risk scores have increased.",
        empty="During the last quarter, no risk scores have increased.",
        risks=lambda risks, previous, current: risks.increased_between(previous, current) if previous else risks.none(),
    ),
    RiskSection(
        "reduced",
        name="Reduced",
        heading="Reduced corporate risk scores",
        caption="Corporate risks whose score reduced from {p} to {q}",
        one="During the last quarter, {count} risk score has decreased.",
        many="During the last quarter, {count} risk scores have decreased.",
        empty="During the last quarter, no risk scores have decreased.",
        risks=lambda risks, previous, current: risks.reduced_between(previous, current) if previous else risks.none(),
    ),
    RiskSection(
        "closed",
        name="Closed and de-escalated",
        heading="Closed and de-escalated corporate risks",
        caption="Corporate risks closed or de-escalated during {q}",
        one="During the last quarter, {count} risk has been closed or de-escalated.",
        many="During the last quarter, {count} risks have been closed or de-escalated.",
        empty="During the last quarter, no risks have been closed.",
        risks=lambda risks, previous, current: risks.closed_or_deescalated_during(current),
    ),
]
