"""Authorisation-matrix rows of the assessments pages. Each row builds its own objects (kwargs is
called once per person), so a POST by one person does not change what the next one finds.

Authoring: sofie (system administrator) and, because their organisation is a national centre,
tina (trainer) and morten (mentor coach); everyone else is refused.
Cases: inside, carl leads and mads (mentor, general) is on the team; outside, a case of otto's
that neither is on; a health-compartment assessment that signe (psychiatry liaison, general and
health, on the team) opens and carl and mads do not.
Triage: ida and per triage at the demo Info house; nobody opens another Info house's concern.
An analysis made at triage travels with the case the decision opened.
Break-the-glass is covered by the cases rows, not here.
"""

from datetime import timedelta
from typing import Any

from django.core.files.base import ContentFile
from django.utils import timezone

from infohus.assessments.models import Assessment, AssessmentAttachment, InstrumentVersion
from infohus.assessments.services.instruments import new_draft
from infohus.assessments.tests.factories import (
    licensed_definition,
    make_assessment,
    published,
    serial,
    small_definition,
)
from infohus.cases.models import Case, Concern, TriageDecision
from infohus.cases.tests.factories import make_case, make_concern, make_person
from tests.authz import Row, allowed

AUTHORS = allowed("sofie", "tina", "morten")
TEAM = allowed("carl", "mads")
OTTO = allowed("otto")
SIGNE = allowed("signe")
TRIAGE = allowed("ida", "per")
TRAVELLED = allowed("carl", "mads", "ida", "per")
NOBODY: frozenset[str] = frozenset()
TODAY = str(timezone.localdate())


# --- instruments ---------------------------------------------------------------------------------

def _recording_definition(use: str) -> dict[str, Any]:
    """The small test instrument with nothing required (so a bare POST can sign it), plus the
    licensed record's attachment field for the file rows."""
    definition = small_definition(slug=f"authz-{use}", use=use)
    for section in definition["sections"]:
        for f in section["fields"]:
            f["required"] = False
    form = next(f for f in licensed_definition()["sections"][0]["fields"] if f["kind"] == "attachment")
    definition["sections"].append({"key": "licensed", "title_da": "Skema", "title_en": "Form",
                                   "fields": [{**form, "required": False}]})
    return definition


def _version(use: str = "case") -> InstrumentVersion:
    # Loading the same definition again gives the same published version.
    return published(_recording_definition(use))


def _published_of_its_own() -> InstrumentVersion:
    return published(small_definition(slug=f"authz-authoring-{serial()}"))


def _draft() -> InstrumentVersion:
    """A draft (version 2) of an instrument of its own, with the small instrument's two sections."""
    return new_draft(actor=None, based_on=_published_of_its_own())


def published_version(world: dict[str, Any]) -> dict[str, Any]:
    return {"pk": _published_of_its_own().pk}


def draft_version(world: dict[str, Any]) -> dict[str, Any]:
    return {"pk": _draft().pk}


def draft_section(world: dict[str, Any]) -> dict[str, Any]:
    draft = _draft()
    return {"pk": draft.pk, "section_pk": draft.sections.order_by("order", "pk").first().pk}  # type: ignore[union-attr]


def draft_field(world: dict[str, Any]) -> dict[str, Any]:
    draft = _draft()
    field = draft.fields.order_by("section__order", "order", "pk").first()
    assert field is not None
    return {"pk": draft.pk, "field_pk": field.pk}


# --- cases and concerns ---------------------------------------------------------------------------

def _inside(world: dict[str, Any]) -> Case:
    people = world["people"]
    return make_case(lead=people["carl"], team={people["mads"]: "general"})


def _with_health(world: dict[str, Any]) -> Case:
    people = world["people"]
    return make_case(lead=people["carl"], team={people["mads"]: "general", people["signe"]: "general,health"})


def _outside(world: dict[str, Any]) -> Case:
    return make_case(lead=world["people"]["otto"])


def _concern_at_triage() -> Concern:
    return make_concern(person=make_person())


def _concern_elsewhere() -> Concern:
    from infohus.cases.tests.triage_helpers import concern_at_other_info_house

    return concern_at_other_info_house(person=make_person())


def case(world: dict[str, Any]) -> dict[str, Any]:
    return {"case_pk": _inside(world).pk}


def outside_case(world: dict[str, Any]) -> dict[str, Any]:
    return {"case_pk": _outside(world).pk}


def closed_case(world: dict[str, Any]) -> dict[str, Any]:
    c = _inside(world)
    Case.objects.filter(pk=c.pk).update(status=Case.Status.CLOSED, outcome=Case.Outcome.GOALS_MET)
    return {"case_pk": c.pk}


def concern(world: dict[str, Any]) -> dict[str, Any]:
    return {"concern_pk": _concern_at_triage().pk}


def concern_elsewhere(world: dict[str, Any]) -> dict[str, Any]:
    return {"concern_pk": _concern_elsewhere().pk}


# The start forms post the pk of a published version, which exists only once the row's objects
# are made: the kwargs function (called before each POST) fills it in.
START_ON_CASE: dict[str, Any] = {"compartment": "general", "assessed_on": TODAY}
START_AT_TRIAGE: dict[str, Any] = {"compartment": "general", "assessed_on": TODAY}


def case_to_start_on(world: dict[str, Any]) -> dict[str, Any]:
    START_ON_CASE["instrument_version"] = _version("case").pk
    return case(world)


def closed_case_to_start_on(world: dict[str, Any]) -> dict[str, Any]:
    START_ON_CASE["instrument_version"] = _version("case").pk
    return closed_case(world)


def outside_case_to_start_on(world: dict[str, Any]) -> dict[str, Any]:
    START_ON_CASE["instrument_version"] = _version("case").pk
    return outside_case(world)


def concern_to_start_on(world: dict[str, Any]) -> dict[str, Any]:
    START_AT_TRIAGE["instrument_version"] = _version("triage").pk
    return concern(world)


def concern_elsewhere_to_start_on(world: dict[str, Any]) -> dict[str, Any]:
    START_AT_TRIAGE["instrument_version"] = _version("triage").pk
    return concern_elsewhere(world)


# --- assessments ------------------------------------------------------------------------------------

def _on_case(world: dict[str, Any], c: Case, *, author: str, signed: bool, compartment: str = "general") -> Assessment:
    return make_assessment(version=_version("case"), author=world["people"][author], case=c, compartment=compartment,
                           answers={"summary": "Går i skole igen"}, signed=signed,
                           assessed_on=timezone.localdate() - timedelta(days=7))


def draft(world: dict[str, Any]) -> dict[str, Any]:
    return {"pk": _on_case(world, _inside(world), author="carl", signed=False).pk}


def signed(world: dict[str, Any]) -> dict[str, Any]:
    return {"pk": _on_case(world, _inside(world), author="carl", signed=True).pk}


def health_draft(world: dict[str, Any]) -> dict[str, Any]:
    return {"pk": _on_case(world, _with_health(world), author="signe", signed=False, compartment="health").pk}


def health_signed(world: dict[str, Any]) -> dict[str, Any]:
    return {"pk": _on_case(world, _with_health(world), author="signe", signed=True, compartment="health").pk}


def outside_draft(world: dict[str, Any]) -> dict[str, Any]:
    return {"pk": _on_case(world, _outside(world), author="otto", signed=False).pk}


def outside_signed(world: dict[str, Any]) -> dict[str, Any]:
    return {"pk": _on_case(world, _outside(world), author="otto", signed=True).pk}


def _at_triage(world: dict[str, Any], c: Concern, *, signed: bool) -> Assessment:
    return make_assessment(version=_version("triage"), author=world["people"]["ida"], concern=c,
                           answers={"summary": "Bekymringen er beskrevet"}, signed=signed)


def triage_draft(world: dict[str, Any]) -> dict[str, Any]:
    return {"pk": _at_triage(world, _concern_at_triage(), signed=False).pk}


def triage_signed(world: dict[str, Any]) -> dict[str, Any]:
    return {"pk": _at_triage(world, _concern_at_triage(), signed=True).pk}


def triage_elsewhere(world: dict[str, Any]) -> dict[str, Any]:
    return {"pk": _at_triage(world, _concern_elsewhere(), signed=False).pk}


def _decided_concern(world: dict[str, Any]) -> Concern:
    """A concern whose decision opened carl's case with mads."""
    people = world["people"]
    person = make_person()
    c = make_concern(person=person, status=Concern.Status.DECIDED)
    opened = make_case(person=person, lead=people["carl"], team={people["mads"]: "general"})
    TriageDecision.objects.create(concern=c, kind=TriageDecision.Kind.STATUTORY_OFFER, reason="A mentor is offered.",
                                  decided_on=timezone.localdate(), decided_by=people["ida"], case=opened)
    return c


def travelled(world: dict[str, Any]) -> dict[str, Any]:
    """An analysis signed at triage, after the decision that opened carl's case."""
    return {"pk": _at_triage(world, _decided_concern(world), signed=True).pk}


def travelled_draft(world: dict[str, Any]) -> dict[str, Any]:
    """An analysis left as a draft at triage: after the decision it is read, and written by nobody."""
    return {"pk": _at_triage(world, _decided_concern(world), signed=False).pk}


def _attached(assessment_pk: int, world: dict[str, Any]) -> dict[str, Any]:
    a = AssessmentAttachment(assessment_id=assessment_pk, field_key="form", original_name="skema.pdf",
                             content_type="application/pdf", size=9, uploaded_by=world["people"]["carl"])
    a.file.save("authz-form.pdf", ContentFile(b"%PDF-1.4\n"), save=True)
    return {"pk": assessment_pk, "attachment_pk": a.pk}


# A file is read once by the test client: each POST gets a fresh one.
FILE_ADD: dict[str, Any] = {"field_key": "form"}


def draft_to_attach_to(world: dict[str, Any]) -> dict[str, Any]:
    FILE_ADD["file"] = ContentFile(b"%PDF-1.4\n", name="skema.pdf")
    return draft(world)


def draft_file(world: dict[str, Any]) -> dict[str, Any]:
    return _attached(draft(world)["pk"], world)


def health_file(world: dict[str, Any]) -> dict[str, Any]:
    return _attached(health_draft(world)["pk"], world)


SAVE = {"revision": "1", "assessed_on": TODAY, "action": "save", "a-summary": "Går i skole igen"}
SIGN = {"revision": "1", "assessed_on": TODAY, "action": "sign", "a-summary": "Går i skole igen"}

# A page opens (200); a write is done and redirects (302: a form sent back with errors is 400).
PAGE = frozenset({200})
DONE = frozenset({302})


def page(route: str, who: frozenset[str], kwargs: Any = None, note: str = "") -> Row:
    return Row(route, who, kwargs=kwargs or (lambda world: {}), ok=PAGE, note=note)


def write(route: str, who: frozenset[str], kwargs: Any, data: dict[str, Any] | None = None, note: str = "") -> Row:
    return Row(route, who, kwargs=kwargs, method="POST", data=data if data is not None else {}, ok=DONE, note=note)


ROWS = [
    # Authoring (views_instruments.py): the capability, no need-to-know.
    page("assessments:instrument_list", AUTHORS),
    page("assessments:instrument_new", AUTHORS),
    page("assessments:version_detail", AUTHORS, published_version),
    page("assessments:version_detail", AUTHORS, draft_version, note="a draft"),
    write("assessments:version_new_draft", AUTHORS, published_version),
    write("assessments:version_publish", AUTHORS, draft_version, {"change_note": "Hjælpeteksterne er skrevet om."}),
    write("assessments:version_discard", AUTHORS, draft_version),
    page("assessments:section_add", AUTHORS, draft_version),
    write("assessments:section_add", AUTHORS, draft_version,
          {"key": "next", "title_da": "Næste skridt", "title_en": "Next steps"}),
    page("assessments:section_edit", AUTHORS, draft_section),
    write("assessments:section_remove", AUTHORS, draft_section),
    write("assessments:section_move", AUTHORS, draft_section, {"direction": "down"}),
    page("assessments:field_add", AUTHORS, draft_section),
    write("assessments:field_add", AUTHORS, draft_section,
          {"key": "who", "kind": "short_text", "label_da": "Hvem", "label_en": "Who"}),
    page("assessments:field_edit", AUTHORS, draft_field),
    write("assessments:field_remove", AUTHORS, draft_field),
    write("assessments:field_move", AUTHORS, draft_field, {"direction": "down"}),

    # Starting an assessment on a case or on a concern at triage (views_recording.py).
    page("assessments:case_start", TEAM, case),
    page("assessments:case_start", OTTO, outside_case, note="outside carl's and mads' need-to-know"),
    page("assessments:case_start", NOBODY, closed_case, note="a closed case takes no new assessment"),
    write("assessments:case_start", TEAM, case_to_start_on, START_ON_CASE),
    write("assessments:case_start", OTTO, outside_case_to_start_on, START_ON_CASE,
          note="a forged POST outside the need-to-know"),
    write("assessments:case_start", NOBODY, closed_case_to_start_on, START_ON_CASE, note="a closed case"),
    page("assessments:concern_start", TRIAGE, concern),
    page("assessments:concern_start", NOBODY, concern_elsewhere, note="a concern at another Info house"),
    write("assessments:concern_start", TRIAGE, concern_to_start_on, START_AT_TRIAGE),
    write("assessments:concern_start", NOBODY, concern_elsewhere_to_start_on, START_AT_TRIAGE,
          note="a forged POST at another Info house"),

    # One assessment: read, edit, save, sign, discard, correct, files.
    page("assessments:assessment_detail", TEAM, signed),
    page("assessments:assessment_detail", TEAM, draft, note="a draft"),
    page("assessments:assessment_detail", SIGNE, health_signed,
         note="the health compartment: signe sees it, the mentor and the case worker do not"),
    page("assessments:assessment_detail", OTTO, outside_signed),
    page("assessments:assessment_detail", TRIAGE, triage_draft, note="at triage"),
    page("assessments:assessment_detail", NOBODY, triage_elsewhere, note="at another Info house"),
    page("assessments:assessment_detail", TRAVELLED, travelled,
         note="an analysis made at triage travels to the case the decision opened"),
    page("assessments:assessment_detail", TRAVELLED, travelled_draft, note="a draft analysis after the decision"),
    page("assessments:assessment_edit", TEAM, draft),
    page("assessments:assessment_edit", SIGNE, health_draft),
    page("assessments:assessment_edit", OTTO, outside_draft),
    page("assessments:assessment_edit", TRIAGE, triage_draft),
    page("assessments:assessment_edit", NOBODY, triage_elsewhere),
    page("assessments:assessment_edit", NOBODY, travelled_draft, note="read-only after the decision"),
    write("assessments:assessment_edit", TEAM, draft, SAVE, note="save"),
    write("assessments:assessment_edit", OTTO, outside_draft, SAVE, note="a forged save outside the need-to-know"),
    write("assessments:assessment_edit", SIGNE, health_draft, SAVE,
          note="a forged save in a compartment the mentor and the case worker do not see"),
    write("assessments:assessment_edit", NOBODY, travelled_draft, SAVE, note="a save after the decision"),
    write("assessments:assessment_edit", TEAM, draft, SIGN, note="sign"),
    write("assessments:assessment_edit", TRIAGE, triage_draft, SIGN, note="sign at triage"),
    write("assessments:assessment_discard", TEAM, draft),
    write("assessments:assessment_discard", OTTO, outside_draft),
    write("assessments:assessment_correct", TEAM, signed),
    write("assessments:assessment_correct", SIGNE, health_signed),
    page("assessments:file_add", TEAM, draft),
    page("assessments:file_add", OTTO, outside_draft),
    write("assessments:file_add", TEAM, draft_to_attach_to, FILE_ADD),
    page("assessments:file_download", TEAM, draft_file),
    page("assessments:file_download", SIGNE, health_file),
    write("assessments:file_remove", TEAM, draft_file),

    # Progress, comparison and print (views_progress.py).
    page("assessments:case_progress", TEAM, case),
    page("assessments:case_progress", OTTO, outside_case),
    page("assessments:case_progress_pdf", TEAM, case),
    page("assessments:case_progress_pdf", OTTO, outside_case),
    page("assessments:assessment_pdf", TEAM, signed),
    page("assessments:assessment_pdf", SIGNE, health_signed),
    page("assessments:assessment_pdf", TRAVELLED, travelled),
    page("assessments:assessment_compare", TEAM, signed),
    page("assessments:assessment_compare", SIGNE, health_signed),
]
