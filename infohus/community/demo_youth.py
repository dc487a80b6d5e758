"""Synthetic youth work for the demo, made through the same services as the pages (so every write
is audited): an Aarhus cohort of the prevention programme with six modules (four held so far),
eight young participants (four under 18, with a parent's or guardian's consent; one who has left),
their attendance at the held modules, goals in their own words with progress over time, and two
ambassadors who have completed the programme: one linked to yasmin's account, with activities, a
new report waiting in kamal's inbox and an older one closed with a reply.

Everything here is invented. It needs `manage.py demo` (the named people) first; it is called by
the community demo command and does nothing when the demo cohort is already there.
"""

from dataclasses import dataclass
from datetime import date, timedelta

from django.db import transaction
from django.utils import timezone

from infohus.accounts.models import Organisation, User
from infohus.accounts.people import ORGANISATIONS
from infohus.community.demo import DemoNotReady
from infohus.community.models import (
    AmbassadorActivity,
    AmbassadorModule,
    CohortModule,
    PeerReport,
    Progress,
    YouthCohort,
    YouthParticipant,
)
from infohus.community.services import ambassadors as ambassador_services
from infohus.community.services import cohorts as services
from infohus.community.services import reports as report_services

DEMO_COHORT = "Gellerup, forår (demo)"
PROGRAMME = "CoCoRa — forebyggelsesprogram for unge"
MODULES = ("Hvem er jeg, og hvor hører jeg til?", "Fællesskaber og foreninger", "Demokrati i hverdagen",
           "Konflikter og dialog", "Mit lokalområde", "Min plan videre")


@dataclass(frozen=True)
class DemoYoung:
    first_name: str
    last_name: str
    age: int  # on the day of consent
    parent_name: str = ""  # the parent or guardian who consented (under 18)
    left_days_ago: int | None = None


YOUNG = (
    DemoYoung("Yasmin", "Bakkegaard", 19),
    DemoYoung("Ali", "Demir", 16, "Fatma Demir"),
    DemoYoung("Sara", "Lindholm", 17, "Henrik Lindholm"),
    DemoYoung("Omar", "Hassan", 18),
    DemoYoung("Nadia", "Yusuf", 15, "Amina Yusuf"),
    DemoYoung("Jonas", "Bergholt", 20),
    DemoYoung("Leyla", "Aydin", 17, "Murat Aydin"),
    DemoYoung("Mikkel", "Sandgaard", 19, left_days_ago=30),
)

# (participant's first name, goal in their words, [(days after the cohort started, progress, note)])
GOALS: tuple[tuple[str, str, list[tuple[int, Progress, str]]], ...] = (
    ("Ali", "Jeg vil starte til fodbold i den lokale klub.", [
        (20, Progress.NOT_STARTED, "Vil gerne, men kender ingen på holdet."),
        (50, Progress.STARTED, "Har været til prøvetræning to gange."),
        (85, Progress.GOOD_PROGRESS, "Træner fast om tirsdagen.")]),
    ("Sara", "Jeg vil være med i elevrådet på min skole.", [
        (25, Progress.STARTED, "Har talt med en lærer om valget."),
        (70, Progress.REACHED, "Valgt til elevrådet.")]),
    ("Nadia", "Jeg vil lære at sige min mening i en gruppe.", [
        (30, Progress.NOT_STARTED, ""),
        (80, Progress.STARTED, "Fremlagde for holdet i modul 4.")]),
    ("Jonas", "Jeg vil finde et fritidsjob.", [
        (15, Progress.STARTED, "Har skrevet et CV."),
        (60, Progress.GOOD_PROGRESS, "To samtaler i supermarkeder.")]),
    ("Jonas", "Jeg vil hjælpe til i ungdomsklubben.", []),
)

ACTIVITIES = (  # (days ago, kind, people reached, note without names)
    (40, AmbassadorActivity.Kind.PEER_CONVERSATION, 1, "Snak om at føle sig udenfor i skolen."),
    (25, AmbassadorActivity.Kind.PRESENTATION, 24, "Fortalte om programmet i en 9. klasse."),
    (10, AmbassadorActivity.Kind.EVENT, 40, "Fællesspisning i klubben med forældre."),
)


def _birth_date(consent_on: date, age: int) -> date:
    """A birthday about 200 days before the consent date, so the age on that day is `age`."""
    day = consent_on - timedelta(days=200)
    return date(day.year - age, day.month, min(day.day, 28))


def _organisation(key: str) -> Organisation:
    name = next(org.name for org in ORGANISATIONS if org.key == key)
    organisation = Organisation.objects.filter(name=name).first()
    if organisation is None:
        raise DemoNotReady(f"The demo organisation {name!r} is missing: run `manage.py demo` first.")
    return organisation


def _user(username: str) -> User:
    user = User.objects.filter(username=username).first()
    if user is None:
        raise DemoNotReady(f"The demo person {username!r} is missing: run `manage.py demo` first.")
    return user


@transaction.atomic
def create_demo_youth() -> int:
    """Make the demo cohort and the ambassador programme around it; the number of records made (0
    when the demo cohort is already there)."""
    aarhus = _organisation("aarhus")
    if YouthCohort.objects.filter(organisation=aarhus, name=DEMO_COHORT).exists():
        return 0
    kamal, yasmin = _user("kamal"), _user("yasmin")
    today = timezone.localdate()
    starts_on = today - timedelta(days=100)
    made = 0

    cohort = services.create_cohort(actor=kamal, organisation=aarhus, data=services.CohortData(
        programme=PROGRAMME, name=DEMO_COHORT, starts_on=starts_on, ends_on=today + timedelta(days=80),
        place="Globus1, Gellerup"))
    modules = [services.add_module(actor=kamal, cohort=cohort, number=n, title=title,
                                   held_on=starts_on + timedelta(days=7 + 21 * (n - 1)))
               for n, title in enumerate(MODULES, start=1)]
    made += 1 + len(modules)

    consent_on = starts_on - timedelta(days=5)
    participants: dict[str, YouthParticipant] = {}
    for young in YOUNG:
        under_18 = young.age < services.ADULT_AGE
        data = services.ParticipantData(
            first_name=young.first_name, last_name=young.last_name,
            birth_date=_birth_date(consent_on, young.age), joined_on=starts_on, consent_given_on=consent_on,
            consent_by=YouthParticipant.ConsentBy.PARENT if under_18 else YouthParticipant.ConsentBy.SELF,
            parent_name=young.parent_name,
            left_on=today - timedelta(days=young.left_days_ago) if young.left_days_ago is not None else None)
        participants[young.first_name] = services.add_participant(actor=kamal, cohort=cohort, data=data)
    made += len(participants)

    made += _attendance(kamal, cohort, modules, list(participants.values()), today)
    made += _goals(kamal, participants, starts_on)
    made += _ambassadors(kamal, yasmin, participants, today)
    return made


def _attendance(kamal: User, cohort: YouthCohort, modules: list[CohortModule],
                participants: list[YouthParticipant], today: date) -> int:
    held = [m for m in modules if m.held_on is not None and m.held_on <= today]
    cells = {(p.pk, m.pk) for p in participants for m in held
             if not services.attendance_refusal(p, m)}
    # Most came to most modules; a few absences, spread without a pattern that means anything.
    present = {(p, m) for p, m in cells if (p * 7 + m * 3) % 5 != 0}
    return services.record_attendance(actor=kamal, cohort=cohort, cells=cells, present=present)


def _goals(kamal: User, participants: dict[str, YouthParticipant], starts_on: date) -> int:
    made = 0
    for first_name, text, notes in GOALS:
        participant = participants[first_name]
        goal = services.add_goal(actor=kamal, participant=participant, text=text,
                                 set_on=starts_on + timedelta(days=10))
        made += 1
        for days, progress, note in notes:
            services.add_progress(actor=kamal, goal=goal, noted_on=starts_on + timedelta(days=days),
                                  progress=progress, note=note)
            made += 1
    return made


def _ambassadors(kamal: User, yasmin: User, participants: dict[str, YouthParticipant], today: date) -> int:
    made = 0
    linkable = ambassador_services.ambassador_accounts(participants["Yasmin"].cohort.organisation_id)
    for first_name, account in (("Yasmin", yasmin), ("Omar", None)):
        user = account if account is not None and linkable.filter(pk=account.pk).exists() else None
        ambassador = ambassador_services.start_ambassador(actor=kamal, participant=participants[first_name],
                                                          started_on=today - timedelta(days=80), user=user)
        for i, module in enumerate(AmbassadorModule):
            ambassador_services.record_module_done(actor=kamal, ambassador=ambassador, module=module.value,
                                                   completed_on=today - timedelta(days=75 - 5 * i))
        ambassador = ambassador_services.mark_ready(actor=kamal, ambassador=ambassador, version=ambassador.version,
                                                    ready_on=today - timedelta(days=45))
        made += 2 + len(AmbassadorModule)
        for days_ago, kind, reached, note in ACTIVITIES[: 3 if user is not None else 2]:
            ambassador_services.log_activity(actor=user or kamal, ambassador=ambassador, kind=kind,
                                             held_on=today - timedelta(days=days_ago), people_reached=reached,
                                             note=note)
            made += 1
        if user is not None:
            old = report_services.submit_report(
                actor=user, ambassador=ambassador, kind=PeerReport.Kind.NEED,
                text="Flere fra holdet vil gerne have lektiehjælp, men biblioteket er fyldt om eftermiddagen.")
            report_services.close_report(actor=kamal, report=old, version=old.version, reply=(
                "Tak for det. Vi har talt med biblioteket, som åbner et ekstra lokale til lektiehjælp om "
                "tirsdagen fra næste måned."))
            report_services.submit_report(
                actor=user, ambassador=ambassador, kind=PeerReport.Kind.NEED,
                text="Mange på holdet savner et sted at mødes om aftenen, efter klubben lukker kl. 21.")
            made += 2
    return made
