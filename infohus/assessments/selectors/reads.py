"""Reads of recorded assessments: a holder's list, the progress over time, two to compare.

Every function takes a Holder from selectors/access.py, so it reads only what the user may open,
and filters by the compartments the user sees there. The number of queries does not grow with
the number of assessments.
"""

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from django.db.models import Q, QuerySet
from django.utils.translation import gettext as _

from infohus.assessments.engine import ComparedField, compare, display
from infohus.assessments.models import Assessment, AssessmentAttachment, Field, FieldKind, Instrument, InstrumentVersion
from infohus.assessments.selectors.access import AssessmentAccess, Holder


def assessments_of(holder: Holder) -> QuerySet[Assessment]:
    """The holder's assessments in the compartments the user sees; for a case, with the
    Info-house analysis made on the concern that opened it."""
    if holder.case is not None:
        where = Q(case=holder.case) | Q(concern__decision__case=holder.case)
    else:
        where = Q(concern=holder.concern)
    return (Assessment.objects.filter(where, compartment__in=holder.compartments)
            .select_related("version__instrument", "created_by", "signed_by", "amends"))


def timeline(holder: Holder) -> QuerySet[Assessment]:
    """Newest first, as the case page lists them."""
    return assessments_of(holder).order_by("-assessed_on", "-pk")


def startable_instruments(holder: Holder) -> list[InstrumentVersion]:
    """The latest published version of each instrument that can be used on this holder."""
    use = Instrument.Use.CASE if holder.case is not None else Instrument.Use.TRIAGE
    versions = (InstrumentVersion.objects.filter(status=InstrumentVersion.Status.PUBLISHED, instrument__use=use)
                .select_related("instrument").order_by("instrument__slug", "-number"))
    latest: dict[int, InstrumentVersion] = {}
    for version in versions:
        latest.setdefault(version.instrument_id, version)
    return sorted(latest.values(), key=lambda v: v.instrument.name)


def fields_of(version_ids: set[int] | list[int]) -> dict[int, list[Field]]:
    """The fields of several versions, in order, in one query."""
    by_version: dict[int, list[Field]] = defaultdict(list)
    for f in Field.objects.filter(version_id__in=list(version_ids)).select_related("section").order_by(
            "version_id", "section__order", "section__pk", "order", "pk"):
        by_version[f.version_id].append(f)
    return by_version


def attachments_of(assessment: Assessment) -> QuerySet[AssessmentAttachment]:
    return assessment.attachments.select_related("uploaded_by").all()


# --- progress --------------------------------------------------------------------------------

@dataclass
class Series:
    """One participant's answers to one participant scale, as given, oldest first."""

    participant: str
    label: str
    points: list[tuple[date, int, int]] = field(default_factory=list)  # (assessed on, value, assessment pk)


@dataclass
class ScaleRow:
    """One signed assessment in a participant-scale table: the value each participant gave, in
    the order of the chart's series (None where that participant gave none)."""

    assessment: Assessment
    values: list[int | None]


@dataclass
class ScaleChart:
    instrument: str
    field_key: str
    label: str
    series: list[Series]
    dates: list[date]
    rows: list[ScaleRow] = field(default_factory=list)  # oldest first, one per assessment that answered
    instrument_id: int = 0


@dataclass
class WheelChart:
    """The scale fields of one instrument (such as the life-skills wheel): the latest signed
    rating and the one before it, each value as given."""

    instrument: str
    areas: list[tuple[str, str]]  # (field key, label)
    latest: Assessment
    latest_values: list[int | None]
    previous: Assessment | None
    previous_values: list[int | None]
    instrument_id: int = 0


@dataclass
class Progress:
    assessments: list[Assessment]
    scale_charts: list[ScaleChart]
    wheels: list[WheelChart]
    instruments: list[tuple[int, str, list[Assessment]]]  # (instrument pk, name, signed assessments)
    # Signed assessments that a later signed correction replaces: listed, but not drawn.
    corrected: list[Assessment] = field(default_factory=list)


WHEEL_MIN_AREAS = 3


def _keys_of_kind(versions_newest_first: list[list[Field]], kind: str) -> list[Field]:
    """One field per key of this kind across the versions used, in the newest version's order,
    then keys only older versions have; each key described by the newest version that has it."""
    seen: dict[str, Field] = {}
    for fields in versions_newest_first:
        for f in fields:
            if f.kind == kind and f.key not in seen:
                seen[f.key] = f
    return list(seen.values())


def _scale_chart(name: str, instrument_id: int, f: Field, older: list[Field],
                 items: list[Assessment]) -> ScaleChart | None:
    labels = dict(f.participants())
    for other in older:  # participants that only older versions named keep their old label
        for key, label in other.participants():
            labels.setdefault(key, label)
    series = {key: Series(participant=key, label=label) for key, label in labels.items()}
    answered = []
    for a in items:
        given = a.answers.get(f.key)
        if not isinstance(given, dict) or not given:
            continue
        answered.append(a)
        for key, value in given.items():
            if key not in series:
                series[key] = Series(participant=key, label=key)
            series[key].points.append((a.assessed_on, value, a.pk))
    if not answered:
        return None
    drawn = [s for s in series.values() if s.points]
    rows = [ScaleRow(assessment=a, values=[a.answers[f.key].get(s.participant) for s in drawn]) for a in answered]
    return ScaleChart(instrument=name, field_key=f.key, label=f.label, series=drawn,
                      dates=sorted({a.assessed_on for a in answered}), rows=rows, instrument_id=instrument_id)


def progress(holder: Holder) -> Progress:
    """Signed assessments over time, and the data of the charts drawn from them. Drafts are
    left out: they may still change; so is a signed assessment that a later signed correction
    replaces. Two queries, whatever the number of assessments."""
    signed = list(assessments_of(holder).filter(status=Assessment.Status.SIGNED)
                  .order_by("assessed_on", "pk"))
    fields = fields_of({a.version_id for a in signed})
    replaced = {a.amends_id for a in signed if a.amends_id is not None}
    corrected = [a for a in signed if a.pk in replaced]
    by_instrument: dict[int, list[Assessment]] = defaultdict(list)
    for a in signed:
        if a.pk not in replaced:
            by_instrument[a.version.instrument_id].append(a)

    scale_charts: list[ScaleChart] = []
    wheels: list[WheelChart] = []
    instruments: list[tuple[int, str, list[Assessment]]] = []
    for instrument_id, items in sorted(by_instrument.items(), key=lambda kv: (kv[1][0].version.instrument.name, kv[0])):
        name = items[0].version.instrument.name
        instruments.append((instrument_id, name, items))
        numbers = {a.version_id: a.version.number for a in items}
        versions = [fields[pk] for pk in sorted(numbers, key=lambda pk: -numbers[pk])]
        # Participant scales: one chart per field key, one line per participant.
        for f in _keys_of_kind(versions, FieldKind.PARTICIPANT_SCALE):
            older = [o for fs in versions for o in fs if o.key == f.key and o.kind == f.kind and o is not f]
            chart = _scale_chart(name, instrument_id, f, older, items)
            if chart is not None:
                scale_charts.append(chart)
        # A wheel: an instrument with several 0–10 scales, the latest rating over the previous one.
        latest = items[-1]
        previous = items[-2] if len(items) > 1 else None
        areas_fields = [f for f in fields[latest.version_id] if f.kind == FieldKind.SCALE]
        if previous is not None:  # areas the previous rating's version had and the latest one dropped
            kept = {f.key for f in areas_fields}
            areas_fields += [f for f in fields[previous.version_id] if f.kind == FieldKind.SCALE and f.key not in kept]
        areas = [(f.key, f.label) for f in areas_fields]
        if len(areas) >= WHEEL_MIN_AREAS:
            wheels.append(WheelChart(
                instrument=name, areas=areas, latest=latest,
                latest_values=[latest.answers.get(key) for key, _label in areas],
                previous=previous,
                previous_values=[previous.answers.get(key) for key, _label in areas] if previous else [],
                instrument_id=instrument_id,
            ))
    return Progress(assessments=signed, scale_charts=scale_charts, wheels=wheels, instruments=instruments,
                    corrected=corrected)


def comparable_with(holder: Holder, assessment: Assessment) -> QuerySet[Assessment]:
    """Other assessments of the same instrument on the same holder, to compare with."""
    return (assessments_of(holder).filter(version__instrument_id=assessment.version.instrument_id)
            .exclude(pk=assessment.pk).order_by("-assessed_on", "-pk"))


# --- comparing two -----------------------------------------------------------------------------

class NotComparable(ValueError):
    """Two assessments that cannot be put side by side; the message says why."""


@dataclass
class ComparedSection:
    title: str
    rows: list[ComparedField]


@dataclass
class Comparison:
    """Two assessments of one instrument, the older on the left; rows field by field by key."""

    left: Assessment
    right: Assessment
    sections: list[ComparedSection]


def _holder_key(holder: Holder) -> tuple[str, int]:
    if holder.case is not None:
        return ("case", holder.case.pk)
    assert holder.concern is not None
    return ("concern", holder.concern.pk)


def comparison(first: AssessmentAccess, second: AssessmentAccess) -> Comparison:
    """Two assessments the user has opened (with assessment_for_user), side by side by section.
    Refused with NotComparable when they are one and the same, of different instruments, or of
    different cases. One query (the fields of both versions)."""
    a, b = first.assessment, second.assessment
    if a.pk == b.pk:
        raise NotComparable(_("Choose another assessment to compare this one with."))
    if a.version.instrument_id != b.version.instrument_id:
        raise NotComparable(_("Only assessments made with the same instrument can be compared: “%(one)s” and "
                              "“%(other)s” are different instruments.")
                            % {"one": a.version.instrument.name, "other": b.version.instrument.name})
    if _holder_key(first.holder) != _holder_key(second.holder):
        raise NotComparable(_("Only assessments of the same case can be compared."))
    left, right = sorted((a, b), key=lambda x: (x.assessed_on, x.pk))
    fields = fields_of({left.version_id, right.version_id})
    rows = compare(fields[left.version_id], left.answers, fields[right.version_id], right.answers)
    sections: dict[str, ComparedSection] = {}
    for row in rows:
        sections.setdefault(row.section, ComparedSection(title=row.section, rows=[])).rows.append(row)
    return Comparison(left=left, right=right, sections=list(sections.values()))


def answer_rows(assessment: Assessment, fields: list[Field]) -> list[dict[str, Any]]:
    """The assessment's answers by section, for a page or a PDF."""
    sections: list[dict[str, Any]] = []
    for f in fields:
        if not sections or sections[-1]["section"].pk != f.section_id:
            sections.append({"section": f.section, "rows": []})
        sections[-1]["rows"].append({"field": f, "lines": display(f, assessment.answers.get(f.key))})
    return sections
