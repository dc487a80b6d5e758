"""Records of processing for courses, enrolments and compliance (see privacy.processing)."""

from django.utils.translation import gettext_lazy as _

from infohus.accounts.roles import Capability as C
from infohus.privacy.processing import (
    COURSE_PARTICIPANTS,
    PUBLIC_TASK,
    SECURITY,
    STAFF,
    Declaration,
    NoPersonalData,
    Personal,
)

TRAINERS = (C.TRAIN,)
OWN = _("The trainers of the organisation that runs the course; each participant with an account sees their own "
        "enrolments.")
ENROLMENT_KEPT = _("A participant from outside the platform: their name and e-mail address are erased after the "
                   "run; a participant with an account: as long as the account exists.")
STAFF_TRAIL = _("As long as the record exists; no retention rule covers it yet.")

RECORDS: list[Declaration] = [
    Personal(
        model="training.Course",
        fields=("created_by",),
        subjects=(STAFF,),
        purpose=_("To know who added a course to the catalogue."),
        legal_basis=(PUBLIC_TASK, SECURITY),
        seen_by=TRAINERS,
        kept=STAFF_TRAIL,
    ),
    Personal(
        model="training.CourseRun",
        fields=("trainers", "created_by"),
        subjects=(STAFF,),
        purpose=_("Who teaches a run of a course, and who planned it."),
        legal_basis=(PUBLIC_TASK,),
        seen_by=TRAINERS,
        scope=_("The trainers; participants see who teaches their course."),
        kept=STAFF_TRAIL,
    ),
    NoPersonalData("training.RunUnit", _("The days or blocks of a run and their dates.")),
    Personal(
        model="training.Enrolment",
        fields=("user", "name", "email", "organisation", "organisation_name", "organisation_kind", "status",
                "completed_on", "certificate_number", "enrolled_by"),
        subjects=(COURSE_PARTICIPANTS, STAFF),
        purpose=_("To train the professionals who prevent extremism: who takes part, who completed and which "
                  "certificate they got, and whether an organisation meets its training requirements."),
        legal_basis=(PUBLIC_TASK,),
        seen_by=TRAINERS,
        scope=OWN,
        retention="external_enrolment",
        kept=ENROLMENT_KEPT,
    ),
    Personal(
        model="training.Attendance",
        fields=("enrolment", "present", "recorded_by"),
        subjects=(COURSE_PARTICIPANTS, STAFF),
        purpose=_("Whether a participant was present on each day or block, which completion requires."),
        legal_basis=(PUBLIC_TASK,),
        seen_by=TRAINERS,
        scope=OWN,
        retention="external_enrolment",
        kept=_("With the enrolment; once an external participant's name is erased, it counts without naming them."),
    ),
    Personal(
        model="training.QuestionnaireAnswer",
        fields=("enrolment", "answers", "recorded_by"),
        subjects=(COURSE_PARTICIPANTS,),
        purpose=_("A participant's answers before and after a course, to evaluate what the course does; "
                  "reports show them only in groups large enough."),
        legal_basis=(PUBLIC_TASK,),
        seen_by=TRAINERS,
        scope=OWN,
        retention="external_enrolment",
        kept=_("With the enrolment; once an external participant's name is erased, it counts without naming them."),
    ),
    Personal(
        model="training.Requirement",
        fields=("created_by",),
        subjects=(STAFF,),
        purpose=_("To know who set a training requirement."),
        legal_basis=(PUBLIC_TASK, SECURITY),
        seen_by=TRAINERS,
        kept=STAFF_TRAIL,
    ),
    Personal(
        model="training.Reminder",
        fields=("user", "due_on", "sent_at"),
        subjects=(STAFF,),
        purpose=_("To remind a person once before a required course falls due, and not again."),
        legal_basis=(PUBLIC_TASK,),
        seen_by=TRAINERS,
        scope=_("The trainers; the person reminded receives it."),
        kept=STAFF_TRAIL,
    ),
]
