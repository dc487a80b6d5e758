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

from infohus.assessments.engine import display
from infohus.assessments.models import Assessment, AssessmentAttachment, Field, FieldKind, Instrument, InstrumentVersion
from infohus.assessments.selectors.access import Holder


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
class ScaleChart:
    instrument: str
    field_key: str
    label: str
    series: list[Series]
    dates: list[date]


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


@dataclass
class Progress:
    assessments: list[Assessment]
    scale_charts: list[ScaleChart]
    wheels: list[WheelChart]
    instruments: list[tuple[int, str, list[Assessment]]]  # (instrument pk, name, signed assessments)


WHEEL_MIN_AREAS = 3


def progress(holder: Holder) -> Progress:
    """Signed assessments over time, and the data of the charts drawn from them. Drafts are
    left out: they may still change. Three queries, whatever the number of assessments."""
    signed = list(assessments_of(holder).filter(status=Assessment.Status.SIGNED)
                  .order_by("assessed_on", "pk"))
    fields = fields_of({a.version_id for a in signed})
    by_instrument: dict[int, list[Assessment]] = defaultdict(list)
    for a in signed:
        by_instrument[a.version.instrument_id].append(a)

    scale_charts: list[ScaleChart] = []
    wheels: list[WheelChart] = []
    instruments = []
    for instrument_id, items in sorted(by_instrument.items(), key=lambda kv: kv[1][0].version.instrument.name):
        name = items[0].version.instrument.name
        instruments.append((instrument_id, name, items))
        latest_fields = fields[items[-1].version_id]
        # Participant scales: one chart per field key, one line per participant.
        for f in latest_fields:
            if f.kind != FieldKind.PARTICIPANT_SCALE:
                continue
            series = {key: Series(participant=key, label=label) for key, label in f.participants()}
            for a in items:
                for key, value in (a.answers.get(f.key) or {}).items():
                    if key not in series:
                        series[key] = Series(participant=key, label=key)
                    series[key].points.append((a.assessed_on, value, a.pk))
            dates = sorted({a.assessed_on for a in items if a.answers.get(f.key)})
            if dates:
                scale_charts.append(ScaleChart(instrument=name, field_key=f.key, label=f.label,
                                               series=[s for s in series.values() if s.points], dates=dates))
        # A wheel: an instrument with several 0–10 scales, the latest rating over the previous one.
        areas = [(f.key, f.label) for f in latest_fields if f.kind == FieldKind.SCALE]
        if len(areas) >= WHEEL_MIN_AREAS:
            latest = items[-1]
            previous = items[-2] if len(items) > 1 else None
            wheels.append(WheelChart(
                instrument=name, areas=areas, latest=latest,
                latest_values=[latest.answers.get(key) for key, _label in areas],
                previous=previous,
                previous_values=[previous.answers.get(key) for key, _label in areas] if previous else [],
            ))
    return Progress(assessments=signed, scale_charts=scale_charts, wheels=wheels, instruments=instruments)


def comparable_with(holder: Holder, assessment: Assessment) -> QuerySet[Assessment]:
    """Other assessments of the same instrument on the same holder, to compare with."""
    return (assessments_of(holder).filter(version__instrument_id=assessment.version.instrument_id)
            .exclude(pk=assessment.pk).order_by("-assessed_on", "-pk"))


def answer_rows(assessment: Assessment, fields: list[Field]) -> list[dict[str, Any]]:
    """The assessment's answers by section, for a page or a PDF."""
    sections: list[dict[str, Any]] = []
    for f in fields:
        if not sections or sections[-1]["section"].pk != f.section_id:
            sections.append({"section": f.section, "rows": []})
        sections[-1]["rows"].append({"field": f, "lines": display(f, assessment.answers.get(f.key))})
    return sections
