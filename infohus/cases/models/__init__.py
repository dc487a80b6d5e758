from infohus.cases.models.access import BreakGlassAccess
from infohus.cases.models.cases import Case, CaseAttachment, ConsentRecord, Note, Review, Task, TeamMember
from infohus.cases.models.concerns import Concern, ConcernAttachment, ExtremismKind, LocalAssessment
from infohus.cases.models.people import NetworkMember, Person
from infohus.cases.models.triage import Disclosure, LegalBasis, MeetingAttendee, TriageDecision, TriageMeeting

__all__ = [
    "BreakGlassAccess", "Case", "CaseAttachment", "Concern", "ConcernAttachment", "ConsentRecord", "Disclosure",
    "ExtremismKind", "LegalBasis", "LocalAssessment", "MeetingAttendee", "NetworkMember", "Note", "Person", "Review",
    "Task", "TeamMember", "TriageDecision", "TriageMeeting",
]
