"""Irreversible anonymisation of the interventions on cases whose retention period ran out.

Called by the privacy app's retention run with a batch of case ids, before the case itself is
anonymised; writes no audit event of its own (the run writes one per kind, with the count).
Kind, provider, dates, status and outcome stay, and so do the sessions' dates, modes and minutes
(the hours lent and borrowed are counted from them)."""

from datetime import datetime

from infohus.interventions.models import Goal, Intervention, LendingRequest, Session, Supervision


def anonymise_interventions_of_cases(case_ids: list[int], *, now: datetime) -> int:
    """Erase the text, goals and session notes of the interventions on these cases, the lending
    requests' summaries and reasons, and the topics of supervisions tied to them; the number of
    interventions anonymised."""
    interventions = Intervention.objects.filter(case_id__in=case_ids)
    sessions = Session.objects.filter(intervention__case_id__in=case_ids)
    Session.network.through.objects.filter(session__in=sessions).delete()
    sessions.update(notes="", family="", professionals="")
    # Deleting the goals deletes their links to sessions too.
    Goal.objects.filter(intervention__case_id__in=case_ids).delete()
    LendingRequest.objects.filter(case_id__in=case_ids).update(summary="", decline_reason="", end_reason="")
    Supervision.objects.filter(case_id__in=case_ids).update(topics="")
    return interventions.filter(anonymised_at__isnull=True).update(description="", outcome_reason="",
                                                                  anonymised_at=now)
