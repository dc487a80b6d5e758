"""What a research extract may hold, and what it never may.

An extract has one row per concern received in the project's period (see docs/research-extracts.md).
Every row starts with the person's keyed pseudonym; the fields below are chosen per project. A field
marked `quasi` can single a person out in combination with others (age, gender, where they live), so
when it is chosen it must be counted among the quasi-identifiers that k-anonymity is checked on.

The direct identifiers are listed with the reason they are refused, so that a request for one is
answered with that reason rather than a bare "not allowed".
"""

from dataclasses import dataclass
from typing import Literal

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

Kind = Literal["value", "date", "count"]


@dataclass(frozen=True)
class Field:
    key: str  # the CSV column
    label: Promise
    help: Promise
    kind: Kind = "value"  # dates are coarsened or shifted as the project chose
    quasi: bool = False


@dataclass(frozen=True)
class DirectIdentifier:
    key: str
    label: Promise
    why: Promise


FIELDS: tuple[Field, ...] = (
    # The concern.
    Field("received", _("Concern received"), _("The date the concern was received."), kind="date"),
    Field("channel", _("Received by"), _("form or telephone.")),
    Field("source_kind", _("Kind of source"),
          _("The kind of organisation that reported it (school, municipality, prison_probation, psychiatry…), "
            "or telephone_call for a call from outside the platform.")),
    Field("extremism", _("Kind of extremism"), _("As recorded on the concern.")),
    Field("urgent", _("Urgent"), _("yes or no.")),
    Field("police_district", _("Police district"), _("The Info house that received the concern."), quasi=True),
    Field("concern_status", _("Where the concern ended"),
          _("Its status now: handled locally, closed with no concern, waiting, being assessed, decided.")),
    # The person, only as categories.
    Field("age_band", _("Age at receipt"),
          _("In bands: 0-14, 15-17, 18-24, 25-34, 35-44, 45+, or unknown. Never the birth date."), quasi=True),
    Field("gender", _("Gender"), _("female, male, other or unknown."), quasi=True),
    Field("municipality", _("Municipality"), _("The municipality the person lives in."), quasi=True),
    # The Info house's decision.
    Field("decision_kind", _("Decision"), _("The Info house's decision on the concern.")),
    Field("decided", _("Decision made"), _("The date of the decision."), kind="date"),
    Field("days_to_decision", _("Days from receipt to decision"), _("Whole days."), kind="count"),
    # The case the decision opened.
    Field("case_opened", _("Case opened"), _("yes or no.")),
    Field("case_status", _("Case status"), _("open or closed.")),
    Field("case_outcome", _("Case outcome"), _("The outcome recorded when the case was closed.")),
    Field("case_closed", _("Case closed"), _("The date the case was closed."), kind="date"),
    Field("case_days_open", _("Days the case was open"), _("Until it closed, or until the extract."),
          kind="count"),
    # What was done on that case.
    Field("intervention_kinds", _("Kinds of intervention"), _("Every kind on the case, separated by “;”.")),
    Field("intervention_outcomes", _("Outcomes of the interventions"),
          _("Every outcome recorded on the case's ended interventions, separated by “;”.")),
    Field("treatment_kinds", _("Kinds of treatment"), _("For referrals to psychological treatment.")),
    Field("first_intervention", _("First intervention started"), _("The date the first one started."),
          kind="date"),
    Field("session_count", _("Sessions"), _("Sessions logged on the case's interventions."), kind="count"),
    Field("session_hours", _("Session hours"), _("Their total duration, in hours to one decimal."),
          kind="count"),
)

DIRECT_IDENTIFIERS: tuple[DirectIdentifier, ...] = (
    DirectIdentifier("name", _("Name"), _("A name points at one person; the pseudonym links rows instead.")),
    DirectIdentifier("first_name", _("First name"), _("A name points at one person; the pseudonym links rows "
                                                      "instead.")),
    DirectIdentifier("last_name", _("Last name"), _("A name points at one person; the pseudonym links rows "
                                                    "instead.")),
    DirectIdentifier("identifier", _("National identifier (CPR)"),
                     _("A CPR number identifies one person and holds the birth date.")),
    DirectIdentifier("cpr", _("CPR number"), _("A CPR number identifies one person and holds the birth date.")),
    DirectIdentifier("birth_date", _("Birth date"),
                     _("With the municipality and gender a birth date picks out almost anyone; use the age band.")),
    DirectIdentifier("address", _("Address"), _("An address points at a household.")),
    DirectIdentifier("phone", _("Telephone"), _("A telephone number reaches one person.")),
    DirectIdentifier("email", _("E-mail address"), _("An e-mail address reaches one person.")),
    DirectIdentifier("reference", _("Concern or case reference"),
                     _("A reference leads straight back to the record in the platform.")),
    DirectIdentifier("observed", _("What was seen or heard"),
                     _("Free text names people, places and events that identify the person.")),
    DirectIdentifier("worries", _("What worries the reporter"),
                     _("Free text names people, places and events that identify the person.")),
    DirectIdentifier("observed_where", _("Where it was seen"), _("A place, often a named school or address.")),
    DirectIdentifier("person_described", _("The reporter's description of the person"),
                     _("Free text written to recognise the person.")),
    DirectIdentifier("caller", _("The caller's name and contact details"),
                     _("They identify the caller and, through them, the person.")),
    DirectIdentifier("notes", _("Notes"), _("Case notes, session notes and reasons are free text about the "
                                            "person and the people around them.")),
    DirectIdentifier("network", _("Relatives and network"), _("Names and contact details of other people.")),
)

_FIELDS = {f.key: f for f in FIELDS}
_DIRECT = {d.key: d for d in DIRECT_IDENTIFIERS}

# The column that links the rows of one person within a project; always first, never chosen.
PSEUDONYM = "pseudonym"


def field(key: str) -> Field | None:
    return _FIELDS.get(key)


def direct_identifier(key: str) -> DirectIdentifier | None:
    return _DIRECT.get(key)


def field_choices() -> list[tuple[str, Promise]]:
    return [(f.key, f.label) for f in FIELDS]


# Age at receipt, in whole years: (lowest age, label). The last band is open.
AGE_BANDS: tuple[tuple[int, str], ...] = (
    (0, "0-14"), (15, "15-17"), (18, "18-24"), (25, "25-34"), (35, "35-44"), (45, "45+"))
AGE_UNKNOWN = "unknown"


def age_band(age: int | None) -> str:
    if age is None or age < 0:
        return AGE_UNKNOWN
    band = AGE_UNKNOWN
    for lowest, label in AGE_BANDS:
        if age >= lowest:
            band = label
    return band
