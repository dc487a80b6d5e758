"""Printable summaries: one assessment and the progress of a case, as PDF files; the Unicode font
and the core-font fallback; need-to-know, compartments and audit."""

import re
from collections.abc import Callable
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from infohus.accounts.models import User
from infohus.assessments import pdf
from infohus.assessments.models import Assessment, InstrumentVersion
from infohus.assessments.tests.factories import make_assessment, published, small_definition, wheel_definition
from infohus.audit.models import AuditEvent
from infohus.cases.models import Case, Concern, Person, TriageDecision
from infohus.cases.tests.factories import make_case, make_concern, make_person
from infohus.core import pdf as house_pdf

pytestmark = pytest.mark.django_db

DAY = date(2026, 3, 2)
DEJAVU = Path(house_pdf.DEFAULT_FONT_DIR) / "DejaVuSans.ttf"
needs_dejavu = pytest.mark.skipif(not DEJAVU.is_file(), reason="DejaVu Sans is not installed")


@pytest.fixture
def case(people: dict[str, User]) -> Case:
    person = make_person("Yasmin", "Østergaard")
    return make_case(person=person, lead=people["carl"],
                     team={people["mads"]: "general", people["signe"]: "general,health"})


@pytest.fixture
def bra() -> InstrumentVersion:
    return published(small_definition())


@pytest.fixture
def documents(monkeypatch: pytest.MonkeyPatch) -> list[pdf.Document]:
    """Every Document the views build, to read what they wrote (the seam of pdf.Document.put)."""
    made: list[pdf.Document] = []
    for name in ("assessment_document", "progress_document"):
        original = getattr(pdf, name)

        def capture(*args: Any, _original: Any = original, **kwargs: Any) -> pdf.Document:
            document = _original(*args, **kwargs)
            made.append(document)
            return document

        monkeypatch.setattr(pdf, name, capture)
    return made


@pytest.fixture
def core_font(settings: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """No DejaVu where the settings point, and an uncompressed content stream to read."""
    settings.PDF_FONT_DIR = str(tmp_path)
    monkeypatch.setattr(pdf, "COMPRESS", False)


def _answers() -> dict[str, Any]:
    return {"summary": "Goes to school again – most days", "story": "Met at the youth club.\nTalked about friends.",
            "harm": ["Threats online", "Carries a knife"], "areas": ["family"], "overall": 6,
            "scale": {"person": 4, "parent": 7}}


def _get(client: Client, name: str, pk: int) -> Any:
    return client.get(reverse(f"assessments:{name}", args=[pk]))


def _is_pdf(response: Any) -> bytes:
    assert response.status_code == 200, response.content[:300]
    assert response["Content-Type"] == "application/pdf"
    assert "no-store" in response["Cache-Control"]
    content = bytes(response.content)
    assert content.startswith(b"%PDF-")
    assert content.rstrip().endswith(b"%%EOF")
    assert re.search(rb"/Type\s*/Pages\b", content) and b"xref" in content
    return content


def _text(document: pdf.Document) -> str:
    return "\n".join(document.written)


# --- one assessment --------------------------------------------------------------------------

@needs_dejavu
def test_signed_assessment_prints_its_facts_and_answers(signed_in: Callable[[str], Client], case: Case,
                                                       bra: InstrumentVersion, people: dict[str, User],
                                                       documents: list[pdf.Document]) -> None:
    a = make_assessment(version=bra, author=people["carl"], case=case, answers=_answers(), assessed_on=DAY,
                        signed=True)
    response = _get(signed_in("mads"), "assessment_pdf", a.pk)
    content = _is_pdf(response)
    assert b"/FontFile2" in content and b"DejaVu" in content  # the Unicode font is embedded
    text = _text(documents[0])
    for piece in (case.reference, "Test instrument", "Version", "General", "2026-03-02", "Signed",
                  "Signed by", "Carl Brink", "Worries", "Where things stand", "In short",
                  "Goes to school again – most days", "Met at the youth club.", "Talked about friends.",
                  "Threats online", "Carries a knife", "Family", "6 / 10", "The person: 4 / 10",
                  "A parent: 7 / 10", "Met on", "Not answered"):
        assert piece in text, piece
    assert "DRAFT" not in text


@needs_dejavu
def test_draft_is_marked_as_a_draft(signed_in: Callable[[str], Client], case: Case, bra: InstrumentVersion,
                                    people: dict[str, User], documents: list[pdf.Document]) -> None:
    a = make_assessment(version=bra, author=people["carl"], case=case, answers={"summary": "Still writing"},
                        assessed_on=DAY)
    _is_pdf(_get(signed_in("carl"), "assessment_pdf", a.pk))
    text = _text(documents[0])
    assert "DRAFT: not signed. The answers may still change." in text
    assert "Draft (not signed)" in text
    assert "Signed by" not in text


def test_core_font_fallback_writes_latin1_text(signed_in: Callable[[str], Client], case: Case,
                                               bra: InstrumentVersion, people: dict[str, User],
                                               core_font: None, documents: list[pdf.Document]) -> None:
    answers = {**_answers(), "story": "Næste skridt → “skole” … 50 € ✓"}
    a = make_assessment(version=bra, author=people["carl"], case=case, answers=answers, assessed_on=DAY, signed=True)
    content = _is_pdf(_get(signed_in("carl"), "assessment_pdf", a.pk))
    assert b"/Helvetica" in content and b"/FontFile2" not in content
    document = documents[0]
    assert not document.unicode
    # Uncompressed, the core font's text is in the content stream as Latin-1.
    assert "Næste skridt -> \"skole\" ... 50 EUR ?".encode("latin-1") in content
    assert "Goes to school again - most days".encode("latin-1") in content
    assert case.reference.encode() in content
    assert all(ord(c) < 256 for c in _text(document))


def test_to_latin1_keeps_danish_letters_and_replaces_the_rest() -> None:
    assert house_pdf.to_latin1("Æble, øl og å – “ja” ✓ Łódź") == "Æble, øl og å - \"ja\" ? ?ódz"


@needs_dejavu
def test_the_font_folder_comes_from_the_settings(settings: Any, tmp_path: Path) -> None:
    settings.PDF_FONT_DIR = str(DEJAVU.parent)
    assert pdf.Document(title="x").unicode
    settings.PDF_FONT_DIR = str(tmp_path)
    assert not pdf.Document(title="x").unicode


def test_file_name_is_built_from_the_reference_not_the_person(signed_in: Callable[[str], Client], case: Case,
                                                              bra: InstrumentVersion, people: dict[str, User]) -> None:
    a = make_assessment(version=bra, author=people["carl"], case=case, answers=_answers(), assessed_on=DAY,
                        signed=True)
    disposition = _get(signed_in("carl"), "assessment_pdf", a.pk)["Content-Disposition"]
    assert disposition == f'attachment; filename="{case.reference}-assessment-{a.pk}-2026-03-02.pdf"'
    person = Person.objects.get(pk=case.person_id)
    assert person.first_name not in disposition and "stergaard" not in disposition


def test_printing_is_audited_as_a_read_and_as_a_print(signed_in: Callable[[str], Client], case: Case,
                                                     bra: InstrumentVersion, people: dict[str, User]) -> None:
    a = make_assessment(version=bra, author=people["carl"], case=case, answers=_answers(), assessed_on=DAY,
                        signed=True)
    _is_pdf(_get(signed_in("mads"), "assessment_pdf", a.pk))
    printed = AuditEvent.objects.get(action="assessment.printed", actor_id=people["mads"].pk)
    assert printed.object_id == str(a.pk) and printed.person_id == str(case.person_id)
    assert printed.purpose == "assessment summary: print"
    assert AuditEvent.objects.filter(action="assessment.viewed", actor_id=people["mads"].pk, object_id=str(a.pk),
                                     purpose="assessment summary: print").exists()


def test_outsider_gets_404_and_nothing_is_printed(signed_in: Callable[[str], Client], case: Case,
                                                 bra: InstrumentVersion, people: dict[str, User]) -> None:
    a = make_assessment(version=bra, author=people["carl"], case=case, answers=_answers(), assessed_on=DAY,
                        signed=True)
    assert _get(signed_in("otto"), "assessment_pdf", a.pk).status_code == 404
    assert AuditEvent.objects.filter(action="assessment.refused", actor_id=people["otto"].pk).exists()
    assert not AuditEvent.objects.filter(action="assessment.printed").exists()


def test_mentor_cannot_print_a_health_assessment(signed_in: Callable[[str], Client], case: Case,
                                                 bra: InstrumentVersion, people: dict[str, User]) -> None:
    a = make_assessment(version=bra, author=people["signe"], case=case, answers=_answers(), assessed_on=DAY,
                        signed=True, compartment="health")
    response = _get(signed_in("mads"), "assessment_pdf", a.pk)
    assert response.status_code == 404
    assert not response.content.startswith(b"%PDF")
    assert AuditEvent.objects.filter(action="assessment.refused", actor_id=people["mads"].pk,
                                     object_id=str(a.pk)).exists()
    assert not AuditEvent.objects.filter(action="assessment.printed").exists()
    _is_pdf(_get(signed_in("signe"), "assessment_pdf", a.pk))


@needs_dejavu
def test_an_analysis_at_triage_prints_the_concern_reference(signed_in: Callable[[str], Client],
                                                            people: dict[str, User],
                                                            documents: list[pdf.Document]) -> None:
    concern = make_concern(person=make_person())
    version = published(small_definition(slug="test-triage", use="triage"))
    a = make_assessment(version=version, author=people["ida"], concern=concern, answers={"summary": "Described"},
                        assessed_on=DAY)
    response = _get(signed_in("ida"), "assessment_pdf", a.pk)
    _is_pdf(response)
    assert response["Content-Disposition"].startswith(f'attachment; filename="{concern.reference}-assessment-')
    text = _text(documents[0])
    assert f"Concern\n{concern.reference}" in text and "Case\n" not in text
    assert "DRAFT: not signed. The answers may still change." in text


@needs_dejavu
def test_an_analysis_that_travelled_to_the_case_prints_both_references(
        signed_in: Callable[[str], Client], people: dict[str, User], documents: list[pdf.Document]) -> None:
    person = make_person()
    concern = make_concern(person=person, status=Concern.Status.DECIDED)
    case = make_case(person=person, lead=people["carl"])
    TriageDecision.objects.create(concern=concern, kind=TriageDecision.Kind.STATUTORY_OFFER, reason="A mentor.",
                                  decided_on=timezone.localdate(), decided_by=people["ida"], case=case)
    version = published(small_definition(slug="test-triage", use="triage"))
    a = make_assessment(version=version, author=people["ida"], concern=concern, answers={"summary": "Described"},
                        assessed_on=DAY, signed=True)
    response = _get(signed_in("carl"), "assessment_pdf", a.pk)
    _is_pdf(response)
    assert response["Content-Disposition"].startswith(f'attachment; filename="{case.reference}-assessment-')
    text = _text(documents[0])
    assert f"Case\n{case.reference}" in text and f"Concern\n{concern.reference}" in text


# --- the progress of a case ------------------------------------------------------------------

def _progress_world(case: Case, bra: InstrumentVersion, people: dict[str, User]) -> list[Assessment]:
    wheel = published(wheel_definition(areas=3))
    made = [
        make_assessment(version=bra, author=people["carl"], case=case, answers={"scale": {"person": 3, "parent": 7}},
                        assessed_on=DAY, signed=True),
        make_assessment(version=bra, author=people["carl"], case=case, answers={"scale": {"person": 5, "mentor": 2}},
                        assessed_on=DAY + timedelta(days=30), signed=True),
        make_assessment(version=wheel, author=people["carl"], case=case, answers={"area-1": 1, "area-2": 2},
                        assessed_on=DAY, signed=True),
        make_assessment(version=wheel, author=people["carl"], case=case, answers={"area-1": 4, "area-3": 8},
                        assessed_on=DAY + timedelta(days=10), signed=True),
    ]
    # Neither a draft nor another compartment's assessment belongs in the mentor's print.
    make_assessment(version=bra, author=people["carl"], case=case, answers={"scale": {"person": 10}},
                    assessed_on=DAY + timedelta(days=40))
    make_assessment(version=bra, author=people["signe"], case=case, answers={"scale": {"person": 9}},
                    assessed_on=DAY + timedelta(days=50), signed=True, compartment="health")
    return made


@needs_dejavu
def test_progress_prints_the_signed_assessments_scales_and_wheel(
        signed_in: Callable[[str], Client], case: Case, bra: InstrumentVersion, people: dict[str, User],
        documents: list[pdf.Document]) -> None:
    _progress_world(case, bra, people)
    response = _get(signed_in("mads"), "case_progress_pdf", case.pk)
    _is_pdf(response)
    assert re.fullmatch(rf'attachment; filename="{case.reference}-assessments-\d{{4}}-\d{{2}}-\d{{2}}\.pdf"',
                        response["Content-Disposition"])
    document = documents[0]
    text = _text(document)
    for piece in (case.reference, "Signed assessments", "Test instrument: Scale", "The person", "A parent",
                  "The mentor", "Wheel: the latest rating and the one before", "Previous, 2026-03-02",
                  "Latest, 2026-03-12", "Area 1", "Area 3"):
        assert piece in text, piece
    # One chart, the values as given, a gap where a participant gave none; the draft (10) and the
    # health assessment (9) are not in it.
    assert document.charts == [{
        "x_labels": ["2026-03-02", "2026-04-01"],
        "series": [
            {"label": "The person", "values": [3, 5], "marker": "circle", "dash": (0, 0)},
            {"label": "A parent", "values": [7, None], "marker": "square", "dash": (2.4, 1.2)},
            {"label": "The mentor", "values": [None, 2], "marker": "triangle", "dash": (0.6, 0.9)},
        ],
    }]
    assert "2026-04-21" not in text and "2026-04-11" not in text


def test_progress_print_with_the_core_font(signed_in: Callable[[str], Client], case: Case, bra: InstrumentVersion,
                                           people: dict[str, User], core_font: None) -> None:
    _progress_world(case, bra, people)
    content = _is_pdf(_get(signed_in("carl"), "case_progress_pdf", case.pk))
    assert b"/Helvetica" in content
    assert b"Test instrument: Scale" in content and b"The mentor" in content
    assert b"Wheel: the latest rating and the one before" in content


def test_progress_print_with_many_assessments_breaks_pages(signed_in: Callable[[str], Client], case: Case,
                                                          bra: InstrumentVersion, people: dict[str, User],
                                                          documents: list[pdf.Document]) -> None:
    for n in range(120):
        make_assessment(version=bra, author=people["carl"], case=case, assessed_on=DAY - timedelta(days=n),
                        answers={"scale": {"person": n % 11, "parent": (n * 3) % 11}}, signed=True)
    _is_pdf(_get(signed_in("carl"), "case_progress_pdf", case.pk))
    document = documents[0]
    assert document.page_no() > 3
    assert len(document.charts[0]["x_labels"]) == 120


def test_progress_print_is_audited(signed_in: Callable[[str], Client], case: Case, bra: InstrumentVersion,
                                   people: dict[str, User]) -> None:
    made = _progress_world(case, bra, people)
    _is_pdf(_get(signed_in("mads"), "case_progress_pdf", case.pk))
    event = AuditEvent.objects.get(action="assessment.progress_printed", actor_id=people["mads"].pk)
    assert event.object_type == "case" and event.object_id == str(case.pk)
    assert event.person_id == str(case.person_id)
    assert sorted(event.details["assessments"]) == sorted(a.pk for a in made)
    assert AuditEvent.objects.filter(action="case.viewed", actor_id=people["mads"].pk,
                                     purpose="assessment progress: print").exists()


def test_progress_print_refused_to_an_outsider(signed_in: Callable[[str], Client], case: Case,
                                               people: dict[str, User]) -> None:
    assert _get(signed_in("otto"), "case_progress_pdf", case.pk).status_code == 404
    assert not AuditEvent.objects.filter(action="assessment.progress_printed").exists()


def test_an_empty_progress_prints(signed_in: Callable[[str], Client], case: Case,
                                  documents: list[pdf.Document]) -> None:
    _is_pdf(_get(signed_in("carl"), "case_progress_pdf", case.pk))
    assert "No signed assessments that you may see." in _text(documents[0])


def test_pdf_queries_are_bounded(signed_in: Callable[[str], Client], case: Case, bra: InstrumentVersion,
                                 people: dict[str, User], django_assert_max_num_queries: Any) -> None:
    a = make_assessment(version=bra, author=people["carl"], case=case, answers=_answers(), assessed_on=DAY,
                        signed=True)
    client = signed_in("carl")
    # Request (7) + assessment, case, team entry (3) + read audit (4–5) + fields, attachments (2)
    # + print audit (4–5).
    with django_assert_max_num_queries(22):
        _is_pdf(_get(client, "assessment_pdf", a.pk))
    # Request (7) + case, team entry (2) + read audit (4–5) + signed assessments, fields (2) + print audit (4–5).
    for n in range(30):
        make_assessment(version=bra, author=people["carl"], case=case, answers={"scale": {"person": n % 11}},
                        assessed_on=DAY - timedelta(days=n), signed=True)
    with django_assert_max_num_queries(21):
        _is_pdf(_get(client, "case_progress_pdf", case.pk))

