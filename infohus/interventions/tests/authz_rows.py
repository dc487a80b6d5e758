"""Authorisation-matrix rows of the interventions pages. Each row builds its own objects (kwargs is
called once per person), so a POST by one person does not change what the next one finds.

Interventions follow the case need-to-know: inside, carl leads and mads (mentor, general) is on
the team; outside, a case of otto's (Randers) that neither is on. An anonymous advice consultation
of Aarhus given by mads is opened by Aarhus's case workers and mentors. A mentor lent from
Randers (otto) reaches the one case he is lent to. Break-the-glass is covered by the cases rows.

The mentor corps: the register is read by those who manage cases or coach mentors (ida, carl,
rita, morten); a mentor opens only their own entry; only the mentor coach (morten) writes it.

Lending: the borrowing side is the case managers of the requesting municipality (carl, Aarhus);
the lending side the case managers and mentor coaches of the lending one (rita, Randers). Morten
coaches mentors at the national centre, not in Randers, so he stands on neither side.
"""

from datetime import timedelta
from typing import Any

from django.utils import timezone

from infohus.accounts.models import Membership, Organisation
from infohus.accounts.roles import Compartment
from infohus.cases.models import Case, TeamMember
from infohus.cases.tests.factories import make_case
from infohus.interventions.models import (
    AdviceFor,
    CoachPairing,
    CorpsRole,
    Goal,
    Intervention,
    InterventionKind,
    LendingRequest,
    MentorProfile,
)
from infohus.interventions.tests.factories import make_goal, make_intervention, make_lending, make_profile
from tests.authz import Row, allowed

TEAM = allowed("carl", "mads")
OTTO = allowed("otto")
LENT = allowed("carl", "mads", "otto")
# Roles that work on cases or mentor (WORK_ON_CASE or MENTOR).
WORKERS = allowed("ida", "carl", "rita", "per", "signe", "mads", "otto", "pia", "morten")
# The register of the corps: MANAGE_CASE or COACH_MENTORS.
CORPS_READERS = allowed("ida", "carl", "rita", "morten")
COACH = allowed("morten")
BORROWER = allowed("carl")
LENDER = allowed("rita")
BOTH_SIDES = allowed("carl", "rita")
RITA = allowed("rita")
NOBODY: frozenset[str] = frozenset()

TODAY = timezone.localdate()


def _org(key_prefix: str) -> Organisation:
    return Organisation.objects.get(name__startswith=key_prefix)


# --- cases and interventions ---------------------------------------------------------------------

def _inside(world: dict[str, Any]) -> Case:
    people = world["people"]
    return make_case(lead=people["carl"], team={people["mads"]: "general"})


def _outside(world: dict[str, Any]) -> Case:
    return make_case(lead=world["people"]["otto"])


def _intervention(world: dict[str, Any], case: Case | None, *, provider: str = "mads", **fields: Any) -> Intervention:
    people = world["people"]
    return make_intervention(case=case, provider_user=people[provider], created_by=people["carl"],
                             description="Faste møder hver uge.", **fields)


def case(world: dict[str, Any]) -> dict[str, Any]:
    return {"case_pk": _inside(world).pk}


def outside_case(world: dict[str, Any]) -> dict[str, Any]:
    return {"case_pk": _outside(world).pk}


def closed_case(world: dict[str, Any]) -> dict[str, Any]:
    c = _inside(world)
    Case.objects.filter(pk=c.pk).update(status=Case.Status.CLOSED, outcome=Case.Outcome.GOALS_MET)
    return {"case_pk": c.pk}


def rita_case(world: dict[str, Any]) -> dict[str, Any]:
    """A case of Randers led by rita, with otto on the team."""
    people = world["people"]
    return {"case_pk": make_case(lead=people["rita"], team={people["otto"]: "general"}).pk}


def intervention(world: dict[str, Any]) -> dict[str, Any]:
    return {"pk": _intervention(world, _inside(world)).pk}


def outside_intervention(world: dict[str, Any]) -> dict[str, Any]:
    return {"pk": _intervention(world, _outside(world), provider="otto").pk}


def advice(world: dict[str, Any]) -> dict[str, Any]:
    """An anonymous advice consultation to next of kin, given by mads for Aarhus."""
    return {"pk": _intervention(world, None, advice_for=AdviceFor.NEXT_OF_KIN).pk}


def _goal(world: dict[str, Any], i: Intervention) -> Goal:
    return make_goal(i, what="Møder op til de faste aftaler.", how_we_know="Mentoren noterer fremmødet.")


def goal(world: dict[str, Any]) -> dict[str, Any]:
    i = _intervention(world, _inside(world))
    return {"pk": i.pk, "goal_pk": _goal(world, i).pk}


def outside_goal(world: dict[str, Any]) -> dict[str, Any]:
    i = _intervention(world, _outside(world), provider="otto")
    return {"pk": i.pk, "goal_pk": _goal(world, i).pk}


# --- the mentor corps ----------------------------------------------------------------------------------

def _profile(world: dict[str, Any], username: str, municipality: str) -> MentorProfile:
    user = world["people"][username]
    existing = MentorProfile.objects.filter(user=user).first()
    return existing or make_profile(user, _org(municipality), languages="da,en", prison_work=True, capacity=5)


def mads_profile(world: dict[str, Any]) -> dict[str, Any]:
    return {"pk": _profile(world, "mads", "Aarhus").pk}


def otto_profile(world: dict[str, Any]) -> dict[str, Any]:
    return {"pk": _profile(world, "otto", "Randers").pk}


def otto_profile_for_a_pairing(world: dict[str, Any]) -> dict[str, Any]:
    """Otto's entry without an open pairing to morten (a POST by the previous person may have made one)."""
    profile = _profile(world, "otto", "Randers")
    CoachPairing.objects.filter(mentor=profile, ended_on__isnull=True).update(ended_on=TODAY)
    return {"pk": profile.pk}


NEW_PROFILE: dict[str, Any] = {"corps_role": CorpsRole.MENTOR, "languages": "da", "capacity": "2",
                               "accredited_on": str(TODAY - timedelta(days=10)),
                               "accreditation_expires_on": str(TODAY + timedelta(days=1000))}


def pia_without_a_profile(world: dict[str, Any]) -> dict[str, Any]:
    """corps_new takes the user and home municipality in its form: pia, Odder (no profile yet)."""
    MentorProfile.objects.filter(user=world["people"]["pia"]).delete()
    NEW_PROFILE.update(user=world["people"]["pia"].pk, home_municipality=_org("Odder").pk,
                       corps_role=CorpsRole.PARENT_COACH)
    return {}


EDIT_PROFILE = {"corps_role": CorpsRole.MENTOR, "languages": "da,en", "capacity": "3",
                "accredited_on": str(TODAY - timedelta(days=200)),
                "accreditation_expires_on": str(TODAY + timedelta(days=900)), "is_active": "on"}


def otto_profile_to_edit(world: dict[str, Any]) -> dict[str, Any]:
    profile = _profile(world, "otto", "Randers")
    EDIT_PROFILE["home_municipality"] = profile.home_municipality_id
    return {"pk": profile.pk}


SUPERVISION = {"held_on": str(TODAY - timedelta(days=1)), "duration_minutes": "60",
               "topics": "Grænser i mentorrollen og egen trivsel."}
PAIRING: dict[str, Any] = {"started_on": str(TODAY)}


def otto_profile_to_pair(world: dict[str, Any]) -> dict[str, Any]:
    PAIRING["coach"] = world["people"]["morten"].pk
    return otto_profile_for_a_pairing(world)


# --- lending between municipalities ----------------------------------------------------------------------

def _request(world: dict[str, Any], status: str = LendingRequest.Status.SENT) -> LendingRequest:
    """A request of Aarhus (carl's case with mads) to Randers, in the given state; once accepted,
    otto is on the team in the general compartment."""
    people = world["people"]
    c = _inside(world)
    offered = status != LendingRequest.Status.SENT
    request = make_lending(case=c, lending_organisation=_org("Randers"), status=status,
                           offered_mentor=_profile(world, "otto", "Randers") if offered else None,
                           needs={"languages": ["en"], "prison_work": True},
                           summary="En ung mand, der snart løslades, har brug for en engelsktalende mentor.")
    if status == LendingRequest.Status.ACCEPTED:
        membership = Membership.objects.get(user=people["otto"], organisation=_org("Randers"))
        TeamMember.objects.create(case=c, user=people["otto"], organisation=membership.organisation,
                                  role=membership.role, compartments=Compartment.GENERAL.value)
    return request


def sent(world: dict[str, Any]) -> dict[str, Any]:
    return {"pk": _request(world).pk}


def offered(world: dict[str, Any]) -> dict[str, Any]:
    return {"pk": _request(world, LendingRequest.Status.OFFERED).pk}


def accepted(world: dict[str, Any]) -> dict[str, Any]:
    return {"pk": _request(world, LendingRequest.Status.ACCEPTED).pk}


def lent_intervention(world: dict[str, Any]) -> dict[str, Any]:
    request = _request(world, LendingRequest.Status.ACCEPTED)
    assert request.intervention_id is not None
    return {"pk": request.intervention_id}


def ended_lent_intervention(world: dict[str, Any]) -> dict[str, Any]:
    """The lent mentor's intervention after the lending ended: otto has left the team."""
    request = _request(world, LendingRequest.Status.ACCEPTED)
    LendingRequest.objects.filter(pk=request.pk).update(status=LendingRequest.Status.ENDED)
    TeamMember.objects.filter(case=request.case, user=world["people"]["otto"]).update(is_active=False)
    assert request.intervention_id is not None
    return {"pk": request.intervention_id}


OFFER: dict[str, Any] = {}


def sent_to_offer_otto(world: dict[str, Any]) -> dict[str, Any]:
    OFFER["mentor"] = _profile(world, "otto", "Randers").pk
    return sent(world)


LENDING_NEW: dict[str, Any] = {"corps_role": CorpsRole.MENTOR, "languages": "en", "prison_work": "on",
                               "summary": "En ung mand, der snart løslades, har brug for en mentor.",
                               "hours_per_month": "6"}


def case_to_borrow_for(world: dict[str, Any]) -> dict[str, Any]:
    LENDING_NEW["lending_organisation"] = _org("Randers").pk
    return case(world)


def rita_case_to_borrow_for(world: dict[str, Any]) -> dict[str, Any]:
    LENDING_NEW["lending_organisation"] = _org("Aarhus").pk
    return rita_case(world)


# --- form data -----------------------------------------------------------------------------------------

START = {"kind": InterventionKind.MENTORING, "started_on": str(TODAY), "description": "Faste møder hver uge.",
         "provider_user": "", "compartment": "general"}


def case_to_start_on(world: dict[str, Any]) -> dict[str, Any]:
    START["provider_user"] = world["people"]["mads"].pk
    return case(world)


def outside_case_to_start_on(world: dict[str, Any]) -> dict[str, Any]:
    START["provider_user"] = world["people"]["otto"].pk
    return outside_case(world)


ADVICE = {"advice_for": AdviceFor.NEXT_OF_KIN, "started_on": str(TODAY), "duration_minutes": "45",
          "description": "En mor ringede, bekymret for sin søn; hun ønskede at være anonym."}
GOAL = {"what": "Går i skole hver dag.", "by_when": str(TODAY + timedelta(days=60)),
        "how_we_know": "Skolen melder fraværet hver måned."}
GOAL_EDIT = {**GOAL, "status": Goal.Status.IN_PROGRESS}
SESSION = {"held_on": str(TODAY), "duration_minutes": "60", "mode": "meeting", "with_person": "on",
           "notes": "En god snak om skolen.", "compartment": "general"}
END = {"outcome": "goals_met", "outcome_reason": "Han går i skole igen og har et fritidsjob.",
       "ended_on": str(TODAY)}
REASON = {"reason": "Vi har ingen mentor med engelsk lige nu."}
END_LENDING = {"reason": "Forløbet er slut."}

# A page opens (200); a write is done and redirects (302: a form sent back with errors is 400).
PAGE = frozenset({200})
DONE = frozenset({302})


def page(route: str, who: frozenset[str], kwargs: Any = None, note: str = "") -> Row:
    return Row(route, who, kwargs=kwargs or (lambda world: {}), ok=PAGE, note=note)


def write(route: str, who: frozenset[str], kwargs: Any, data: dict[str, Any] | None = None, note: str = "") -> Row:
    return Row(route, who, kwargs=kwargs or (lambda world: {}), method="POST",
               data=data if data is not None else {}, ok=DONE, note=note)


ROWS = [
    # Interventions (views_interventions.py): the case need-to-know.
    page("interventions:my_interventions", WORKERS, note="roles that work on cases or mentor; their own only"),
    page("interventions:case_start", TEAM, case),
    page("interventions:case_start", OTTO, outside_case, note="outside carl's and mads' need-to-know"),
    page("interventions:case_start", NOBODY, closed_case, note="a closed case takes no new intervention"),
    write("interventions:case_start", TEAM, case_to_start_on, START),
    write("interventions:case_start", OTTO, outside_case_to_start_on, START,
          note="a forged POST outside the need-to-know"),
    page("interventions:advice_new", WORKERS),
    write("interventions:advice_new", WORKERS, None, ADVICE, note="anonymous: no case, no person"),
    page("interventions:intervention_detail", TEAM, intervention),
    page("interventions:intervention_detail", OTTO, outside_intervention),
    page("interventions:intervention_detail", TEAM, advice,
         note="an anonymous advice consultation: Aarhus's case workers and mentors"),
    page("interventions:intervention_detail", LENT, lent_intervention,
         note="otto, lent by Randers, reaches the one case he is lent to"),
    page("interventions:intervention_detail", TEAM, ended_lent_intervention,
         note="and no longer once the lending has ended"),
    page("interventions:goal_add", TEAM, intervention),
    page("interventions:goal_add", OTTO, outside_intervention),
    write("interventions:goal_add", TEAM, intervention, GOAL),
    write("interventions:goal_add", OTTO, outside_intervention, GOAL, note="a forged POST"),
    page("interventions:goal_edit", TEAM, goal),
    page("interventions:goal_edit", OTTO, outside_goal),
    write("interventions:goal_edit", TEAM, goal, GOAL_EDIT),
    page("interventions:session_add", TEAM, intervention),
    page("interventions:session_add", LENT, lent_intervention),
    write("interventions:session_add", TEAM, intervention, SESSION),
    write("interventions:session_add", OTTO, outside_intervention, SESSION, note="a forged POST"),
    write("interventions:session_add", LENT, lent_intervention, SESSION, note="the lent mentor logs his hours"),
    page("interventions:intervention_end", TEAM, intervention),
    write("interventions:intervention_end", TEAM, intervention, END),
    write("interventions:intervention_end", OTTO, outside_intervention, END, note="a forged POST"),

    # The mentor corps (views_corps.py).
    page("interventions:corps_list", CORPS_READERS),
    page("interventions:corps_new", COACH),
    write("interventions:corps_new", COACH, pia_without_a_profile, NEW_PROFILE),
    page("interventions:corps_profile", CORPS_READERS | allowed("mads"), mads_profile,
         note="a mentor opens their own entry"),
    page("interventions:corps_profile", CORPS_READERS | allowed("otto"), otto_profile,
         note="and not another mentor's"),
    page("interventions:corps_edit", COACH, otto_profile),
    write("interventions:corps_edit", COACH, otto_profile_to_edit, EDIT_PROFILE),
    page("interventions:supervision_add", COACH, otto_profile),
    write("interventions:supervision_add", COACH, otto_profile, SUPERVISION),
    page("interventions:pairing_add", COACH, otto_profile),
    write("interventions:pairing_add", COACH, otto_profile_to_pair, PAIRING),

    # Lending between municipalities (views_lending.py).
    page("interventions:lending_list", CORPS_READERS, note="each sees their own municipality's requests"),
    page("interventions:hours_report", CORPS_READERS),
    page("interventions:lending_new", BORROWER, case, note="the case lead of the borrowing municipality"),
    page("interventions:lending_new", RITA, rita_case),
    write("interventions:lending_new", BORROWER, case_to_borrow_for, LENDING_NEW),
    write("interventions:lending_new", RITA, rita_case_to_borrow_for, LENDING_NEW,
          note="rita borrows for a Randers case"),
    page("interventions:lending_detail", BOTH_SIDES, sent,
         note="borrowing side carl (Aarhus), lending side rita (Randers); not morten (national centre)"),
    page("interventions:lending_detail", BOTH_SIDES, accepted),
    write("interventions:lending_offer", LENDER, sent_to_offer_otto, OFFER),
    write("interventions:lending_decline", LENDER, sent, REASON),
    write("interventions:lending_withdraw", BORROWER, sent),
    write("interventions:lending_accept", BORROWER, offered),
    write("interventions:lending_end", BOTH_SIDES, accepted, END_LENDING),
]
