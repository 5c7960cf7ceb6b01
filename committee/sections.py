"""The paper's risk sections, in its order: which risks each lists, and its words.

One table, read by the report (which risks, and the sentences composed for them), the
page, PDF and Word document (headings and sentences) and the spreadsheets (sheet
titles, the risk-movements CSV's Section column), so a section is named the same
everywhere.

The paper writes these sections as sentences, not tables: one paragraph per risk,
saying what moved and from which score to which, followed by the owner's reason. An
admin may write a risk's paragraph instead (Paper.risk_sentences); a section with no
risks keeps the paper's sentence ("During the last quarter, no risk scores have
decreased.").
"""

from collections.abc import Callable
from dataclasses import dataclass

NUMBER_WORDS = ["no", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten"]


def in_words(number: int) -> str:
    """A count as the paper writes it: "no", "one" ... "ten", then figures."""
    return NUMBER_WORDS[number] if 0 <= number < len(NUMBER_WORDS) else str(number)


def _capital(text: str) -> str:
    return text[:1].upper() + text[1:]


def _score(score, band) -> str:
    return f"{score} ({band})" if band else str(score)


def _named(risk) -> str:
    return f"risk {risk.ref}, {' '.join(risk.title.split())}"


def _illustrative(risk) -> str:
    return " (illustrative scores)" if risk.scores_illustrative else ""


def _scored(risk) -> str:
    if risk.current_score is None:
        return ""
    return f" with a current score of {_score(risk.current_score, risk.current_band)}{_illustrative(risk)}"


def _moved(verb: str) -> Callable:
    def about(risk, p: str, q: str, count: int) -> str:
        before, now = _score(risk.previous_score, risk.previous_band), _score(risk.current_score, risk.current_band)
        return f"The score of {_named(risk)}, has {verb} from {before} in {p} to {now} in {q}{_illustrative(risk)}."

    return about


def _new(risk, p: str, q: str, count: int) -> str:
    return f"{_capital(_named(risk))}, became open during {q}{_scored(risk)}."


def _considered(risk, p: str, q: str, count: int) -> str:
    if count == 1:
        # As the paper writes its one risk under consideration: the count and the risk together.
        return (
            "One new risk is still being considered and evaluated for inclusion, "
            f"and that is {_named(risk)}{_scored(risk)}."
        )
    return f"{_capital(_named(risk))}, is still being considered and evaluated for inclusion{_scored(risk)}."


def _closed(risk, p: str, q: str, count: int) -> str:
    how = "de-escalated" if getattr(risk, "closed_as", "") == "deescalated" else "closed"
    return f"{_capital(_named(risk))}, was {how} during {q}."


@dataclass(frozen=True)
class RiskSection:
    key: str  # in the report's content["risks"] and content["risk_paragraphs"]
    name: str  # short: the XLSX sheet's title and the risk-movements CSV's Section column
    # Its heading; None: its paragraphs continue the section before (the paper puts the
    # risk under consideration in "New corporate risks", as its second paragraph).
    heading: str | None
    # How many it lists, as the paper says it: {count} in words, {s}, {has} and {are} agreeing.
    counted: str
    # The sentence when it lists none; None: the section says nothing then.
    empty: str | None
    # One risk's sentence, before its reason: (risk, p, q, how many the section lists).
    about: Callable
    # The rule, composed of the risks app's queryset methods: (risks, previous, current).
    risks: Callable
    # Whether the count comes before a single risk's paragraph too (otherwise only before several).
    counted_when_one: bool = False

    @property
    def table_key(self) -> str:
        return f"risks_{self.key}"

    def count_sentence(self, count: int) -> str:
        if count == 0 and self.empty:
            return self.empty
        one = count == 1
        words = {"count": in_words(count), "s": "" if one else "s", "has": "has" if one else "have"}
        return _capital(self.counted.format(**words, are="is" if one else "are"))

    def composed(self, risk, p: str, q: str, count: int) -> str:
        """The risk's paragraph as built from the register: what moved, then the reason."""
        reason = " ".join((getattr(risk, "reason", "") or "").split())
        return f"{self.about(risk, p, q, count)} {reason}".strip()

    def paragraphs(self, risks: list, overrides: dict, p: str, q: str) -> list[str]:
        """The section's paragraphs: its count where the paper gives one, then one per
        risk (the admin's words in `overrides`, by ref, else the composed sentence)."""
        if not risks:
            return [self.empty] if self.empty else []
        count = len(risks)
        out = [self.count_sentence(count)] if count > 1 or self.counted_when_one else []
        for risk in risks:
            written = " ".join(str(overrides.get(risk.ref, "")).split())
            out.append(written or self.composed(risk, p, q, count))
        return out


RISK_SECTIONS = [
    RiskSection(
        "new",
        name="New risks",
        heading="New corporate risks",
        counted="The review of the risk register has identified {count} new corporate risk{s} for the OPCC.",
        empty="The review of the risk register has identified no new corporate risks for the OPCC.",
        about=_new,
        counted_when_one=True,
        risks=lambda risks, previous, current: risks.became_open_during(current),
    ),
    RiskSection(
        "under_consideration",
        name="Under consideration",
        heading=None,
        counted="{count} new risk{s} {are} still being considered and evaluated for inclusion.",
        empty=None,  # the paper mentions proposed risks only when there are some
        about=_considered,
        risks=lambda risks, previous, current: risks.under_consideration(current),
    ),
    RiskSection(
        "increased",
        name="Increased",
        heading="Increased corporate risks",
        counted="During the last quarter, {count} risk score{s} {has} increased.",
        empty="During the last quarter, no risk scores have increased.",
        about=_moved("increased"),
        risks=lambda risks, previous, current: risks.increased_between(previous, current) if previous else risks.none(),
    ),
    RiskSection(
        "reduced",
        name="Reduced",
        heading="Reduced corporate risk scores",
        counted="During the last quarter, {count} risk score{s} {has} decreased.",
        empty="During the last quarter, no risk scores have decreased.",
        about=_moved("decreased"),
        risks=lambda risks, previous, current: risks.reduced_between(previous, current) if previous else risks.none(),
    ),
    RiskSection(
        "closed",
        name="Closed and de-escalated",
        heading="Closed and de-escalated corporate risks",
        counted="During the last quarter, {count} risk{s} {has} been closed or de-escalated.",
        empty="During the last quarter, no risks have been closed.",
        about=_closed,
        risks=lambda risks, previous, current: risks.closed_or_deescalated_during(current),
    ),
]
