"""The parser and normaliser of country pages (no database)."""

from pathlib import Path

import pytest

from infohus.directory.importer import (
    PageFormatError,
    decode_page,
    normalise_email,
    normalise_phone,
    normalise_website,
    parse_country_page,
)

PAGES = Path(__file__).parent / "pages"
PROVA = Path(__file__).resolve().parents[4] / "shared" / "data" / "prova-denmark.txt"


def read(name: str) -> str:
    return decode_page((PAGES / name).read_bytes())


def test_valid_page_gives_its_entries_with_line_numbers() -> None:
    page = parse_country_page(read("valid.txt"))
    assert page.country_code == "DE"
    assert [(entry.line, entry.slug) for entry in page.entries] == [
        (5, "harbour-mentoring-programme"),
        (29, "family-counselling-line-beratungsverein-nord-ev"),
        (46, "school-workshops-on-conspiracy-narratives"),
    ]


def test_description_keeps_its_paragraphs_and_metadata_lines_are_not_part_of_it() -> None:
    entry = parse_country_page(read("valid.txt")).entries[0]
    assert entry.description.startswith("Trained mentors meet young people")
    assert "\n\nA second paragraph" in entry.description
    assert entry.prevention_level == "indicated"
    assert entry.tags == ("mentoring", "young-people")
    assert "Tags:" not in entry.description


def test_website_without_scheme_is_completed_and_the_original_kept() -> None:
    entry = parse_country_page(read("valid.txt")).entries[0]
    assert entry.website == "https://www.harbour-mentoring.example/"
    assert entry.website_original == "www.harbour-mentoring.example/"


def test_contact_block_gives_name_role_email_phone_and_address() -> None:
    contact = parse_country_page(read("valid.txt")).entries[0].contacts[0]
    assert contact.name == "Anna Schmidt"
    assert contact.role == "Coordinator of the mentor team"
    assert contact.email == "anna.schmidt@harbour-mentoring.example"   # domain lower-cased
    assert contact.phone == "+49301234567"
    assert contact.phone_original == "(+49) 30 1234567"
    assert contact.address == "Beratungsverein Nord e.V.\nHafenstraße 12\n20457 Hamburg"
    assert "anna.schmidt@HARBOUR-MENTORING.EXAMPLE" in contact.original_text


def test_alternative_numbers_and_a_second_person_become_their_own_contact_points() -> None:
    contacts = parse_country_page(read("valid.txt")).entries[1].contacts
    assert [(c.name, c.email, c.phone) for c in contacts] == [
        ("", "info@family-line.example", "+494012345678"),
        ("", "", "+494087654321"),
        ("Jonas Weber", "jonas.weber@beratung-nord.example", ""),
    ]
    assert contacts[2].role == "Counsellor"


def test_organisation_comes_from_the_title_or_the_page() -> None:
    entries = parse_country_page(read("valid.txt")).entries
    assert entries[1].organisation_name == "Beratungsverein Nord e.V."   # "Project - Organisation"
    assert entries[0].organisation_name == "Beratungsverein Nord e.V."   # the address's first line
    assert entries[2].organisation_name == "harbour-mentoring.example"   # nothing else: the website


def test_warnings_carry_line_numbers() -> None:
    notices = {(notice.line, notice.message.split(" ")[1]) for notice in parse_country_page(read("valid.txt")).notices}
    assert (44, "e-mail") in notices      # jonas.weber@ is not at family-line.example
    assert (52, "website") in notices     # harbour-mentoring.example used by two organisations
    assert (55, "entry") in notices       # "mail / contact: -"


@pytest.mark.parametrize(("original", "expected"), [
    ("(+45) 51204858", "+4551204858"),
    ("+ 45 72142844 or", "+4572142844"),
    ("+4533760677", "+4533760677"),
    ("(+45) 2920 3650", "+4529203650"),
    ("Tel: 33 76 06 77", "+4533760677"),
    ("12", ""),
])
def test_phone_numbers_become_e164_in_the_page_country(original: str, expected: str) -> None:
    assert normalise_phone(original, "DK") == expected


def test_email_and_website_normalisation() -> None:
    assert normalise_email("MarieLouise.Jorgensen@Kriminalforsorgen.DK") == "MarieLouise.Jorgensen@kriminalforsorgen.dk"
    assert normalise_email("not-an-address@") == ""
    assert normalise_website("www.Example.org/Path") == "https://www.example.org/Path"
    assert normalise_website("http://cocoraproject.eu/") == "http://cocoraproject.eu/"
    assert normalise_website("not a url") == ""


@pytest.mark.parametrize(("name", "line", "words"), [
    ("not-utf8.txt", 26, "not UTF-8"),
    ("no-country.txt", 1, "header"),
    ("unknown-country.txt", 3, "Atlantis"),
    ("title-not-repeated.txt", 33, "repeated title"),
    ("no-description.txt", 50, "no description"),
    ("ends-mid-entry.txt", 50, "file ends"),
])
def test_unreadable_pages_raise_an_error_naming_the_line(name: str, line: int, words: str) -> None:
    with pytest.raises(PageFormatError) as raised:
        parse_country_page(decode_page((PAGES / name).read_bytes()))
    assert raised.value.line == line
    assert words in raised.value.message
    assert str(raised.value).startswith(f"line {line}:")


def test_a_title_without_its_repeat_at_the_end_is_truncated() -> None:
    with pytest.raises(PageFormatError) as raised:
        parse_country_page("PROVA Projects\n\nDenmark\n\nA lonely title\n")
    assert raised.value.line == 5


@pytest.mark.skipif(not PROVA.is_file(), reason="../shared/data/prova-denmark.txt is not beside the checkout")
def test_prova_denmark_gives_nine_entries_with_their_contacts() -> None:
    page = parse_country_page(decode_page(PROVA.read_bytes()))
    assert page.country_code == "DK"
    assert len(page.entries) == 9
    psp = next(entry for entry in page.entries if entry.slug.startswith("psp-network"))
    kristian = psp.contacts[0]
    assert (kristian.name, kristian.email, kristian.phone) == ("Kristian Walther", "krwa@socialstyrelsen.dk",
                                                               "+4591370227")
    aarhus = next(entry for entry in page.entries if entry.slug.endswith("in-aarhus"))
    assert [(c.name, c.phone) for c in aarhus.contacts] == [("Steffen Saigusa Nielsen", "+4529203650"),
                                                            ("Signe Reichenbach", "+4589403117")]
    corps = next(entry for entry in page.entries if entry.slug.startswith("danish-national-corps"))
    assert [c.phone for c in corps.contacts] == ["+4572142844", "+4572142000"]
    back_on_track = page.entries[-1]
    assert back_on_track.website == "https://www.kriminalforsorgen.dk"
    assert back_on_track.website_original == "www.kriminalforsorgen.dk"
