"""Records of processing for interventions, the mentor corps and lending (see privacy.processing)."""

from django.utils.translation import gettext_lazy as _

from infohus.accounts.roles import Capability as C
from infohus.privacy.processing import (
    CRIMINAL_OFFENCES,
    HEALTH_ACT,
    LEGAL_PROTECTION,
    MENTORS,
    NETWORK,
    PEOPLE_OF_CONCERN,
    PUBLIC_TASK,
    SECTION_115,
    SOCIAL_SERVICES,
    SPECIAL_CATEGORIES,
    STAFF,
    Declaration,
    Personal,
)

INTERVENTION_BASIS = (PUBLIC_TASK, SOCIAL_SERVICES, LEGAL_PROTECTION, SPECIAL_CATEGORIES, CRIMINAL_OFFENCES,
                      SECTION_115, HEALTH_ACT)
READERS = (C.WORK_ON_CASE, C.MENTOR, C.BREAK_GLASS)
SCOPE = _("The case team, each in the compartments their role allows; a mentor or coach only the interventions "
          "they provide.")
KEPT = _("With the case: when the case is emptied, the intervention's text, goals and session notes are erased; "
         "its kind, dates, outcome and session minutes stay for the statistics.")
CORPS = (C.MANAGE_CASE, C.COACH_MENTORS, C.MENTOR)
CORPS_SCOPE = _("Case managers who look for a mentor and the mentor coaches; a mentor sees their own entry.")
CORPS_KEPT = _("While the person is in the corps; no retention rule covers it yet.")

RECORDS: list[Declaration] = [
    Personal(
        model="interventions.Intervention",
        fields=("case", "kind", "provider_user", "started_on", "ended_on", "outcome", "outcome_reason",
                "description", "treatment", "advice_for", "created_by"),
        subjects=(PEOPLE_OF_CONCERN, MENTORS, STAFF),
        purpose=_("To plan and follow the measures offered to a person (a concern conversation, a mentor, a "
                  "parent coach, treatment), each carried out by the authority that owns it."),
        legal_basis=INTERVENTION_BASIS,
        seen_by=READERS,
        scope=SCOPE,
        retention="case_closed",
        kept=KEPT,
    ),
    Personal(
        model="interventions.Goal",
        fields=("what", "by_when", "how_we_know", "status", "from_assessment", "created_by"),
        subjects=(PEOPLE_OF_CONCERN, STAFF),
        purpose=_("The plan of an intervention as SMART goals: what, by when, and how we will know."),
        legal_basis=INTERVENTION_BASIS,
        seen_by=READERS,
        scope=SCOPE,
        retention="case_closed",
        kept=KEPT,
    ),
    Personal(
        model="interventions.Session",
        fields=("held_on", "duration_minutes", "mode", "with_person", "family", "professionals", "notes",
                "compartment", "next_appointment", "network", "logged_by"),
        subjects=(PEOPLE_OF_CONCERN, NETWORK, MENTORS, STAFF),
        purpose=_("To document each meeting of an intervention: who took part, what was worked on, the next "
                  "appointment, and the hours spent."),
        legal_basis=INTERVENTION_BASIS,
        seen_by=READERS,
        scope=SCOPE,
        retention="case_closed",
        kept=KEPT,
    ),
    Personal(
        model="interventions.MentorProfile",
        fields=("user", "home_municipality", "corps_role", "gender", "languages", "age_groups", "extremism_kinds",
                "prison_work", "capacity", "accredited_on", "accreditation_expires_on", "is_active", "notes"),
        subjects=(MENTORS,),
        purpose=_("The national register of the mentor corps: to match a mentor or coach to a person and to know "
                  "whose accreditation is valid."),
        legal_basis=(PUBLIC_TASK, SOCIAL_SERVICES),
        seen_by=CORPS,
        scope=CORPS_SCOPE,
        kept=CORPS_KEPT,
    ),
    Personal(
        model="interventions.CoachPairing",
        fields=("coach", "mentor"),
        subjects=(MENTORS,),
        purpose=_("Which mentor coach supervises which mentor."),
        legal_basis=(PUBLIC_TASK, SOCIAL_SERVICES),
        seen_by=(C.COACH_MENTORS, C.MENTOR),
        scope=_("The mentor coaches; a mentor sees their own coach."),
        kept=CORPS_KEPT,
    ),
    Personal(
        model="interventions.Supervision",
        fields=("mentor", "coach", "held_on", "duration_minutes", "topics", "case"),
        subjects=(MENTORS, PEOPLE_OF_CONCERN),
        purpose=_("To document the supervision of each course of mentoring."),
        legal_basis=(PUBLIC_TASK, SOCIAL_SERVICES),
        seen_by=(C.COACH_MENTORS, C.MENTOR),
        scope=_("The coach and the mentor; it names a case only where the coach is on the case team."),
        kept=CORPS_KEPT,
    ),
    Personal(
        model="interventions.LendingRequest",
        fields=("case", "needs", "summary", "offered_mentor", "decline_reason", "end_reason", "sent_by",
                "answered_by", "accepted_by", "ended_by"),
        subjects=(MENTORS, STAFF, PEOPLE_OF_CONCERN),
        purpose=_("To borrow a mentor or coach from another municipality: the request states the needs without "
                  "identifying data; the lending municipality sees the case only once its mentor is on it."),
        legal_basis=(PUBLIC_TASK, SOCIAL_SERVICES),
        seen_by=(C.MANAGE_CASE, C.COACH_MENTORS),
        scope=_("The borrowing and the lending municipality's case managers and mentor coaches."),
        retention="case_closed",
        kept=_("With the case it was made for."),
    ),
]
