"""Synthetic training for the demo, made through the same services as the pages (so every write is
audited), kept by the national centre with tina as trainer:

- the catalogue: one course of each kind (PSP course, resource-person course and its follow-up,
  awareness session, the mentor and parent-coach method training in three blocks, specialised
  training), with Danish titles;
- past runs, held, with attendance and certificates: the PSP course three months ago (per, carl,
  signe and external participants), the resource-person course about five months ago (rikke and
  resource persons of other institutions; so her follow-up falls due within the next month), the
  method training ten months ago (mads and otto); in each, one external participant missed a day
  and did not complete;
- upcoming runs, planned: the follow-up, an awareness session at the demo prison and a
  specialised day on right-wing extremism online, with some enrolments.

Everything here is invented; the external participants' names are synthetic. It needs `manage.py
demo` first. Idempotent: a course is found by its title; a course that has runs gets no more.
"""

from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from infohus.accounts.models import Organisation, User
from infohus.training.demo_evaluation import add_demo_evaluation
from infohus.training.models import Course, CourseKind, CourseRun, Enrolment, UnitKind
from infohus.training.services import courses as course_services
from infohus.training.services import runs as services

K = Organisation.Kind


class DemoNotReady(Exception):
    """Something the demo training builds on is missing; the message says what to run."""


@dataclass(frozen=True)
class DemoCourse:
    kind: str
    title: str
    units: int
    unit_kind: str
    duration: str
    description: str


COURSES = (
    DemoCourse(CourseKind.PSP, "PSP-kursus for nøglepersoner i politi, socialforvaltning og psykiatri", 2,
               UnitKind.DAY, "2 dage",
               "Et skræddersyet todageskursus for nøglepersoner i PSP-samarbejdet: tegn på bekymring hos personer "
               "med en psykiatrisk diagnose, deling af oplysninger efter retsplejelovens § 115 og "
               "samarbejdet med Infohuset."),
    DemoCourse(CourseKind.RESOURCE_PERSON, "Ressourcepersonkursus i fængsler og frivilligt", 3, UnitKind.DAY,
               "2–5 dage",
               "Grunduddannelsen for institutionernes ressourcepersoner: radikalisering i fængslerne, den lokale "
               "tværfaglige vurdering af en bekymring og vejen videre til den nationale sikkerhedsenhed."),
    DemoCourse(CourseKind.RESOURCE_PERSON_FOLLOW_UP, "Opfølgning for ressourcepersoner", 1, UnitKind.DAY,
               "1–2 dage, to gange om året",
               "Opfølgningen hvert halve år: nye tendenser, erfaringer fra institutionerne og sager til fælles "
               "drøftelse."),
    DemoCourse(CourseKind.AWARENESS, "Oplæg om radikalisering på personalemødet", 1, UnitKind.SESSION,
               "1,5 time",
               "Et kort oplæg for hele personalegruppen om at se og dele en bekymring, holdt af "
               "institutionens ressourceperson eller en underviser fra centret."),
    DemoCourse(CourseKind.MENTOR_METHOD, "Metodeuddannelse for mentorer og forældrecoaches", 3, UnitKind.BLOCK,
               "6 dage i tre blokke à to dage",
               "Korpsets metode: livsmestring med kompetencehjulet, den løsningsfokuserede tilgang og den "
               "balancerede risikovurdering. Tre blokke med opgaver imellem."),
    DemoCourse(CourseKind.SPECIALISED, "Højreekstremisme online: tegn og tendenser", 1, UnitKind.DAY, "1 dag",
               "En temadag om højreekstreme miljøer online, deres sprog og symboler, og om samtalen med en ung, "
               "der deler den slags indhold."),
)


@dataclass(frozen=True)
class External:
    name: str
    organisation: str
    kind: str
    email: str = ""


@dataclass(frozen=True)
class DemoRun:
    kind: str
    start_in_days: int  # negative: in the past
    length_days: int
    place: str
    capacity: int
    cost: Decimal
    cost_note: str
    users: tuple[str, ...] = ()
    externals: tuple[External, ...] = ()
    # Past runs: the (external) participant who missed a unit, and which unit.
    missed: tuple[str, int] | None = None
    unit_offsets: tuple[int, ...] | None = None  # days from the start of each unit; None for the defaults


RUNS = (
    DemoRun(CourseKind.PSP, -91, 2, "Østjyllands Politi, Ridderstræde, Aarhus", 24, Decimal("38500"),
            "Lokale, forplejning og to undervisere", users=("per", "carl", "signe"),
            externals=(External("Mette Holm", "Region Midtjylland, Distriktspsykiatrien Randers (demo)", K.PSYCHIATRY),
                       External("Ali Demir", "Randers Kommune, Socialforvaltningen (demo)", K.MUNICIPALITY,
                                "ali.demir@example.org"),
                       External("Henrik Bach", "Midt- og Vestjyllands Politi (demo)", K.POLICE_DISTRICT)),
            missed=("Henrik Bach", 2)),
    DemoRun(CourseKind.RESOURCE_PERSON, -152, 3, "Kriminalforsorgens Uddannelsescenter, Birkerød", 20,
            Decimal("52000"), "Internat, forplejning og undervisere", users=("rikke",),
            externals=(External("Lone Vestergaard", "Statsfængslet i Nyborg (demo)", K.PRISON_PROBATION),
                       External("Jonas Kirk", "Arresthuset i Horsens (demo)", K.PRISON_PROBATION),
                       External("Fatima Yilmaz", "Kriminalforsorgen Nordjylland, frivillig (demo)",
                                K.PRISON_PROBATION, "fatima.yilmaz@example.org"),
                       External("Peter Dahl", "Statsfængslet på Søbysøgård (demo)", K.PRISON_PROBATION)),
            missed=("Peter Dahl", 3)),
    DemoRun(CourseKind.MENTOR_METHOD, -300, 30, "Nationalt Center for Forebyggelse af Ekstremisme, København", 16,
            Decimal("96000"), "Tre blokke med forplejning og undervisere", users=("mads", "otto"),
            externals=(External("Camilla Friis", "Vejle Kommune (demo)", K.MUNICIPALITY),
                       External("Bo Lindberg", "Horsens Kommune (demo)", K.MUNICIPALITY)),
            missed=("Bo Lindberg", 2), unit_offsets=(0, 14, 28)),
    DemoRun(CourseKind.RESOURCE_PERSON_FOLLOW_UP, 24, 1, "Kriminalforsorgens Uddannelsescenter, Birkerød", 20,
            Decimal("14500"), "Lokale og forplejning",
            externals=(External("Lone Vestergaard", "Statsfængslet i Nyborg (demo)", K.PRISON_PROBATION),
                       External("Jonas Kirk", "Arresthuset i Horsens (demo)", K.PRISON_PROBATION))),
    DemoRun(CourseKind.AWARENESS, 15, 1, "Statsfængslet Østjylland, personalemødet", 40, Decimal("0"), "",
            externals=(External("Sara Nørgaard", "Statsfængslet Østjylland (demo)", K.PRISON_PROBATION),
                       External("Nadia Hansen", "Statsfængslet Østjylland (demo)", K.PRISON_PROBATION))),
    DemoRun(CourseKind.SPECIALISED, 60, 1, "Aarhus Rådhus", 30, Decimal("15000"), "Lokale og ekstern oplægsholder",
            users=("carl", "mads")),
)

USERNAMES = ("tina", "per", "carl", "signe", "rikke", "mads", "otto")


@dataclass
class Made:
    courses: int = 0
    runs: int = 0
    enrolments: int = 0
    certificates: int = 0
    evaluated: list[int] = field(default_factory=list)

    @property
    def total(self) -> int:
        return self.courses + self.runs + self.enrolments


def _centre() -> Organisation:
    centre = Organisation.objects.filter(kind=K.NATIONAL_CENTRE, is_active=True).order_by("pk").first()
    if centre is None:
        raise DemoNotReady("The demo organisations are missing: run `manage.py demo` first.")
    return centre


def _catalogue(centre: Organisation, tina: User, made: Made) -> dict[str, Course]:
    courses: dict[str, Course] = {}
    for c in COURSES:
        existing = Course.objects.filter(organisation=centre, title=c.title).first()
        if existing is None:
            existing = course_services.create_course(actor=tina, organisation=centre, data=course_services.CourseData(
                kind=c.kind, title=c.title, units=c.units, unit_kind=c.unit_kind, duration=c.duration,
                description=c.description))
            made.courses += 1
        courses[c.kind] = existing
    return courses


def _run(spec: DemoRun, course: Course, users: dict[str, User], today: date, made: Made) -> None:
    tina = users["tina"]
    start = today + timedelta(days=spec.start_in_days)
    end = start + timedelta(days=spec.length_days - 1)
    dates = tuple(start + timedelta(days=d) for d in spec.unit_offsets) if spec.unit_offsets else None
    run = services.create_run(actor=tina, course=course, data=services.RunData(
        starts_on=start, ends_on=end, capacity=spec.capacity, cost=spec.cost, place=spec.place,
        cost_note=spec.cost_note, trainers=(tina,), unit_dates=dates))
    made.runs += 1
    enrolments: list[Enrolment] = []
    for username in spec.users:
        enrolments.append(services.enrol_user(actor=tina, run=run, user=users[username]))
    for person in spec.externals:
        enrolments.append(services.enrol_external(actor=tina, run=run, person=services.ExternalParticipant(
            name=person.name, organisation_name=person.organisation, organisation_kind=person.kind,
            email=person.email)))
    made.enrolments += len(enrolments)
    if end >= today:
        return
    if course.kind == CourseKind.PSP:
        # Answers before and after must be in before the run is completed (held).
        add_demo_evaluation(run, trainer=tina)
        made.evaluated.append(run.pk)
    units = list(run.units.order_by("number"))
    missed_name, missed_unit = spec.missed or ("", 0)
    present = {(e.pk, u.pk) for e in enrolments for u in units if not (e.name == missed_name
                                                                       and u.number == missed_unit)}
    services.record_attendance(actor=tina, run=run, enrolment_ids=[e.pk for e in enrolments], present=present)
    made.certificates += len(services.complete_run(actor=tina, run=run).completed)


@transaction.atomic
def create_demo_training() -> Made:
    """Idempotent: each course is made only when missing, and runs only for a course without any."""
    centre = _centre()
    users = {u.username: u for u in User.objects.filter(username__in=USERNAMES)}
    if len(users) != len(USERNAMES):
        raise DemoNotReady("The demo people are missing: run `manage.py demo` first.")
    made = Made()
    courses = _catalogue(centre, users["tina"], made)
    today = timezone.localdate()
    fresh = {kind for kind, course in courses.items() if not CourseRun.objects.filter(course=course).exists()}
    for spec in RUNS:
        if spec.kind in fresh:
            _run(spec, courses[spec.kind], users, today, made)
    return made
