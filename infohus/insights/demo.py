"""A history of decided concerns, closed cases and ended interventions for the demo, so that
the analyst's dashboard has numbers above the suppression threshold and the retention dry run
has something to find. Every person here is synthetic ("Historisk person 0001")."""

import random
from datetime import date, datetime, timedelta

from django.db import transaction
from django.utils import timezone

from infohus.accounts.models import Organisation, User
from infohus.cases.models import Case, Concern, ExtremismKind, Person, TeamMember, TriageDecision
from infohus.interventions.models import Intervention, InterventionKind, Outcome, Session

HISTORY_SIZE = 900
MARK = "Historisk"  # first name of every history person: how the command knows it already ran

_DECISIONS = [
    (TriageDecision.Kind.NO_FURTHER_ACTION, 30), (TriageDecision.Kind.ADVICE_TO_REPORTER, 25),
    (TriageDecision.Kind.CONCERN_CONVERSATION, 20), (TriageDecision.Kind.STREET_LEVEL, 8),
    (TriageDecision.Kind.STATUTORY_OFFER, 12), (TriageDecision.Kind.POLICE_OR_SECURITY, 5),
]
_EXTREMISM = [
    (ExtremismKind.RIGHT_WING, 35), (ExtremismKind.RELIGIOUS, 30), (ExtremismKind.LEFT_WING, 8),
    (ExtremismKind.MIXED, 12), (ExtremismKind.HATE_CRIME, 6), (ExtremismKind.NOT_KNOWN, 9),
]
_CASE_OUTCOMES = [Case.Outcome.GOALS_MET, Case.Outcome.PARTLY_MET, Case.Outcome.DECLINED,
                  Case.Outcome.NO_LONGER_CONCERN, Case.Outcome.MOVED]
_INTERVENTION_OUTCOMES = [Outcome.GOALS_MET, Outcome.PARTLY_MET, Outcome.DECLINED, Outcome.NO_LONGER_NEEDED]


def _pick(rng: random.Random, weighted: list[tuple[str, int]]) -> str:
    return rng.choices([value for value, _ in weighted], weights=[w for _, w in weighted])[0]


def history_present() -> bool:
    return Person.objects.filter(first_name=MARK).exists()


@transaction.atomic
def create_history(*, size: int = HISTORY_SIZE, today: date | None = None) -> int:
    """Concerns received over the last thirty months, all decided (the oldest past the default
    retention of a concern closed without a case, so that the dry run finds some); a case for
    each statutory offer, closed unless recent, with a mentoring or parent-coaching intervention
    and its sessions.
    Returns how many concerns it made (0 when the history is already there)."""
    if history_present():
        return 0
    rng = random.Random(8)  # noqa: S311 - the same synthetic history every time, not a secret
    today = today or timezone.localdate()
    info_house = Organisation.objects.get(kind=Organisation.Kind.POLICE_DISTRICT, name__endswith="(demo)")
    municipalities = {o.name.split()[0].lower(): o for o in
                      Organisation.objects.filter(kind=Organisation.Kind.MUNICIPALITY, name__endswith="(demo)")}
    sources = list(Organisation.objects.filter(name__endswith="(demo)").exclude(
        kind__in=[Organisation.Kind.POLICE_DISTRICT, Organisation.Kind.OTHER, Organisation.Kind.NATIONAL_CENTRE]))
    users = {u.username: u for u in User.objects.filter(username__in=["ida", "carl", "rita", "mads", "otto", "pia"])}
    leads = {"aarhus": users["carl"], "odder": users["carl"], "randers": users["rita"]}
    providers = {"aarhus": users["mads"], "odder": users["pia"], "randers": users["otto"]}
    weights = {"aarhus": 6, "randers": 3, "odder": 1}
    for n in range(1, size + 1):
        key = rng.choices(list(weights), weights=list(weights.values()))[0]
        municipality = municipalities[key]
        received = today - timedelta(days=rng.randint(20, 910))
        born = date(received.year - rng.randint(14, 40), rng.randint(1, 12), rng.randint(1, 28))
        person = Person.objects.create(
            first_name=MARK, last_name=f"person {n:04d}", birth_date=born, municipality=municipality,
            gender=rng.choice([Person.Gender.MALE] * 3 + [Person.Gender.FEMALE]),
            search_name=f"historisk person {n:04d}")
        telephone = rng.random() < 0.15
        source = None if telephone else rng.choice(sources)
        concern = Concern.objects.create(
            reference=f"B-H-{n:05d}", status=Concern.Status.DECIDED,
            channel=Concern.Channel.TELEPHONE if telephone else Concern.Channel.FORM,
            reporter_organisation=source, caller_anonymous=telephone, info_house=info_house,
            observed="(synthetic history)", observed_on=received - timedelta(days=rng.randint(0, 5)),
            observed_where="(synthetic history)", worries="(synthetic history)",
            extremism=_pick(rng, _EXTREMISM), person=person)
        Concern.objects.filter(pk=concern.pk).update(
            received_at=timezone.make_aware(datetime.combine(received, datetime.min.time()))
            + timedelta(hours=rng.randint(8, 15)))
        decided = received + timedelta(days=rng.choice([3, 7, 10, 14, 14, 21, 28, 35]))
        if decided > today:
            decided = today
        kind = _pick(rng, _DECISIONS)
        case = None
        if kind == TriageDecision.Kind.STATUTORY_OFFER:
            case = _history_case(rng, n, person, municipality, leads[key], providers[key], decided, today)
        TriageDecision.objects.create(concern=concern, kind=kind, reason="(synthetic history)", decided_on=decided,
                                      decided_by=users["ida"], case=case)
    return size


def _history_case(rng: random.Random, n: int, person: Person, municipality: Organisation, lead: User,
                  provider: User, opened: date, today: date) -> Case:
    months = rng.randint(3, 14)
    closed = opened + timedelta(days=30 * months)
    is_closed = closed < today
    case = Case.objects.create(
        reference=f"S-H-{n:05d}", person=person, owner=municipality, lead=lead,
        status=Case.Status.CLOSED if is_closed else Case.Status.OPEN,
        outcome=rng.choice(_CASE_OUTCOMES) if is_closed else "",
        closure_reason="(synthetic history)" if is_closed else "",
        next_review_on=None if is_closed else today + timedelta(days=30))
    opened_at = timezone.make_aware(datetime.combine(opened, datetime.min.time()))
    Case.objects.filter(pk=case.pk).update(
        opened_at=opened_at,
        closed_at=opened_at + timedelta(days=30 * months) if is_closed else None)
    membership = lead.memberships.first()
    TeamMember.objects.create(case=case, user=lead, organisation=membership.organisation, role=membership.role)
    kind = InterventionKind.PARENT_COACHING if provider.username == "pia" else InterventionKind.MENTORING
    started = opened + timedelta(days=14)
    ended = min(closed, today) if is_closed else None
    intervention = Intervention.objects.create(
        kind=kind, case=case, organisation=municipality, provider_user=provider,
        status=Intervention.Status.ENDED if is_closed else Intervention.Status.ACTIVE,
        started_on=started, ended_on=ended, outcome=rng.choice(_INTERVENTION_OUTCOMES) if is_closed else "",
        created_by=lead)
    last = ended or today
    Session.objects.bulk_create([
        Session(intervention=intervention, held_on=day, duration_minutes=rng.choice([45, 60, 60, 90, 120]),
                logged_by=provider)
        for day in (started + timedelta(days=14 * i) for i in range(40)) if day <= last
    ])
    return case
