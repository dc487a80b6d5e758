"""A small synthetic practice desk for the demo, made through the same services as the pages:
a concern waiting at the prison, one waiting for the Info house, and one triaged into a case
with a team, notes in two compartments and a task. Every person here is invented."""

from datetime import timedelta

from django.db import transaction
from django.utils import timezone

from infohus.accounts.models import Membership, Organisation, User
from infohus.accounts.roles import Compartment, Role
from infohus.cases.models import Case, Concern, ExtremismKind
from infohus.cases.selectors.need_to_know import case_access
from infohus.cases.services import cases as case_services
from infohus.cases.services import concerns as concern_services
from infohus.cases.services import triage as triage_services

MARKER = "[demo]"
# How long ago the demo case was opened (see demo_desk_data).
DEMO_CASE_AGE_DAYS = 100


@transaction.atomic
def create_demo_desk() -> bool:
    """Idempotent: does nothing when the demo concerns exist. Returns whether it made them."""
    if Concern.objects.filter(observed__startswith=MARKER).exists():
        return False
    users = {u.username: u for u in User.objects.filter(username__in=["rasmus", "rikke", "ida", "carl", "mads"])}
    today = timezone.localdate()
    school = Membership.objects.get(user=users["rasmus"], role=Role.REPORTER).organisation
    prison = Membership.objects.get(user=users["rikke"], role=Role.RESOURCE_PERSON).organisation

    def facts(observed: str, days: int, where: str, worries: str, **extra: object) -> concern_services.ConcernFacts:
        return concern_services.ConcernFacts(observed=f"{MARKER} {observed}", observed_on=today - timedelta(days=days),
                                             observed_where=where, worries=worries, **extra)  # type: ignore[arg-type]

    # A prison officer's concern waiting for the resource person (rikke reports it for the demo).
    concern_services.submit_concern(reporter=users["rikke"], organisation=prison, facts=facts(
        "An inmate has started sharing extremist propaganda with younger inmates.", 3, "Wing B, common room",
        "He recruits others and talks about 'the coming war'.", extremism=ExtremismKind.RIGHT_WING,
        person_described="Inmate, about 25 years old"))
    # A teacher's concern waiting for the Info house.
    concern_services.submit_concern(reporter=users["rasmus"], organisation=school, facts=facts(
        "A pupil in 9th grade shows violent videos to classmates and praises an attacker.", 2, "Classroom",
        "He has withdrawn from his friends and speaks of revenge.", extremism=ExtremismKind.MIXED,
        person_described="Pupil, 15 years old"))
    # A concern that the Info house triaged into a case led by carl, with mads as mentor.
    concern = concern_services.submit_concern(reporter=users["rasmus"], organisation=school, facts=facts(
        "A pupil has been seen with a group known for hate crime.", 20, "Near the school",
        "Her parents are worried and asked the school for help.", extremism=ExtremismKind.HATE_CRIME))
    ida, carl = users["ida"], users["carl"]
    triage_services.take_into_triage(actor=ida, concern=concern)
    triage_services.create_person(actor=ida, concern=concern, first_name="Demo", last_name="Testbarn",
                                  birth_date=today.replace(year=today.year - 15, day=1))
    aarhus = Organisation.objects.get(pk=Membership.objects.get(user=carl, role=Role.CASE_WORKER,
                                                                organisation__name__startswith="Aarhus").organisation_id)
    decision = triage_services.decide(
        actor=ida, concern=Concern.objects.get(pk=concern.pk), kind="statutory_offer",
        reason="A mentor is offered; the family agrees.", decided_on=today, owner=aarhus, lead=carl)
    case = Case.objects.get(opening_decision=decision)
    # The demo's story (the assessments and the course of mentoring that later demo commands add)
    # began about three months ago; date the synthetic case back so their date rules hold.
    Case.objects.filter(pk=case.pk).update(opened_at=timezone.now() - timedelta(days=DEMO_CASE_AGE_DAYS))
    access = case_access(carl, case.pk, purpose="demo data", audit=False)
    case_services.add_note(access=access, actor=carl, compartment=Compartment.GENERAL,
                           text="First meeting with the girl and her mother went well.")
    mads = Membership.objects.get(user=users["mads"], role=Role.MENTOR)
    case_services.add_team_member(access=access, actor=carl, membership=mads,
                                  compartments={Compartment.GENERAL.value})
    ida_access = case_access(ida, case.pk, purpose="demo data", audit=False)
    case_services.add_note(access=ida_access, actor=ida, compartment=Compartment.POLICE,
                           text="The group she was seen with is known to the police district.")
    return True
