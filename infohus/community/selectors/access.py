"""Who may open what in community work, in one place.

Every record belongs to one organisation, directly or through its parent record; the community
coordinators (COMMUNITY) of that organisation read and write it. A young participant's record, a
contact person and an ambassador's report are personal data: each read and each refusal is
audited. An ambassador with an account reads their own ambassador record, activities and reports.
"""

from typing import Any

from django.db.models import Model, QuerySet
from django.http import Http404

from infohus.accounts.models import Membership
from infohus.accounts.permissions import organisations_with
from infohus.accounts.roles import Capability
from infohus.audit.services import record_event
from infohus.community.models import (
    Ambassador,
    AmbassadorActivity,
    CohortModule,
    ContactPerson,
    DialogueMeeting,
    FollowUp,
    GoalProgress,
    OutreachEvent,
    Partner,
    PeerReport,
    Topic,
    YouthCohort,
    YouthGoal,
    YouthParticipant,
)

# How each model reaches the organisation that keeps it.
ORGANISATION_PATH: dict[type[Model], str] = {
    Partner: "organisation",
    ContactPerson: "partner__organisation",
    DialogueMeeting: "organisation",
    Topic: "meeting__organisation",
    FollowUp: "meeting__organisation",
    OutreachEvent: "organisation",
    YouthCohort: "organisation",
    CohortModule: "cohort__organisation",
    YouthParticipant: "cohort__organisation",
    YouthGoal: "participant__cohort__organisation",
    GoalProgress: "goal__participant__cohort__organisation",
    Ambassador: "participant__cohort__organisation",
    AmbassadorActivity: "ambassador__participant__cohort__organisation",
    PeerReport: "ambassador__participant__cohort__organisation",
}

# Records about a person (a young participant, a contact, what an ambassador heard): reads audited.
PERSONAL = frozenset({ContactPerson, YouthParticipant, YouthGoal, GoalProgress, Ambassador,
                      AmbassadorActivity, PeerReport})


def community_organisations(user: Any) -> QuerySet[Membership, int]:
    """Ids of the organisations the user does community work for (a subquery)."""
    return organisations_with(user, Capability.COMMUNITY)


def visible(user: Any, model: type[Model]) -> QuerySet[Any]:
    """The rows of `model` kept by the user's organisations."""
    path = ORGANISATION_PATH[model]
    return model._default_manager.filter(**{f"{path}_id__in": community_organisations(user)})


def _object_type(model: type[Model]) -> str:
    return model._meta.model_name or model.__name__.lower()


def get_visible(user: Any, model: type[Model], pk: int, *, purpose: str, queryset: QuerySet[Any] | None = None) -> Any:
    """One row the user's organisations keep, or 404. Reads and refusals of personal records are
    audited; `queryset` may add select_related for the page (it is narrowed to what is visible)."""
    rows = (queryset if queryset is not None else model._default_manager.all()) & visible(user, model)
    obj = rows.filter(pk=pk).first()
    object_type = _object_type(model)
    if obj is None:
        record_event(action="community.refused", actor=user, object_type=object_type, object_id=pk,
                     purpose=purpose)
        raise Http404
    if model in PERSONAL:
        record_event(action="community.viewed", actor=user, object_type=object_type, object_id=pk,
                     purpose=purpose)
    return obj


def own_ambassador(user: Any) -> Ambassador | None:
    """The ambassador record of a signed-in ambassador (role AMBASSADOR), or None."""
    if not getattr(user, "is_authenticated", False):
        return None
    if not organisations_with(user, Capability.AMBASSADOR).exists():
        return None
    return (Ambassador.objects.select_related("participant__cohort__organisation")
            .filter(user=user, ended_on__isnull=True).first())
