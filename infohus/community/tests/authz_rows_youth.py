"""Authorisation-matrix rows of the youth pages: cohorts, young participants, the ambassador
programme, the ambassador's own pages and the coordinators' inbox. Each row builds its own objects
(kwargs is called once per person), so a POST by one person does not change what the next finds.

Inside: a cohort kept by Aarhus, whose community coordinator is kamal; he alone opens and writes it
(and, holding SUBMIT_CONCERN too, passes a report on to the desk). Outside: the same kept by
Randers, which nobody here coordinates: kamal gets 404, everyone else 403. The ambassador's own
pages are yasmin's (an ambassador of Aarhus, her record linked to her account); nobody else has
the AMBASSADOR capability.
"""

from datetime import timedelta
from typing import Any

from django.utils import timezone

from infohus.accounts.models import Organisation
from infohus.community.models import (
    Ambassador,
    AmbassadorModule,
    AmbassadorModuleDone,
    PeerReport,
    YouthCohort,
    YouthGoal,
    YouthParticipant,
)
from infohus.community.tests.factories import make_ambassador, make_cohort, make_participant, make_report
from tests.authz import Row, allowed

KAMAL = allowed("kamal")
YASMIN = allowed("yasmin")
NOBODY: frozenset[str] = frozenset()
TODAY = timezone.localdate()


def _cohort(world: dict[str, Any], *, outside: bool = False) -> YouthCohort:
    if outside:
        return make_cohort(created_by=world["people"]["rita"],
                           organisation=Organisation.objects.get(name__startswith="Randers"))
    return make_cohort(created_by=world["people"]["kamal"])


def _participant(world: dict[str, Any], *, outside: bool = False) -> YouthParticipant:
    return make_participant(_cohort(world, outside=outside))


def _ambassador(world: dict[str, Any], *, outside: bool = False, ready: bool = True) -> Ambassador:
    return make_ambassador(_participant(world, outside=outside), ready=ready)


def _report(world: dict[str, Any], *, outside: bool = False) -> PeerReport:
    return make_report(_ambassador(world, outside=outside), someone_at_risk=True)


def cohort(world: dict[str, Any]) -> dict[str, Any]:
    return {"pk": _cohort(world).pk}


def outside_cohort(world: dict[str, Any]) -> dict[str, Any]:
    return {"pk": _cohort(world, outside=True).pk}


def participant(world: dict[str, Any]) -> dict[str, Any]:
    return {"pk": _participant(world).pk}


def outside_participant(world: dict[str, Any]) -> dict[str, Any]:
    return {"pk": _participant(world, outside=True).pk}


def _goal(world: dict[str, Any], *, outside: bool = False) -> dict[str, Any]:
    p = _participant(world, outside=outside)
    goal = YouthGoal.objects.create(participant=p, text="Være med i ungdomsrådet", set_on=p.joined_on,
                                    recorded_by=p.created_by)
    return {"pk": goal.pk}


def goal(world: dict[str, Any]) -> dict[str, Any]:
    return _goal(world)


def outside_goal(world: dict[str, Any]) -> dict[str, Any]:
    return _goal(world, outside=True)


def ambassador(world: dict[str, Any]) -> dict[str, Any]:
    return {"pk": _ambassador(world).pk}


def outside_ambassador(world: dict[str, Any]) -> dict[str, Any]:
    return {"pk": _ambassador(world, outside=True).pk}


def learning(world: dict[str, Any]) -> dict[str, Any]:
    """An ambassador still in training (not ready)."""
    return {"pk": _ambassador(world, ready=False).pk}


def outside_learning(world: dict[str, Any]) -> dict[str, Any]:
    return {"pk": _ambassador(world, outside=True, ready=False).pk}


def _trained(world: dict[str, Any], *, outside: bool = False) -> dict[str, Any]:
    """An ambassador with every module done, not yet marked ready."""
    a = _ambassador(world, outside=outside, ready=False)
    AmbassadorModuleDone.objects.bulk_create(
        AmbassadorModuleDone(ambassador=a, module=m, completed_on=TODAY, recorded_by=a.participant.created_by)
        for m in AmbassadorModule)
    return {"pk": a.pk}


def trained(world: dict[str, Any]) -> dict[str, Any]:
    return _trained(world)


def outside_trained(world: dict[str, Any]) -> dict[str, Any]:
    return _trained(world, outside=True)


def report(world: dict[str, Any]) -> dict[str, Any]:
    return {"pk": _report(world).pk}


def outside_report(world: dict[str, Any]) -> dict[str, Any]:
    return {"pk": _report(world, outside=True).pk}


def yasmin_ambassador(world: dict[str, Any]) -> dict[str, Any]:
    """Yasmin's own ambassador record (ready to act), made once; the URLs take no arguments."""
    yasmin = world["people"]["yasmin"]
    if not Ambassador.objects.filter(user=yasmin).exists():
        make_ambassador(make_participant(_cohort(world), age=19, first_name="Yasmin", last_name="Bakkegaard"),
                        user=yasmin)
    return {}


COHORT = {"programme": "CoCoRa", "name": "Efterår", "starts_on": str(TODAY), "ends_on": str(TODAY + timedelta(days=90)),
          "place": "Gellerup"}
# An edit keeps the factory's modules (held in the cohort's first weeks) inside the dates.
COHORT_EDIT = {**COHORT, "starts_on": str(TODAY - timedelta(days=90)), "version": "1"}
PARTICIPANT = {"first_name": "Sara", "last_name": "Testesen", "birth_date": str(TODAY - timedelta(days=365 * 20 + 10)),
               "joined_on": str(TODAY - timedelta(days=30)), "consent_given_on": str(TODAY - timedelta(days=40)),
               "consent_by": "self"}
ACTIVITY = {"kind": "peer_conversation", "held_on": str(TODAY), "people_reached": "2", "note": "Om fritidsjob."}
CONCERN = {"version": "1", "observed": "En på holdet taler om at rejse ud.", "observed_on": str(TODAY),
           "observed_where": "I klubben", "worries": "Han virker presset.", "person_unknown": "on",
           "reply": "Tak. En fagperson har sendt det videre."}

ROWS: list[Row] = [
    # --- cohorts ---
    Row("community:cohort_list", KAMAL),
    Row("community:cohort_new", KAMAL),
    Row("community:cohort_new", KAMAL, method="POST", data=COHORT),
    Row("community:cohort_detail", KAMAL, kwargs=cohort),
    Row("community:cohort_detail", NOBODY, kwargs=outside_cohort, note="kept by Randers"),
    Row("community:cohort_edit", KAMAL, kwargs=cohort),
    Row("community:cohort_edit", KAMAL, kwargs=cohort, method="POST", data=COHORT_EDIT),
    Row("community:cohort_edit", NOBODY, kwargs=outside_cohort, method="POST", data=COHORT_EDIT),
    Row("community:module_new", KAMAL, kwargs=cohort),
    Row("community:module_new", KAMAL, kwargs=cohort, method="POST",
        data={"number": "9", "title": "Demokrati", "held_on": str(TODAY)}),
    Row("community:module_new", NOBODY, kwargs=outside_cohort, method="POST",
        data={"number": "9", "title": "Demokrati", "held_on": str(TODAY)}),
    Row("community:cohort_attendance", KAMAL, kwargs=cohort),
    Row("community:cohort_attendance", KAMAL, kwargs=cohort, method="POST"),
    Row("community:cohort_attendance", NOBODY, kwargs=outside_cohort),
    Row("community:cohort_attendance", NOBODY, kwargs=outside_cohort, method="POST"),
    # --- young participants ---
    Row("community:participant_new", KAMAL, kwargs=cohort),
    Row("community:participant_new", KAMAL, kwargs=cohort, method="POST", data=PARTICIPANT),
    Row("community:participant_new", NOBODY, kwargs=outside_cohort, method="POST", data=PARTICIPANT),
    Row("community:participant_detail", KAMAL, kwargs=participant),
    Row("community:participant_detail", NOBODY, kwargs=outside_participant, note="kept by Randers"),
    Row("community:participant_edit", KAMAL, kwargs=participant),
    Row("community:participant_edit", NOBODY, kwargs=outside_participant),
    Row("community:participant_edit", NOBODY, kwargs=outside_participant, method="POST",
        data={**PARTICIPANT, "version": "1"}),
    Row("community:goal_new", KAMAL, kwargs=participant),
    Row("community:goal_new", KAMAL, kwargs=participant, method="POST",
        data={"text": "Starte til fodbold", "set_on": str(TODAY)}),
    Row("community:goal_new", NOBODY, kwargs=outside_participant, method="POST",
        data={"text": "Starte til fodbold", "set_on": str(TODAY)}),
    Row("community:progress_new", KAMAL, kwargs=goal),
    Row("community:progress_new", KAMAL, kwargs=goal, method="POST",
        data={"noted_on": str(TODAY), "progress": "started"}),
    Row("community:progress_new", NOBODY, kwargs=outside_goal),
    Row("community:progress_new", NOBODY, kwargs=outside_goal, method="POST",
        data={"noted_on": str(TODAY), "progress": "started"}),
    # --- ambassadors ---
    Row("community:ambassador_start", KAMAL, kwargs=participant),
    Row("community:ambassador_start", KAMAL, kwargs=participant, method="POST", data={"started_on": str(TODAY)}),
    Row("community:ambassador_start", NOBODY, kwargs=outside_participant, method="POST",
        data={"started_on": str(TODAY)}),
    Row("community:ambassador_list", KAMAL),
    Row("community:ambassador_detail", KAMAL, kwargs=ambassador),
    Row("community:ambassador_detail", NOBODY, kwargs=outside_ambassador, note="kept by Randers"),
    Row("community:ambassador_module_done", KAMAL, kwargs=learning),
    Row("community:ambassador_module_done", KAMAL, kwargs=learning, method="POST",
        data={"module": "role", "completed_on": str(TODAY)}),
    Row("community:ambassador_module_done", NOBODY, kwargs=outside_learning, method="POST",
        data={"module": "role", "completed_on": str(TODAY)}),
    Row("community:ambassador_ready", KAMAL, kwargs=trained, method="POST", data={"version": "1"}),
    Row("community:ambassador_ready", NOBODY, kwargs=outside_trained, method="POST", data={"version": "1"}),
    Row("community:activity_new", KAMAL, kwargs=ambassador),
    Row("community:activity_new", KAMAL, kwargs=ambassador, method="POST", data=ACTIVITY),
    Row("community:activity_new", NOBODY, kwargs=outside_ambassador, method="POST", data=ACTIVITY),
    # --- the ambassador's own pages ---
    Row("community:my_ambassador", YASMIN, kwargs=yasmin_ambassador),
    Row("community:my_activity_new", YASMIN, kwargs=yasmin_ambassador),
    Row("community:my_activity_new", YASMIN, kwargs=yasmin_ambassador, method="POST", data=ACTIVITY),
    Row("community:report_new", YASMIN, kwargs=yasmin_ambassador),
    Row("community:report_new", YASMIN, kwargs=yasmin_ambassador, method="POST",
        data={"kind": "need", "text": "Vi mangler et sted at være om aftenen."}),
    # --- the inbox ---
    Row("community:inbox", KAMAL),
    Row("community:report_detail", KAMAL, kwargs=report),
    Row("community:report_detail", NOBODY, kwargs=outside_report, note="kept by Randers"),
    Row("community:report_to_dialogue", KAMAL, kwargs=report),
    Row("community:report_to_dialogue", KAMAL, kwargs=report, method="POST",
        data={"version": "1", "new_meeting_on": str(TODAY + timedelta(days=14)), "title": "Mødested om aftenen"}),
    Row("community:report_to_dialogue", NOBODY, kwargs=outside_report, method="POST",
        data={"version": "1", "new_meeting_on": str(TODAY + timedelta(days=14)), "title": "Mødested om aftenen"}),
    Row("community:report_to_concern", KAMAL, kwargs=report),
    Row("community:report_to_concern", KAMAL, kwargs=report, method="POST", data=CONCERN),
    Row("community:report_to_concern", NOBODY, kwargs=outside_report, method="POST", data=CONCERN),
    Row("community:report_close", KAMAL, kwargs=report),
    Row("community:report_close", KAMAL, kwargs=report, method="POST", data={"version": "1", "reply": "Tak."}),
    Row("community:report_close", NOBODY, kwargs=outside_report, method="POST", data={"version": "1", "reply": "Tak."}),
]
