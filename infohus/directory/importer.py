"""Reading a country page in the format of the European practice platform (see
../shared/data/prova-denmark.txt) into entries, without touching the database.

The format, line by line (blank lines separate the parts and are otherwise ignored):

    PROVA Projects                       a header line ending in "Projects"
    Denmark                              the country, by its English name (or a known alias)
    Title of the entry                   an entry starts with its title ...
    Title of the entry                   ... repeated on the next non-blank line
    Organisation: ...                    optional lines of this project's own (not in PROVA pages)
    Prevention level: targeted           optional: universal, targeted or indicated
    Tags: young-people, mentoring        optional: slugs from infohus/directory/tags.py
    One or more paragraphs of description
    website:                             "website:" or "Website", the URL on the next line
    http://example.org/                  (or "website: http://example.org/" on one line; "-" for none)
    E-mail / Contact / telephone         or "mail / contact:"; "mail / contact: -" for none
    ...contact block...                  names, roles, e-mail addresses, telephone numbers, an
                                         address; it runs until the next title pair or the end

Everything the parser normalises keeps its original text beside it. Anything it cannot read
raises PageFormatError naming the line; anything odd but readable becomes a Notice.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from urllib.parse import urlsplit, urlunsplit

import phonenumbers
from django.core.exceptions import ValidationError
from django.core.validators import EmailValidator, URLValidator
from django.utils.text import slugify
from django.utils.translation import gettext as _

from infohus.directory.countries import code_for_name
from infohus.directory.tags import TAGS

SUMMARY_LENGTH = 280
SLUG_LENGTH = 120
PREVENTION_LEVELS = ("universal", "targeted", "indicated")
TAG_SLUGS = frozenset(slug for _facet, slug, _en, _da in TAGS)

_HEADER = re.compile(r"^\S.*\bprojects$", re.IGNORECASE)
_WEBSITE_ALONE = re.compile(r"^web\s*-?\s*site\s*:?$", re.IGNORECASE)
_WEBSITE_INLINE = re.compile(r"^web\s*-?\s*site\s*:\s*(\S+)$", re.IGNORECASE)
_CONTACT = re.compile(r"^(?:e\s*-?\s*)?mail\s*/\s*contact(?:\s*/\s*tele(?:phone)?)?\s*:?\s*(.*)$", re.IGNORECASE)
_META = re.compile(r"^(organisation|organization|prevention level|tags)\s*:\s*(.+)$", re.IGNORECASE)
_EMAIL = re.compile(r"[A-Za-z0-9._%+'-]+@[A-Za-z0-9.-]+\.[A-Za-z]{2,}")
_PHONE_LABEL = re.compile(r"^(?:tel|tlf|phone|telephone|telefon|mobile|mob)\.?\s*:?\s*", re.IGNORECASE)
_PHONE_JOINER = re.compile(r"\s*(?:\bor\b|\beller\b|\boder\b|\bou\b|\bof\b|/|,)\s*$", re.IGNORECASE)
_PHONE = re.compile(r"^\(?\+?\s*[\d\s()./-]+$")
_LABEL_SUFFIX = re.compile(r"^(?:ph|tel|tlf|phone|telephone|e-?mail|mail)\.?:?$", re.IGNORECASE)
_ORGANISATION_WORDS = re.compile(
    r"(?<!\w)(?:ministry|ministerium|department|service|services|centre|center|centrum|institute|institut|"
    r"agency|board|municipality|kommune|police|politi|university|universit\w*|foundation|association|"
    r"network|council|office|unit|gmbh|e\.\s?v\.|ggmbh|ltd|a/s|asbl|vzw|stichting|förening|forening)(?!\w)",
    re.IGNORECASE,
)
_NOT_A_PERSON = re.compile(r"(?<!\w)(?:line|helpline|hotline|support|team|desk|contact|switchboard|reception)(?!\w)",
                           re.IGNORECASE)
_TITLE_SEPARATOR = re.compile(r"\s+[-–—]\s+")


class PageFormatError(ValueError):
    """The page cannot be read; `line` is the 1-based line where reading stopped."""

    def __init__(self, line: int, message: str) -> None:
        self.line = line
        self.message = message
        super().__init__(_("line %(line)d: %(message)s") % {"line": line, "message": message})


@dataclass(frozen=True)
class Notice:
    """Something odd that does not stop the import: an anomaly worth a look."""

    line: int
    message: str

    def as_dict(self) -> dict[str, object]:
        return {"line": self.line, "message": self.message}


@dataclass(frozen=True)
class Contact:
    line: int
    name: str = ""
    role: str = ""
    email: str = ""
    phone: str = ""            # E.164, or "" when the number could not be read
    phone_original: str = ""
    address: str = ""
    original_text: str = ""
    email_line: int = 0        # where the e-mail address was written, for warnings

    def key(self) -> tuple[str, ...]:
        """What the database stores of this contact, for comparing with what is there."""
        return (self.name, self.role, self.email, self.phone, self.phone_original, self.address, self.original_text)


@dataclass(frozen=True)
class Entry:
    line: int
    title: str
    slug: str
    summary: str
    description: str
    website: str
    website_original: str
    website_line: int
    contact_line: int
    contacts: tuple[Contact, ...]
    organisation_name: str
    prevention_level: str = ""     # "" when the page does not say
    tags: tuple[str, ...] | None = None   # None when the page does not say


@dataclass(frozen=True)
class CountryPage:
    header: str
    country_code: str
    country_name: str
    country_line: int
    entries: tuple[Entry, ...]
    notices: tuple[Notice, ...] = field(default=())


@dataclass(frozen=True)
class _Line:
    number: int
    text: str


# -- decoding -------------------------------------------------------------------------------


def decode_page(data: bytes) -> str:
    """The page as text; UTF-8 only (with or without a byte-order mark)."""
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as error:
        line = data[: error.start].count(b"\n") + 1
        raise PageFormatError(line, _("the file is not UTF-8 text (byte %(byte)d cannot be read); save it as UTF-8")
                              % {"byte": error.start + 1}) from error
    return text


# -- normalising ----------------------------------------------------------------------------


def normalise_website(original: str) -> str:
    """A URL with a scheme and a lower-case host, or "" when it cannot be one."""
    text = original.strip().rstrip(".,;")
    if not text or text == "-":
        return ""
    if not re.match(r"^[a-z][a-z0-9+.-]*://", text, re.IGNORECASE):
        text = "https://" + text
    parts = urlsplit(text)
    text = urlunsplit((parts.scheme.lower(), parts.netloc.lower(), parts.path, parts.query, parts.fragment))
    try:
        URLValidator(schemes=["http", "https"])(text)
    except ValidationError:
        return ""
    return text


def website_host(url: str) -> str:
    host = urlsplit(url).hostname or ""
    return host.removeprefix("www.")


def normalise_email(original: str) -> str:
    """The address with its domain in lower case (the local part is the owner's), or ""."""
    text = original.strip().strip("<>.,;:")
    local, at, domain = text.rpartition("@")
    if not at:
        return ""
    email = f"{local}@{domain.lower()}"
    try:
        EmailValidator()(email)
    except ValidationError:
        return ""
    return email


def normalise_phone(original: str, country_code: str) -> str:
    """E.164 for a valid number, reading numbers without a country prefix as the page's
    country; "" when the number is not valid."""
    text = _PHONE_JOINER.sub("", _PHONE_LABEL.sub("", original.strip()))
    text = text.replace("(+", "+").replace("(0)", "")
    try:
        number = phonenumbers.parse(text, country_code)
    except phonenumbers.NumberParseException:
        return ""
    if not phonenumbers.is_valid_number(number):
        return ""
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


def summary_of(description: str) -> str:
    """The first sentences of the description, up to SUMMARY_LENGTH characters."""
    first = description.split("\n\n", 1)[0].strip()
    if len(first) <= SUMMARY_LENGTH:
        return first
    sentences = re.split(r"(?<=[.!?])\s+", first)
    summary = ""
    for sentence in sentences:
        if len(summary) + len(sentence) + 1 > SUMMARY_LENGTH:
            break
        summary = f"{summary} {sentence}".strip()
    if summary:
        return summary
    return first[: SUMMARY_LENGTH - 1].rsplit(" ", 1)[0] + "…"


def slug_for_title(title: str) -> str:
    """The import key of a project: the same title on any page is the same project."""
    slug = slugify(unicodedata.normalize("NFKC", title))
    if len(slug) > SLUG_LENGTH:
        slug = slug[: SLUG_LENGTH + 1].rsplit("-", 1)[0]
    return slug[:SLUG_LENGTH].strip("-") or "project"


def emails_share_domain(email: str, website: str) -> bool:
    domain = email.rpartition("@")[2].lower().removeprefix("www.")
    host = website_host(website)
    return not host or domain == host or domain.endswith("." + host) or host.endswith("." + domain)


# -- parsing --------------------------------------------------------------------------------


def parse_country_page(text: str) -> CountryPage:
    """Read a whole page. Raises PageFormatError for a page it cannot read."""
    text = text.removeprefix("\ufeff")
    numbered = [_Line(number, raw.strip()) for number, raw in enumerate(text.splitlines(), start=1)]
    lines = [line for line in numbered if line.text]
    if not lines:
        raise PageFormatError(1, _("the file is empty"))
    header = lines[0]
    if not _HEADER.match(header.text):
        raise PageFormatError(header.number, _("the first line should be the page header, such as "
                                               "“PROVA Projects”; found “%(text)s”")
                              % {"text": _shorten(header.text)})
    if len(lines) < 2:
        raise PageFormatError(header.number, _("the header is not followed by a country line"))
    country_line = lines[1]
    code = code_for_name(country_line.text)
    if code is None:
        raise PageFormatError(country_line.number, _("“%(text)s” is not a European country the directory "
                                                     "knows; the line after the header must name the country")
                              % {"text": _shorten(country_line.text)})
    entries: list[Entry] = []
    notices: list[Notice] = []
    position = 2
    while position < len(lines):
        entry, position, entry_notices = _read_entry(lines, position, code)
        entries.append(entry)
        notices += entry_notices
    if not entries:
        raise PageFormatError(country_line.number, _("the page holds no entries after the country line"))
    notices += _page_notices(entries)
    unique: dict[str, Entry] = {}
    for entry in entries:
        unique.setdefault(entry.slug, entry)
    return CountryPage(header=header.text, country_code=code, country_name=country_line.text,
                       country_line=country_line.number, entries=tuple(unique.values()),
                       notices=tuple(sorted(notices, key=lambda notice: notice.line)))


def _read_entry(lines: list[_Line], start: int, country_code: str) -> tuple[Entry, int, list[Notice]]:
    title = lines[start]
    if _is_marker(title.text):
        raise PageFormatError(title.number, _("a website or contact line where an entry title was expected"))
    if start + 1 >= len(lines):
        raise PageFormatError(title.number, _("the file ends after the title “%(title)s”: the entry is "
                                              "truncated") % {"title": _shorten(title.text)})
    if lines[start + 1].text != title.text:
        raise PageFormatError(lines[start + 1].number, _(
            "the title “%(title)s” (line %(line)d) is not repeated on the next line, so the entry "
            "cannot be read; is the entry truncated?") % {"title": _shorten(title.text), "line": title.number})
    position = start + 2
    meta: dict[str, _Line] = {}
    while position < len(lines) and (match := _META.match(lines[position].text)):
        meta[match.group(1).lower().replace("organization", "organisation")] = lines[position]
        position += 1

    description: list[_Line] = []
    while position < len(lines) and not _is_marker(lines[position].text):
        if _starts_entry(lines, position):
            break
        description.append(lines[position])
        position += 1
    if not description:
        where = lines[position].number if position < len(lines) else lines[-1].number
        raise PageFormatError(where, _("the entry “%(title)s” (line %(line)d) has no description")
                              % {"title": _shorten(title.text), "line": title.number})
    if position >= len(lines) or not _WEBSITE_ALONE.match(lines[position].text) and \
            not _WEBSITE_INLINE.match(lines[position].text):
        where = lines[position].number if position < len(lines) else lines[-1].number
        if position >= len(lines):
            message = _("the file ends in the middle of the entry “%(title)s” (line %(line)d): "
                        "no website line")
        else:
            message = _("the entry “%(title)s” (line %(line)d) has no website line (“Website” "
                        "or “website:”) before this line")
        raise PageFormatError(where, message % {"title": _shorten(title.text), "line": title.number})

    website_line = lines[position]
    inline = _WEBSITE_INLINE.match(website_line.text)
    position += 1
    if inline:
        website_original = inline.group(1)
    elif position < len(lines) and not _CONTACT.match(lines[position].text):
        website_original = lines[position].text
        position += 1
    else:
        website_original = ""
    if website_original == "-":
        website_original = ""

    if position >= len(lines):
        raise PageFormatError(website_line.number, _(
            "the file ends in the middle of the entry “%(title)s” (line %(line)d): no contact line "
            "(“E-mail / Contact / telephone” or “mail / contact:”) after the website")
            % {"title": _shorten(title.text), "line": title.number})
    contact_match = _CONTACT.match(lines[position].text)
    if not contact_match:
        raise PageFormatError(lines[position].number, _(
            "expected the contact line (“E-mail / Contact / telephone” or “mail / contact:”) "
            "of the entry “%(title)s” (line %(line)d) after its website")
            % {"title": _shorten(title.text), "line": title.number})
    contact_line = lines[position]
    position += 1
    block: list[_Line] = []
    rest = contact_match.group(1).strip()
    if rest and rest != "-":
        block.append(_Line(contact_line.number, rest))
    while position < len(lines) and not _starts_entry(lines, position):
        if _is_marker(lines[position].text):
            raise PageFormatError(lines[position].number, _(
                "a second website or contact line inside the contact details of “%(title)s” "
                "(line %(line)d); the entry before this line probably lacks its repeated title line")
                % {"title": _shorten(title.text), "line": title.number})
        if lines[position].text != "-":
            block.append(lines[position])
        position += 1

    notices: list[Notice] = []
    website = normalise_website(website_original)
    if website_original and not website:
        notices.append(Notice(website_line.number, _("the website “%(url)s” is not a web address; it was "
                                                      "kept as written but not linked") % {"url": website_original}))
    contacts = _read_contacts(block, country_code, notices, _blank_before(block))
    if not any(contact.email or contact.phone or contact.phone_original or contact.address for contact in contacts):
        notices.append(Notice(contact_line.number, _("the entry “%(title)s” has no contact details")
                              % {"title": _shorten(title.text)}))
    for contact in contacts:
        if contact.email and website and not emails_share_domain(contact.email, website):
            notices.append(Notice(contact.email_line or contact.line, _(
                "the e-mail address %(email)s is not at the website's domain (%(host)s)")
                % {"email": contact.email, "host": website_host(website)}))

    prevention_level = ""
    if "prevention level" in meta:
        value = _META.match(meta["prevention level"].text)
        level = value.group(2).strip().lower() if value else ""
        level = "indicated" if level.startswith("indicated") or level == "exit" else level
        if level in PREVENTION_LEVELS:
            prevention_level = level
        else:
            notices.append(Notice(meta["prevention level"].number, _(
                "unknown prevention level “%(level)s”; use universal, targeted or indicated")
                % {"level": level}))
    tags: tuple[str, ...] | None = None
    if "tags" in meta:
        value = _META.match(meta["tags"].text)
        wanted = [slugify(tag) for tag in (value.group(2) if value else "").split(",") if tag.strip()]
        unknown = [tag for tag in wanted if tag not in TAG_SLUGS]
        if unknown:
            notices.append(Notice(meta["tags"].number, _("unknown tags ignored: %(tags)s")
                                  % {"tags": ", ".join(unknown)}))
        tags = tuple(sorted({tag for tag in wanted if tag in TAG_SLUGS}))
    organisation = ""
    if "organisation" in meta:
        value = _META.match(meta["organisation"].text)
        organisation = value.group(2).strip() if value else ""

    body = _paragraphs(description)
    entry = Entry(
        line=title.number, title=title.text, slug=slug_for_title(title.text), summary=summary_of(body),
        description=body, website=website, website_original=website_original, website_line=website_line.number,
        contact_line=contact_line.number, contacts=tuple(contacts),
        organisation_name=organisation or organisation_name_for(title.text, contacts, website),
        prevention_level=prevention_level, tags=tags,
    )
    return entry, position, notices


def _is_marker(text: str) -> bool:
    return bool(_WEBSITE_ALONE.match(text) or _WEBSITE_INLINE.match(text) or _CONTACT.match(text))


def _starts_entry(lines: list[_Line], position: int) -> bool:
    """An entry starts where a line is repeated on the next non-blank line."""
    return position + 1 < len(lines) and lines[position].text == lines[position + 1].text \
        and not _is_marker(lines[position].text) and lines[position].text != "-"


def _paragraphs(description: list[_Line]) -> str:
    """Join description lines, keeping a blank line where the source had one."""
    parts: list[str] = []
    previous: int | None = None
    for line in description:
        if previous is not None:
            parts.append("\n\n" if line.number > previous + 1 else "\n")
        parts.append(line.text)
        previous = line.number
    return "".join(parts)


def _blank_before(block: list[_Line]) -> set[int]:
    """Line numbers in the block that follow a blank line: paragraph starts."""
    starts: set[int] = set()
    for previous, line in zip(block, block[1:], strict=False):
        if line.number > previous.number + 1:
            starts.add(line.number)
    return starts


# -- contact blocks -------------------------------------------------------------------------


@dataclass
class _Draft:
    line: int
    name: str = ""
    role: list[str] = field(default_factory=list)
    email: str = ""
    email_line: int = 0
    phone: str = ""
    phone_original: str = ""
    alternative_phone: bool = False
    address: list[str] = field(default_factory=list)
    original: list[str] = field(default_factory=list)

    def used(self) -> bool:
        return bool(self.name or self.email or self.phone_original)

    def freeze(self) -> Contact:
        return Contact(line=self.line, name=self.name, role="; ".join(self.role), email=self.email,
                       phone=self.phone, phone_original=self.phone_original, address="\n".join(self.address),
                       original_text="\n".join(self.original), email_line=self.email_line)


def _kind(text: str) -> str:
    if _EMAIL.search(text):
        return "email"
    stripped = _PHONE_JOINER.sub("", _PHONE_LABEL.sub("", text))
    if _PHONE.match(stripped) and sum(ch.isdigit() for ch in stripped) >= 6:
        return "phone"
    if _person_name(text):
        return "name"
    return "text"


def _person_name(text: str) -> tuple[str, str] | None:
    """(name, role) when the line reads like a person's name, such as "Kristian Walther,"."""
    if any(ch.isdigit() for ch in text) or "@" in text:
        return None
    name, comma, rest = text.partition(",")
    words = name.split()
    if not 2 <= len(words) <= 5 or _ORGANISATION_WORDS.search(name) or _NOT_A_PERSON.search(name):
        return None
    if not all(word[0].isupper() for word in words if word[0].isalpha()):
        return None
    if not comma and len(words) > 4:
        return None
    rest = rest.strip()
    return name.strip(), "" if _LABEL_SUFFIX.match(rest) else rest


def _read_contacts(block: list[_Line], country_code: str, notices: list[Notice],
                   paragraph_starts: set[int]) -> list[Contact]:
    """Split a contact block into contact points: a new one starts at each person's name and
    wherever a second e-mail address or an unrelated second number appears. The postal address
    (a paragraph with a street number, postcode or box) goes on the first contact point."""
    paragraphs: list[list[_Line]] = []
    for line in block:
        if not paragraphs or line.number in paragraph_starts:
            paragraphs.append([])
        paragraphs[-1].append(line)

    drafts: list[_Draft] = []
    address: list[str] = []
    address_line = 0

    def current(line: _Line) -> _Draft:
        if not drafts:
            drafts.append(_Draft(line.number))
        return drafts[-1]

    for paragraph in paragraphs:
        kinds = [_kind(line.text) for line in paragraph]
        last_reachable = max((i for i, kind in enumerate(kinds) if kind in ("email", "phone")), default=-1)
        tail = paragraph[last_reachable + 1:]
        tail_is_address = any(re.search(r"\d|\bp\.?\s?o\.?\s?box\b|\bpostfach\b|\bbox\b", line.text, re.IGNORECASE)
                              for line in tail)
        for index, line in enumerate(paragraph):
            kind = kinds[index]
            if tail_is_address and index > last_reachable:
                address.append(line.text)
                address_line = address_line or line.number
                continue
            if kind == "email":
                for found in _EMAIL.findall(line.text):
                    draft = current(line)
                    if draft.email:
                        draft = _Draft(line.number)
                        drafts.append(draft)
                    email = normalise_email(found)
                    if not email:
                        notices.append(Notice(line.number, _("“%(text)s” is not a valid e-mail address")
                                              % {"text": found}))
                    draft.email = email
                    draft.email_line = line.number
                    draft.original.append(line.text)
            elif kind == "phone":
                draft = current(line)
                alternative = False
                if draft.phone_original:
                    alternative = bool(_PHONE_JOINER.search(draft.phone_original))
                    draft = _Draft(line.number, alternative_phone=alternative)
                    drafts.append(draft)
                phone = normalise_phone(line.text, country_code)
                if not phone:
                    notices.append(Notice(line.number, _(
                        "the telephone number “%(text)s” could not be read; it was kept as written")
                        % {"text": line.text}))
                draft.phone = phone
                draft.phone_original = line.text
                draft.original.append(line.text)
            elif kind == "name":
                person = _person_name(line.text)
                assert person is not None
                draft = current(line)
                if draft.used():
                    draft = _Draft(line.number)
                    drafts.append(draft)
                draft.name, role = person
                if role:
                    draft.role.append(role)
                draft.original.append(line.text)
            else:
                draft = current(line)
                draft.role.append(line.text)
                draft.original.append(line.text)
    if address:
        if not drafts:
            drafts.append(_Draft(address_line))
        drafts[0].address = address
        drafts[0].original.extend(address)
    return [draft.freeze() for draft in drafts]


# -- organisations and page-wide checks -----------------------------------------------------


def organisation_name_for(title: str, contacts: list[Contact] | tuple[Contact, ...], website: str) -> str:
    """Which organisation an entry belongs to, when the page does not say with an
    "Organisation:" line: a part of an "Organisation - Project" title that reads like an
    organisation; else the first role line of the contact block that reads like one; else the
    first line of the postal address when it holds no number; else the website's host."""
    parts = _TITLE_SEPARATOR.split(title, maxsplit=1)
    if len(parts) == 2:
        for part in parts:
            if _ORGANISATION_WORDS.search(part):
                return part.strip()
        return parts[0].strip()
    for contact in contacts:
        for role in contact.role.split("; "):
            if role and _ORGANISATION_WORDS.search(role):
                return role
    for contact in contacts:
        first = contact.address.split("\n", 1)[0]
        if first and not any(ch.isdigit() for ch in first):
            return first.rstrip(",")
    return website_host(website)


def _page_notices(entries: list[Entry]) -> list[Notice]:
    notices: list[Notice] = []
    by_host: dict[str, Entry] = {}
    seen: dict[str, Entry] = {}
    for entry in entries:
        if entry.slug in seen:
            notices.append(Notice(entry.line, _(
                "the title “%(title)s” is already on this page (line %(line)d); this entry is ignored")
                % {"title": _shorten(entry.title), "line": seen[entry.slug].line}))
            continue
        seen[entry.slug] = entry
        host = website_host(entry.website)
        if not host:
            continue
        first = by_host.setdefault(host, entry)
        if first is not entry and slugify(first.organisation_name) != slugify(entry.organisation_name):
            notices.append(Notice(entry.website_line, _(
                "the website %(host)s is shared by two organisations: “%(this)s” and "
                "“%(other)s” (line %(line)d)")
                % {"host": host, "this": entry.organisation_name, "other": first.organisation_name,
                   "line": first.website_line}))
    return notices


def _shorten(text: str, length: int = 80) -> str:
    return text if len(text) <= length else text[: length - 1] + "…"
