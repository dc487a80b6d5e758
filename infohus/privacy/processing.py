"""Records of processing (GDPR art. 30): what personal data the platform holds, whose, why, on
which legal basis, for how long and who may see it.

Each app declares its models in `infohus/<app>/processing.py` as RECORDS, a list of `Personal`
and `NoPersonalData`; the fields themselves (their names and kinds) are read from the models, so
the page follows the code. The apps import the vocabulary below; this module imports the apps'
declarations only when asked, so that there is no import cycle.
"""

from collections.abc import Iterable
from dataclasses import dataclass
from importlib import import_module
from importlib.util import find_spec
from typing import Any

from django.apps import apps
from django.conf import settings
from django.db import models
from django.utils.functional import Promise
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _

from infohus.accounts.roles import Capability

type Text = str | Promise
type AnyField = models.Field[Any, Any]

# --- whose data: the data subjects ----------------------------------------------------------------

PEOPLE_OF_CONCERN = _("people of concern")
NETWORK = _("the network of a person of concern (relatives and others around them)")
REPORTERS = _("people who report a concern (professionals, and callers who give their name)")
STAFF = _("users of the platform (staff of the authorities, institutions and partners)")
MEETING_PROFESSIONALS = _("professionals who take part in Info-house meetings")
MENTORS = _("mentors and parent or relative coaches of the mentor corps")
COURSE_PARTICIPANTS = _("course participants, on the platform or from outside it")
YOUNG_PEOPLE = _("young people in a youth programme, and the parents or guardians who consented")
AMBASSADORS = _("youth ambassadors")
PARTNER_CONTACTS = _("contact people at community partners")
COMMUNITY_MEMBERS = _("members of the community who take part in dialogue meetings")
PROJECT_CONTACTS = _("contact people of prevention projects in the directory")
PROPOSERS = _("people who propose a project or organisation for the directory")
RESEARCHERS = _("researchers named in a research project")

# --- on which legal basis ---------------------------------------------------------------------------
# Sections are named only where the provision is certain; otherwise the act is named.

PUBLIC_TASK = _("GDPR art. 6(1)(e): a task carried out in the public interest or in the exercise "
                "of official authority (crime prevention and social work of the authorities)")
LEGAL_OBLIGATION = _("GDPR art. 6(1)(c): a legal obligation of the controller")
CONSENT = _("GDPR art. 6(1)(a): consent, recorded with its date and who gave it; it can be withdrawn")
SPECIAL_CATEGORIES = _("GDPR art. 9(2)(g) with the Danish Data Protection Act (databeskyttelsesloven) § 7: "
                       "special categories of data (political opinions, religious or philosophical "
                       "beliefs, health) that a concern about extremism reveals, for reasons of "
                       "substantial public interest")
CRIMINAL_OFFENCES = _("GDPR art. 10 with the Danish Data Protection Act § 8: data on criminal offences, "
                      "processed by public authorities where necessary for their tasks")
SECTION_115 = _("Administration of Justice Act (retsplejeloven) § 115: the police and the other "
                "authorities of an SSP, PSP or KSP collaboration or an Info house may share information "
                "about a person's private matters where necessary for crime prevention; never for a "
                "criminal investigation")
SOCIAL_SERVICES = _("Social Services Act (serviceloven) and, for children and young people, the Children's "
                    "Act (barnets lov): support, mentors and parent coaches as statutory offers")
LEGAL_PROTECTION = _("Act on Legal Protection and Administration in Social Matters "
                     "(retssikkerhedsloven): how social cases are handled and documented")
HEALTH_ACT = _("Health Act (sundhedsloven): health information that psychiatry brings, in the "
               "health compartment only")
NATIONAL_IDENTIFIER = _("Danish Data Protection Act § 11: a public authority may use the civil "
                        "registration number to identify a person unambiguously")
SECURITY = _("GDPR art. 5(2) and art. 32: accountability and security of processing (who read or "
             "changed what, and when)")
RESEARCH = _("GDPR art. 9(2)(j) and art. 89 with the Danish Data Protection Act § 10: research and "
             "statistics of substantial public significance, on pseudonymised data")

# --- who may see it: the scopes that narrow a capability ------------------------------------------

PLATFORM_ONLY = _("No page shows it; the platform uses it for the work of the system itself.")


@dataclass(frozen=True)
class Personal:
    """A model that holds personal data, and the record of processing for it.

    fields: the model's fields that hold personal data (every link to a person or a user included).
    seen_by: the capabilities (roles.py) that may open it; `scope` says how need-to-know narrows
        that (a case team, one's own entries).
    retention: the key of a record kind in privacy.retention; `kept` says in a sentence how long,
        where no kind applies or to explain the kind.
    """

    model: str
    fields: tuple[str, ...]
    subjects: tuple[Text, ...]
    purpose: Text
    legal_basis: tuple[Text, ...]
    seen_by: tuple[Capability, ...] = ()
    scope: Text = ""
    retention: str = ""
    kept: Text = ""


@dataclass(frozen=True)
class NoPersonalData:
    """A model that holds no personal data; `why` says what it holds instead."""

    model: str
    why: Text = ""


type Declaration = Personal | NoPersonalData

PERSON_MODEL = "cases.Person"


def project_apps() -> list[str]:
    """The labels of Infohus's own apps, in settings order."""
    return [config.label for config in apps.get_app_configs() if config.name.startswith("infohus.")]


def project_models() -> list[type[models.Model]]:
    """Every concrete model of Infohus's own apps: each must be declared."""
    return [model for model in apps.get_models()
            if model._meta.app_config is not None and model._meta.app_config.name.startswith("infohus.")]


def declarations() -> dict[str, list[Declaration]]:
    """Each app's declarations (by app label), from its processing module where it has one."""
    found: dict[str, list[Declaration]] = {}
    for config in apps.get_app_configs():
        if not config.name.startswith("infohus.") or find_spec(f"{config.name}.processing") is None:
            continue
        module = import_module(f"{config.name}.processing")
        found[config.label] = list(getattr(module, "RECORDS", []))
    return found


def all_declarations() -> list[Declaration]:
    return [declaration for app in declarations().values() for declaration in app]


def person_links(model: type[models.Model]) -> list[str]:
    """The model's fields that point to a person of concern or to a user: personal data always."""
    targets = {PERSON_MODEL, settings.AUTH_USER_MODEL}
    return [f.name for f in own_fields(model)
            if f.is_relation and f.related_model is not None
            and not isinstance(f.related_model, str) and f.related_model._meta.label in targets]


def own_fields(model: type[models.Model]) -> list[AnyField]:
    """The fields defined on the model (many-to-many included), not the relations pointing at it."""
    return [f for f in model._meta.get_fields() if isinstance(f, models.Field)]


def problems(found: dict[str, list[Declaration]] | None = None) -> list[str]:
    """What keeps the records from being complete: a model without a declaration, a declaration of
    no model or of a field the model lacks, a link to a person or a user left undeclared, a record
    without its purpose, subjects, legal basis, readers or retention. Empty when all is well."""
    found = declarations() if found is None else found
    issues: list[str] = []
    declared: dict[str, int] = {}
    for app_declarations in found.values():
        for declaration in app_declarations:
            declared[declaration.model] = declared.get(declaration.model, 0) + 1
    existing = {model._meta.label: model for model in project_models()}
    issues += [f"{label}: not declared" for label in existing if label not in declared]
    issues += [f"{label}: declared {n} times" for label, n in declared.items() if n > 1]
    issues += [f"{label}: no such model" for label in declared if label not in existing]
    for app_declarations in found.values():
        for declaration in app_declarations:
            model = existing.get(declaration.model)
            if model is not None:
                issues += _declaration_problems(model, declaration)
    return issues


def _declaration_problems(model: type[models.Model], declaration: Declaration) -> list[str]:
    label = declaration.model
    links = person_links(model)
    if isinstance(declaration, NoPersonalData):
        return [f"{label}: declared without personal data, but {name} links to a person or a user"
                for name in links]
    names = {f.name for f in own_fields(model)}
    issues = [f"{label}.{name}: no such field" for name in declaration.fields if name not in names]
    issues += [f"{label}.{name}: links to a person or a user, not declared" for name in links
               if name not in declaration.fields]
    if len(set(declaration.fields)) != len(declaration.fields):
        issues.append(f"{label}: a field is declared twice")
    for part in ("fields", "subjects", "purpose", "legal_basis"):
        if not getattr(declaration, part):
            issues.append(f"{label}: no {part}")
    if not (declaration.seen_by or declaration.scope):
        issues.append(f"{label}: nobody said to see it")
    if not (declaration.retention or declaration.kept):
        issues.append(f"{label}: nothing said on how long it is kept")
    return issues


# --- what a field is, in words ----------------------------------------------------------------------

# Order matters: a subclass before the class it extends (an e-mail field is a character field).
_KINDS: tuple[tuple[type[AnyField], Text], ...] = (
    (models.FileField, _("file")),
    (models.EmailField, _("e-mail address")),
    (models.GenericIPAddressField, _("IP address")),
    (models.DateTimeField, _("date and time")),
    (models.DateField, _("date")),
    (models.BooleanField, _("yes or no")),
    (models.JSONField, _("structured data")),
    (models.TextField, _("free text")),
    (models.CharField, _("short text")),
    (models.IntegerField, _("number")),
    (models.DecimalField, _("number")),
)


def field_kind(field: AnyField) -> str:
    """What kind of data a field holds, named for a reader: links to a person or a user say so."""
    if field.is_relation and field.related_model is not None and not isinstance(field.related_model, str):
        target = field.related_model._meta
        if target.label == PERSON_MODEL:
            return str(_("link to the person of concern"))
        if target.label == settings.AUTH_USER_MODEL:
            return str(_("link to a user of the platform"))
        if field.many_to_many:
            return str(_("links to %(things)s") % {"things": target.verbose_name_plural})
        return str(_("link to the %(thing)s") % {"thing": target.verbose_name})
    if field.choices:
        return str(_("a choice from a list"))
    for kind, label in _KINDS:
        if isinstance(field, kind):
            return str(label)
    return str(_("other"))


@dataclass(frozen=True)
class FieldInfo:
    name: str
    label: str
    kind: str


def describe_fields(model: type[models.Model], names: Iterable[str]) -> list[FieldInfo]:
    """The named fields of a model with their verbose names (in the active language) and kinds."""
    described = []
    for name in names:
        field = model._meta.get_field(name)
        assert isinstance(field, models.Field)
        described.append(FieldInfo(name=name, label=str(capfirst(field.verbose_name)), kind=field_kind(field)))
    return described


# --- this app's own records ----------------------------------------------------------------------------

RECORDS: list[Declaration] = [
    Personal(
        model="privacy.RetentionRule",
        fields=("changed_by",),
        subjects=(STAFF,),
        purpose=_("Who last changed how long a kind of record is kept."),
        legal_basis=(SECURITY,),
        seen_by=(Capability.AUDIT,),
        kept=_("As long as the rule exists; every change is also in the audit trail."),
    ),
    Personal(
        model="privacy.LegalHold",
        fields=("person", "reason", "reference", "placed_by", "lifted_by", "lift_reason"),
        subjects=(PEOPLE_OF_CONCERN, STAFF),
        purpose=_("To keep everything about a person past its retention period while a complaint or a court case "
                  "needs it."),
        legal_basis=(LEGAL_OBLIGATION, _("GDPR art. 17(3)(e): the establishment, exercise or defence of legal "
                                         "claims")),
        seen_by=(Capability.AUDIT,),
        scope=_("The data protection officer."),
        retention="person",
        kept=_("Until the hold is lifted, then with the person's record."),
    ),
    Personal(
        model="privacy.RetentionRun",
        fields=("started_by",),
        subjects=(STAFF,),
        purpose=_("Who started a run of the retention task; the run holds only counts per kind of record."),
        legal_basis=(SECURITY,),
        seen_by=(Capability.AUDIT,),
        kept=_("As long as the run is listed; no retention rule covers it yet."),
    ),
]
