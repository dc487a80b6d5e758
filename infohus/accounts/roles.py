"""The roles of Infohus and what each may do: the one capability table."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    REPORTER = "reporter", _("Reporter")
    RESOURCE_PERSON = "resource_person", _("Institution resource person")
    INFOHOUSE_COORDINATOR = "infohouse_coordinator", _("Info-house coordinator")
    CASE_WORKER = "case_worker", _("Case worker")
    POLICE_LIAISON = "police_liaison", _("Police liaison")
    PSYCHIATRY_LIAISON = "psychiatry_liaison", _("Psychiatry liaison")
    MENTOR = "mentor", _("Mentor")
    PARENT_COACH = "parent_coach", _("Parent coach")
    MENTOR_COACH = "mentor_coach", _("Mentor coach")
    TRAINER = "trainer", _("Trainer")
    COMMUNITY_COORDINATOR = "community_coordinator", _("Community coordinator")
    AMBASSADOR = "ambassador", _("Youth ambassador")
    DIRECTORY_EDITOR = "directory_editor", _("Directory editor")
    ANALYST = "analyst", _("Analyst")
    DATA_PROTECTION_OFFICER = "data_protection_officer", _("Data protection officer")
    SYSTEM_ADMINISTRATOR = "system_administrator", _("System administrator")


class Capability(models.TextChoices):
    SUBMIT_CONCERN = "submit_concern", _("Submit a concern")
    LOCAL_ASSESSMENT = "local_assessment", _("Assess a concern locally")
    TRIAGE = "triage", _("Triage concerns at the Info house")
    MANAGE_CASE = "manage_case", _("Manage a case")
    WORK_ON_CASE = "work_on_case", _("Work on a case as a team member")
    MENTOR = "mentor", _("Mentor or coach")
    COACH_MENTORS = "coach_mentors", _("Coach and supervise mentors")
    TRAIN = "train", _("Run training")
    COMMUNITY = "community", _("Run community work")
    MODERATE_DIRECTORY = "moderate_directory", _("Edit and moderate the directory")
    ANALYSE = "analyse", _("See anonymised statistics")
    AUDIT = "audit", _("Read and verify the audit trail")
    ADMINISTER = "administer", _("Manage organisations, users and memberships")
    BREAK_GLASS = "break_glass", _("Open a record in an emergency")
    AUTHOR_INSTRUMENTS = "author_instruments", _("Author and publish assessment instruments")
    AMBASSADOR = "ambassador", _("Act as a youth ambassador")


class Compartment(models.TextChoices):
    GENERAL = "general", _("General")
    HEALTH = "health", _("Health (psychiatry)")
    POLICE = "police", _("Police")
    INTELLIGENCE = "intelligence", _("Intelligence")


C = Capability
R = Role
K = Compartment

CAPABILITIES: dict[Role, frozenset[Capability]] = {
    R.REPORTER: frozenset({C.SUBMIT_CONCERN}),
    R.RESOURCE_PERSON: frozenset({C.SUBMIT_CONCERN, C.LOCAL_ASSESSMENT}),
    R.INFOHOUSE_COORDINATOR: frozenset({C.SUBMIT_CONCERN, C.TRIAGE, C.MANAGE_CASE, C.WORK_ON_CASE, C.BREAK_GLASS}),
    R.CASE_WORKER: frozenset({C.SUBMIT_CONCERN, C.MANAGE_CASE, C.WORK_ON_CASE}),
    R.POLICE_LIAISON: frozenset({C.SUBMIT_CONCERN, C.TRIAGE, C.WORK_ON_CASE, C.BREAK_GLASS}),
    R.PSYCHIATRY_LIAISON: frozenset({C.SUBMIT_CONCERN, C.WORK_ON_CASE}),
    R.MENTOR: frozenset({C.WORK_ON_CASE, C.MENTOR}),
    R.PARENT_COACH: frozenset({C.WORK_ON_CASE, C.MENTOR}),
    R.MENTOR_COACH: frozenset({C.WORK_ON_CASE, C.MENTOR, C.COACH_MENTORS}),
    R.TRAINER: frozenset({C.TRAIN}),
    # A coordinator who hears from an ambassador that someone is at risk reports it as a concern.
    R.COMMUNITY_COORDINATOR: frozenset({C.COMMUNITY, C.SUBMIT_CONCERN}),
    # A young person from a cohort: logs their own activities and reports their peers' needs.
    R.AMBASSADOR: frozenset({C.AMBASSADOR}),
    R.DIRECTORY_EDITOR: frozenset({C.MODERATE_DIRECTORY}),
    R.ANALYST: frozenset({C.ANALYSE}),
    R.DATA_PROTECTION_OFFICER: frozenset({C.AUDIT}),
    R.SYSTEM_ADMINISTRATOR: frozenset({C.ADMINISTER, C.AUTHOR_INSTRUMENTS}),
}

# Capabilities a role has only while acting for a national centre: the centre's trainers and
# mentor coaches keep the methods (and so the assessment instruments) of the whole country.
NATIONAL_CENTRE_CAPABILITIES: dict[Role, frozenset[Capability]] = {
    R.TRAINER: frozenset({C.AUTHOR_INSTRUMENTS}),
    R.MENTOR_COACH: frozenset({C.AUTHOR_INSTRUMENTS}),
}

# Which compartments of a case a team member in this role may read.
COMPARTMENTS: dict[Role, frozenset[Compartment]] = {
    R.INFOHOUSE_COORDINATOR: frozenset({K.GENERAL, K.POLICE}),
    R.CASE_WORKER: frozenset({K.GENERAL}),
    R.POLICE_LIAISON: frozenset({K.GENERAL, K.POLICE, K.INTELLIGENCE}),
    R.PSYCHIATRY_LIAISON: frozenset({K.GENERAL, K.HEALTH}),
    R.MENTOR: frozenset({K.GENERAL}),
    R.PARENT_COACH: frozenset({K.GENERAL}),
    R.MENTOR_COACH: frozenset({K.GENERAL}),
}

# Roles that never read personal data about people of concern may sign in without a second
# factor; everyone else must enrol one.
NO_PERSONAL_DATA: frozenset[Role] = frozenset({R.ANALYST, R.DIRECTORY_EDITOR})


def role_can(role: str, capability: Capability) -> bool:
    return capability in CAPABILITIES.get(Role(role), frozenset())


def membership_can(role: str, organisation_kind: str, capability: Capability) -> bool:
    """What a role may do in one organisation: its own capabilities, and a national centre's."""
    if role_can(role, capability):
        return True
    return organisation_kind == "national_centre" and capability in NATIONAL_CENTRE_CAPABILITIES.get(
        Role(role), frozenset())


def role_needs_second_factor(role: str) -> bool:
    return Role(role) not in NO_PERSONAL_DATA
