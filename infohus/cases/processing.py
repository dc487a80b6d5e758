"""Records of processing for concerns, people of concern, triage and cases (see privacy.processing)."""

from django.utils.translation import gettext_lazy as _

from infohus.accounts.roles import Capability as C
from infohus.privacy.processing import (
    CONSENT,
    CRIMINAL_OFFENCES,
    HEALTH_ACT,
    LEGAL_PROTECTION,
    MEETING_PROFESSIONALS,
    NATIONAL_IDENTIFIER,
    NETWORK,
    PEOPLE_OF_CONCERN,
    PUBLIC_TASK,
    REPORTERS,
    SECTION_115,
    SECURITY,
    SOCIAL_SERVICES,
    SPECIAL_CATEGORIES,
    STAFF,
    Declaration,
    Personal,
)

CONCERN_WORK = (PUBLIC_TASK, SPECIAL_CATEGORIES, CRIMINAL_OFFENCES, SECTION_115)
CASE_WORK = (PUBLIC_TASK, SPECIAL_CATEGORIES, CRIMINAL_OFFENCES, SECTION_115, SOCIAL_SERVICES, LEGAL_PROTECTION,
             HEALTH_ACT)

CONCERN_READERS = (C.SUBMIT_CONCERN, C.LOCAL_ASSESSMENT, C.TRIAGE, C.MANAGE_CASE, C.WORK_ON_CASE, C.BREAK_GLASS)
CONCERN_SCOPE = _("A reporter sees only the status of the concerns they reported; the institution that assesses "
                  "it locally, the Info house that triages it and the team of the case it leads to see it in full.")
CASE_READERS = (C.MANAGE_CASE, C.WORK_ON_CASE, C.BREAK_GLASS)
CASE_SCOPE = _("Only the members of the case team, each in the compartments their role allows; someone outside "
               "the team only by breaking the glass, which is logged and reviewed by the data protection officer.")
CONCERN_KEPT = _("A concern closed without a case: from the decision; a concern that opened a case is kept with "
                 "the case.")
CASE_KEPT = _("From the day the case was closed; then emptied of its content, while a skeleton without personal "
              "details stays for the statistics.")

RECORDS: list[Declaration] = [
    Personal(
        model="cases.Person",
        fields=("first_name", "last_name", "birth_date", "identifier_country", "identifier_encrypted",
                "identifier_hash", "gender", "municipality", "languages", "phone", "email", "address",
                "search_name", "created_by"),
        subjects=(PEOPLE_OF_CONCERN, STAFF),
        purpose=_("To know who a concern is about, so that the Info house and the case team find the same "
                  "person again, avoid duplicates and can reach them."),
        legal_basis=(PUBLIC_TASK, NATIONAL_IDENTIFIER, SECTION_115, SOCIAL_SERVICES),
        seen_by=(C.TRIAGE, C.MANAGE_CASE, C.WORK_ON_CASE, C.BREAK_GLASS),
        scope=_("The Info house that triages a concern about the person and the teams of their cases; the national "
                "identifier is stored encrypted and shown only to those who must confirm it."),
        retention="person",
        kept=_("Until no concern or case of theirs is left; then names, identifier and contact details are erased."),
    ),
    Personal(
        model="cases.NetworkMember",
        fields=("person", "name", "relation", "contact"),
        subjects=(NETWORK, PEOPLE_OF_CONCERN),
        purpose=_("To know and reach the family and others around a person, who may take part in the work."),
        legal_basis=(PUBLIC_TASK, SOCIAL_SERVICES, SECTION_115),
        seen_by=CASE_READERS,
        scope=CASE_SCOPE,
        retention="person",
        kept=_("Deleted with the details of the person they are around."),
    ),
    Personal(
        model="cases.Concern",
        fields=("reported_by", "recorded_by", "caller_name", "caller_relation", "caller_contact", "caller_anonymous",
                "observed", "observed_on", "observed_where", "others_who_know", "worries", "immediate_danger",
                "extremism", "person", "person_described", "outcome_for_reporter"),
        subjects=(PEOPLE_OF_CONCERN, REPORTERS, STAFF),
        purpose=_("To receive a worry about a person from the one who noticed it and bring it to those who can "
                  "assess it and help."),
        legal_basis=CONCERN_WORK,
        seen_by=CONCERN_READERS,
        scope=CONCERN_SCOPE,
        retention="concern_closed",
        kept=CONCERN_KEPT,
    ),
    Personal(
        model="cases.ConcernAttachment",
        fields=("file", "original_name", "uploaded_by"),
        subjects=(PEOPLE_OF_CONCERN, REPORTERS, STAFF),
        purpose=_("Documents and pictures that show what the reporter saw or heard."),
        legal_basis=CONCERN_WORK,
        seen_by=CONCERN_READERS,
        scope=_("As the concern, except that the reporter does not see it again."),
        retention="concern_closed",
        kept=_("Deleted, files included, with the content of the concern."),
    ),
    Personal(
        model="cases.LocalAssessment",
        fields=("participants", "conclusion", "decision", "assessed_by"),
        subjects=(PEOPLE_OF_CONCERN, STAFF),
        purpose=_("The institution's own cross-professional assessment before a concern goes to the Info house."),
        legal_basis=CONCERN_WORK,
        seen_by=(C.LOCAL_ASSESSMENT, C.TRIAGE, C.MANAGE_CASE, C.WORK_ON_CASE),
        scope=_("The institution that assessed it, the Info house and the team of the case it leads to."),
        retention="concern_closed",
        kept=CONCERN_KEPT,
    ),
    Personal(
        model="cases.TriageMeeting",
        fields=("created_by", "concerns"),
        subjects=(PEOPLE_OF_CONCERN, STAFF),
        purpose=_("To plan the Info house's meetings and which concerns each one assesses."),
        legal_basis=(PUBLIC_TASK, SECTION_115),
        seen_by=(C.TRIAGE,),
        scope=_("The members of the Info house."),
        retention="concern_closed",
        kept=_("The links to concerns go when each concern is erased; the meeting's date and place stay."),
    ),
    Personal(
        model="cases.MeetingAttendee",
        fields=("name", "role", "organisation"),
        subjects=(MEETING_PROFESSIONALS,),
        purpose=_("To document which authorities took part in an Info-house meeting, as section 115 requires "
                  "of a collaboration."),
        legal_basis=(PUBLIC_TASK, SECTION_115),
        seen_by=(C.TRIAGE,),
        scope=_("The members of the Info house."),
        kept=_("With the meeting; no retention rule covers it yet."),
    ),
    Personal(
        model="cases.TriageDecision",
        fields=("kind", "reason", "decided_on", "decided_by", "referred_project"),
        subjects=(PEOPLE_OF_CONCERN, STAFF),
        purpose=_("To record what the Info house decided about a concern, and why."),
        legal_basis=CONCERN_WORK,
        seen_by=(C.TRIAGE, C.MANAGE_CASE, C.WORK_ON_CASE),
        scope=_("The Info house and the team of the case it opened."),
        retention="concern_closed",
        kept=_("The reason is erased with the concern; the kind of decision and its date stay for the statistics."),
    ),
    Personal(
        model="cases.Disclosure",
        fields=("person", "summary", "legal_basis", "other_law", "purpose", "compartment", "from_organisation",
                "to_organisation", "recorded_by"),
        subjects=(PEOPLE_OF_CONCERN, STAFF),
        purpose=_("To record every piece of information about a person that one authority passed to another, "
                  "with its legal basis, and list it on the person's record."),
        legal_basis=(SECTION_115, CONSENT, PUBLIC_TASK, SPECIAL_CATEGORIES, CRIMINAL_OFFENCES),
        seen_by=(C.TRIAGE, C.MANAGE_CASE, C.WORK_ON_CASE, C.AUDIT),
        scope=_("The Info house and the case team, in the compartment it was shared in; the data protection officer "
                "for a subject access request. Never exported for a criminal investigation."),
        retention="case_closed",
        kept=_("What was shared and why is erased with the concern or the case it belongs to; the fact of the "
               "disclosure and its legal basis stay."),
    ),
    Personal(
        model="cases.Case",
        fields=("person", "lead", "status", "opened_at", "closed_at", "outcome", "closure_reason"),
        subjects=(PEOPLE_OF_CONCERN, STAFF),
        purpose=_("To coordinate the work with a person across the authorities that each carry out their own "
                  "measures."),
        legal_basis=CASE_WORK,
        seen_by=CASE_READERS,
        scope=CASE_SCOPE,
        retention="case_closed",
        kept=CASE_KEPT,
    ),
    Personal(
        model="cases.TeamMember",
        fields=("user", "role", "compartments", "added_by"),
        subjects=(STAFF,),
        purpose=_("To decide who works on a case and which compartments each of them sees (need-to-know)."),
        legal_basis=(PUBLIC_TASK, SECURITY),
        seen_by=CASE_READERS,
        scope=CASE_SCOPE,
        retention="case_closed",
        kept=CASE_KEPT,
    ),
    Personal(
        model="cases.Note",
        fields=("text", "compartment", "author"),
        subjects=(PEOPLE_OF_CONCERN, NETWORK, STAFF),
        purpose=_("The case's timeline: what happened and what was learnt, in a compartment by sensitivity."),
        legal_basis=CASE_WORK,
        seen_by=CASE_READERS,
        scope=CASE_SCOPE,
        retention="case_closed",
        kept=CASE_KEPT,
    ),
    Personal(
        model="cases.CaseAttachment",
        fields=("file", "original_name", "compartment", "uploaded_by"),
        subjects=(PEOPLE_OF_CONCERN, NETWORK, STAFF),
        purpose=_("Documents of the case, in a compartment by sensitivity."),
        legal_basis=CASE_WORK,
        seen_by=CASE_READERS,
        scope=CASE_SCOPE,
        retention="case_closed",
        kept=_("Deleted, files included, when the case is emptied."),
    ),
    Personal(
        model="cases.Task",
        fields=("title", "due_on", "assignee", "done_at", "created_by"),
        subjects=(PEOPLE_OF_CONCERN, STAFF),
        purpose=_("To share out and follow up the next steps of a case."),
        legal_basis=CASE_WORK,
        seen_by=CASE_READERS,
        scope=CASE_SCOPE,
        retention="case_closed",
        kept=CASE_KEPT,
    ),
    Personal(
        model="cases.Review",
        fields=("held_on", "summary", "recorded_by"),
        subjects=(PEOPLE_OF_CONCERN, STAFF),
        purpose=_("To review a case at a fixed interval and decide whether the work goes on."),
        legal_basis=CASE_WORK,
        seen_by=CASE_READERS,
        scope=CASE_SCOPE,
        retention="case_closed",
        kept=CASE_KEPT,
    ),
    Personal(
        model="cases.ConsentRecord",
        fields=("given_by", "scope", "given_on", "withdrawn_on", "recorded_by"),
        subjects=(PEOPLE_OF_CONCERN, NETWORK, STAFF),
        purpose=_("To document the consent a person (or a parent) gave to sharing or to an offer, and its "
                  "withdrawal."),
        legal_basis=(CONSENT, PUBLIC_TASK, LEGAL_PROTECTION),
        seen_by=CASE_READERS,
        scope=CASE_SCOPE,
        retention="case_closed",
        kept=CASE_KEPT,
    ),
    Personal(
        model="cases.BreakGlassAccess",
        fields=("user", "reason", "opened_at", "expires_at", "reviewed_by_dpo"),
        subjects=(STAFF, PEOPLE_OF_CONCERN),
        purpose=_("To let an authorised person open a case in an emergency, and to hold them to account for it."),
        legal_basis=(PUBLIC_TASK, SECURITY),
        seen_by=(C.BREAK_GLASS, C.AUDIT),
        scope=_("The person who opened the case, and the data protection officer who reviews every opening."),
        retention="case_closed",
        kept=_("The reason is erased with the case; the audit trail keeps the opening for its own period."),
    ),
]
