"""Records of processing for assessment instruments and assessments (see privacy.processing)."""

from django.utils.translation import gettext_lazy as _

from infohus.accounts.roles import Capability as C
from infohus.privacy.processing import (
    CRIMINAL_OFFENCES,
    HEALTH_ACT,
    PEOPLE_OF_CONCERN,
    PUBLIC_TASK,
    SECTION_115,
    SECURITY,
    SOCIAL_SERVICES,
    SPECIAL_CATEGORIES,
    STAFF,
    Declaration,
    NoPersonalData,
    Personal,
)

ASSESSMENT_BASIS = (PUBLIC_TASK, SPECIAL_CATEGORIES, CRIMINAL_OFFENCES, SECTION_115, SOCIAL_SERVICES, HEALTH_ACT)
READERS = (C.TRIAGE, C.WORK_ON_CASE)
SCOPE = _("The Info house, for an assessment made at triage, or the case team, in the compartment the assessment "
          "belongs to.")
KEPT = _("With the case it was made on, or with the concern when it was made at triage; then the answers and "
         "attachments are erased.")

RECORDS: list[Declaration] = [
    NoPersonalData("assessments.Instrument", _("The name and description of an assessment instrument.")),
    Personal(
        model="assessments.InstrumentVersion",
        fields=("created_by", "published_by"),
        subjects=(STAFF,),
        purpose=_("To know who drafted and who published each version of an instrument."),
        legal_basis=(PUBLIC_TASK, SECURITY),
        seen_by=(C.AUTHOR_INSTRUMENTS,),
        kept=_("As long as the version exists: assessments made with it refer to it."),
    ),
    NoPersonalData("assessments.Section", _("A section of an instrument: its title and help text.")),
    NoPersonalData("assessments.Field", _("A question of an instrument: its label, kind and options.")),
    Personal(
        model="assessments.Assessment",
        fields=("person", "case", "concern", "compartment", "assessed_on", "answers", "created_by", "signed_by"),
        subjects=(PEOPLE_OF_CONCERN, STAFF),
        purpose=_("To record what the professionals assessed about a person's situation, risks and resources, "
                  "dimension by dimension, without any score computed by the platform."),
        legal_basis=ASSESSMENT_BASIS,
        seen_by=READERS,
        scope=SCOPE,
        retention="case_closed",
        kept=KEPT,
    ),
    Personal(
        model="assessments.AssessmentAttachment",
        fields=("file", "original_name", "uploaded_by"),
        subjects=(PEOPLE_OF_CONCERN, STAFF),
        purpose=_("Files that answer an assessment, such as the licensed form of a proprietary instrument."),
        legal_basis=ASSESSMENT_BASIS,
        seen_by=READERS,
        scope=SCOPE,
        retention="case_closed",
        kept=_("Deleted, files included, with the assessment's answers."),
    ),
]
