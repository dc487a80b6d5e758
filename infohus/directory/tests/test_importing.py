"""The import service: all or nothing, idempotent, one project across country pages."""

from pathlib import Path

import pytest

from infohus.audit.models import AuditEvent
from infohus.directory.importer import PageFormatError, decode_page
from infohus.directory.importing import import_country_page
from infohus.directory.models import ContactPoint, ImportBatch, Organisation, Project

PAGES = Path(__file__).parent / "pages"
PROVA = Path(__file__).resolve().parents[4] / "shared" / "data" / "prova-denmark.txt"

pytestmark = pytest.mark.django_db


def page(name: str) -> str:
    return decode_page((PAGES / name).read_bytes())


def row_counts() -> dict[str, int]:
    return {model.__name__: model.objects.count()
            for model in (Project, Organisation, ContactPoint, ImportBatch, AuditEvent)}


def test_first_import_creates_projects_organisations_and_contacts() -> None:
    report = import_country_page(text=page("valid.txt"), source_name="valid.txt")
    assert (report.created, report.updated, report.unchanged) == (3, 0, 0)
    project = Project.objects.get(slug="harbour-mentoring-programme")
    assert project.organisation is not None and project.organisation.name == "Beratungsverein Nord e.V."
    assert [c.code for c in project.countries.all()] == ["DE"]
    assert project.website == "https://www.harbour-mentoring.example/"
    assert project.website_original == "www.harbour-mentoring.example/"
    assert project.prevention_level == "indicated"
    assert sorted(tag.slug for tag in project.tags.all()) == ["mentoring", "young-people"]
    assert project.source_line == 5 and project.source_batch_id == report.batch_id
    assert "Anna Schmidt" in project.search_document
    assert list(project.contacts.values_list("name", "email", "phone")) == [
        ("Anna Schmidt", "anna.schmidt@harbour-mentoring.example", "+49301234567")]


def test_import_records_a_batch_and_one_audit_event() -> None:
    report = import_country_page(text=page("valid.txt"), source_name="valid.txt")
    batch = ImportBatch.objects.get(pk=report.batch_id)
    assert (batch.created, batch.updated, batch.unchanged, batch.country.code) == (3, 0, 0, "DE")
    assert len(batch.source_sha256) == 64
    assert {warning["line"] for warning in batch.warnings} == {44, 52, 55}
    event = AuditEvent.objects.get(action="directory.imported")
    assert event.object_id == str(batch.pk)
    assert event.details["created"] == 3


def test_importing_twice_changes_nothing_and_reports_all_unchanged() -> None:
    import_country_page(text=page("valid.txt"), source_name="valid.txt")
    before = {p.slug: p.updated_at for p in Project.objects.all()}
    contact_ids = set(ContactPoint.objects.values_list("pk", flat=True))
    counts = row_counts()

    report = import_country_page(text=page("valid.txt"), source_name="valid.txt")

    assert (report.created, report.updated, report.unchanged) == (0, 0, 3)
    assert {p.slug: p.updated_at for p in Project.objects.all()} == before
    assert set(ContactPoint.objects.values_list("pk", flat=True)) == contact_ids
    after = row_counts()
    # A no-op import is still recorded: one more batch and one more audit event, nothing else.
    assert after == {**counts, "ImportBatch": counts["ImportBatch"] + 1, "AuditEvent": counts["AuditEvent"] + 1}


def test_a_changed_page_updates_only_the_entries_that_changed() -> None:
    import_country_page(text=page("valid.txt"), source_name="valid.txt")
    untouched = Project.objects.get(slug="family-counselling-line-beratungsverein-nord-ev").updated_at

    report = import_country_page(text=page("valid-changed.txt"), source_name="valid.txt")

    outcomes = {entry.slug: (entry.outcome, entry.changes) for entry in report.entries}
    assert outcomes["harbour-mentoring-programme"] == ("updated", ("summary", "description", "contacts"))
    assert outcomes["family-counselling-line-beratungsverein-nord-ev"] == ("unchanged", ())
    project = Project.objects.get(slug="harbour-mentoring-programme")
    assert "twice a week" in project.description
    assert list(project.contacts.values_list("phone", flat=True)) == ["+49307654321"]
    assert project.source_batch_id == report.batch_id
    assert Project.objects.get(slug="family-counselling-line-beratungsverein-nord-ev").updated_at == untouched
    assert Project.objects.count() == 3


def test_same_project_on_a_second_country_page_is_one_project_in_two_countries() -> None:
    import_country_page(text=page("valid.txt"), source_name="valid.txt")
    report = import_country_page(text=page("second-country.txt"), source_name="second-country.txt")
    outcomes = {entry.slug: (entry.outcome, entry.changes) for entry in report.entries}
    assert outcomes["harbour-mentoring-programme"] == ("updated", ("countries",))
    assert outcomes["vienna-exit-counselling"] == ("created", ())
    project = Project.objects.get(slug="harbour-mentoring-programme")
    assert sorted(c.code for c in project.countries.all()) == ["AT", "DE"]
    assert Project.objects.filter(slug="harbour-mentoring-programme").count() == 1
    assert Organisation.objects.filter(name="Beratungsverein Nord e.V.").count() == 1
    # Either page again: nothing left to change.
    again = import_country_page(text=page("valid.txt"), source_name="valid.txt")
    assert again.unchanged == 3


@pytest.mark.parametrize("name", ["not-utf8.txt", "no-country.txt", "unknown-country.txt", "title-not-repeated.txt",
                                  "no-description.txt", "ends-mid-entry.txt"])
def test_a_malformed_page_changes_nothing(name: str) -> None:
    import_country_page(text=page("valid.txt"), source_name="valid.txt")
    counts = row_counts()
    with pytest.raises(PageFormatError) as raised:
        import_country_page(text=decode_page((PAGES / name).read_bytes()), source_name=name)
    assert raised.value.line > 0
    assert row_counts() == counts


def test_dry_run_reports_the_same_and_writes_nothing() -> None:
    counts = row_counts()
    dry = import_country_page(text=page("valid.txt"), source_name="valid.txt", dry_run=True)
    assert (dry.created, dry.dry_run, dry.batch_id) == (3, True, None)
    assert row_counts() == counts
    real = import_country_page(text=page("valid.txt"), source_name="valid.txt")
    assert [(e.slug, e.outcome) for e in real.entries] == [(e.slug, e.outcome) for e in dry.entries]
    assert real.warnings == dry.warnings


def test_warnings_carry_line_numbers_and_see_organisations_already_in_the_directory() -> None:
    Organisation.objects.create(name="Family Line gGmbH", slug="family-line-ggmbh",
                                website="https://family-line.example/")
    report = import_country_page(text=page("valid.txt"), source_name="valid.txt")
    lines = {(warning.line, "Family Line gGmbH" in warning.message) for warning in report.warnings}
    assert (35, True) in lines           # the website line of the Family Counselling Line entry
    assert {44, 52, 55} <= {warning.line for warning in report.warnings}


def test_progress_is_reported_for_every_entry() -> None:
    calls: list[tuple[int, int]] = []
    import_country_page(text=page("valid.txt"), source_name="valid.txt", progress=lambda d, t: calls.append((d, t)))
    assert calls == [(0, 3), (1, 3), (2, 3), (3, 3)]


@pytest.mark.skipif(not PROVA.is_file(), reason="../shared/data/prova-denmark.txt is not beside the checkout")
def test_prova_denmark_twice_gives_nine_projects_with_their_contact_data() -> None:
    text = decode_page(PROVA.read_bytes())
    first = import_country_page(text=text, source_name="prova-denmark.txt")
    assert first.created == 9
    second = import_country_page(text=text, source_name="prova-denmark.txt")
    assert (second.created, second.updated, second.unchanged) == (0, 0, 9)
    assert Project.objects.filter(countries__code="DK").count() == 9
    kristian = ContactPoint.objects.get(name="Kristian Walther")
    assert (kristian.email, kristian.phone, kristian.phone_original) == ("krwa@socialstyrelsen.dk", "+4591370227",
                                                                         "(+45) 91370227")
    assert kristian.project.website == "http://socialstyrelsen.dk/"
    assert ContactPoint.objects.filter(name="Signe Reichenbach", email="sigre@aarhus.dk",
                                       phone="+4589403117").exists()
    assert ContactPoint.objects.filter(email="mht@mhtconsult.dk", phone="+4551204858",
                                       address__contains="DK-3000 Elsinore").exists()
    assert set(ContactPoint.objects.exclude(phone="").values_list("phone", flat=True)) == {
        "+4551204858", "+4591370227", "+4545150190", "+4572142844", "+4572142000", "+4533760677",
        "+4529203650", "+4589403117"}
    assert ContactPoint.objects.exclude(email="").count() == 9
