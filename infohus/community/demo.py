"""Synthetic community work of Aarhus for the demo, made through the same services as the pages (so
every write is audited), by kamal, the community coordinator:

- three partners (a cultural society, a mosque association, a football club), each with a contact
  person who consented to us holding their details;
- a dialogue meeting held a month ago with all three, the authorities that took part, what was
  agreed, two topics and three follow-ups: one overdue, one open, one done;
- an upcoming dialogue meeting in two weeks, with a topic on its agenda;
- two outreach events (a presentation at a school, a workshop for parents) with their
  evaluations.

Everything here is invented: the names of the partners and the people do not exist. It needs
`manage.py demo` first (the demo organisations and people). Dates are relative to today.
"""

from dataclasses import dataclass
from datetime import date, timedelta

from django.db import transaction
from django.utils import timezone

from infohus.accounts.models import Organisation, User
from infohus.accounts.people import ORGANISATIONS
from infohus.community.models import DialogueMeeting, OutreachEvent, Partner, PartnerKind
from infohus.community.services import dialogue as dialogue_services
from infohus.community.services import partners as partner_services
from infohus.community.services.partners import ConsentHow

# The first partner's name marks the demo as made.
PARTNERS = (
    ("Kulturforeningen Solsikken (demo)", PartnerKind.CULTURAL_SOCIETY, "Gellerup",
     "Fælles ungdomsaftener og dialog om unges trivsel i området.",
     ("Karim Eksempel", "Formand", "+45 20 00 10 01", "formand@solsikken.example", ConsentHow.IN_WRITING)),
    ("Moskéforeningen Nordlys (demo)", PartnerKind.MOSQUE, "Aarhus V",
     "Dialog med bestyrelsen og imamen om unge, der søger svar på nettet.",
     ("Yusuf Prøvesen", "Bestyrelsesmedlem", "+45 20 00 10 02", "", ConsentHow.ORALLY)),
    ("Boldklubben Lindelund (demo)", PartnerKind.SPORTS_CLUB, "Hasle",
     "Trænere, der opdager unge i mistrivsel, ved hvem de kan ringe til.",
     ("Mette Eksempelsen", "Ungdomstræner", "", "ungdom@lindelund.example", ConsentHow.BY_EMAIL)),
)


class DemoNotReady(Exception):
    """Something the demo community builds on is missing; the message says what to run."""


@dataclass(frozen=True)
class Made:
    partners: int = 0
    contacts: int = 0
    meetings: int = 0
    topics: int = 0
    follow_ups: int = 0
    events: int = 0

    @property
    def total(self) -> int:
        return self.partners + self.contacts + self.meetings + self.topics + self.follow_ups + self.events


def _ready() -> tuple[User, Organisation]:
    kamal = User.objects.filter(username="kamal").first()
    aarhus = Organisation.objects.filter(name__startswith="Aarhus", kind=Organisation.Kind.MUNICIPALITY).first()
    if kamal is None or aarhus is None:
        raise DemoNotReady("The demo people are missing: run `manage.py demo` first.")
    return kamal, aarhus


def _partners(kamal: User, aarhus: Organisation, today: date) -> list[Partner]:
    made = []
    for name, kind, area, description, (person, role, phone, email, how) in PARTNERS:
        partner = partner_services.create_partner(
            actor=kamal, organisation=aarhus,
            data=partner_services.PartnerData(name=name, kind=kind, area=area, description=description))
        partner_services.add_contact(actor=kamal, partner=partner, data=partner_services.ContactData(
            name=person, role_at_partner=role, phone=phone, email=email,
            consent_given_on=today - timedelta(days=90), consent_how=how))
        made.append(partner)
    return made


def _authorities() -> tuple[Organisation, ...]:
    """The municipality and the police district's Info house took part."""
    names = [o.name for o in ORGANISATIONS if o.key in ("aarhus", "infohouse")]
    return tuple(Organisation.objects.filter(is_active=True, name__in=names).order_by("name"))


def _held_meeting(kamal: User, aarhus: Organisation, partners: list[Partner], today: date) -> tuple[int, int]:
    held_on = today - timedelta(days=30)
    meeting = dialogue_services.create_meeting(actor=kamal, organisation=aarhus, data=dialogue_services.MeetingData(
        held_on=held_on, place="Kulturforeningen Solsikkens lokaler, Gellerup", partners=tuple(partners),
        community_participants="Formanden og to bestyrelsesmedlemmer fra Solsikken, en repræsentant for "
                               "moskéforeningens bestyrelse og to ungdomstrænere fra Lindelund.",
        authorities=_authorities(), other_authorities="SSP-konsulent fra skoleområdet",
        status=DialogueMeeting.Status.HELD,
        agreed="Der holdes en fælles ungdomsaften hver anden fredag fra næste måned. Trænerne får en kort "
               "oplæring i, hvem de kan ringe til, hvis de er bekymrede for en ung. Næste møde om to uger."))
    dialogue_services.add_topic(actor=kamal, meeting=meeting, title="Unges mødesteder om aftenen",
                                notes="Flere unge savner et trygt sted at være om aftenen i weekenden.")
    dialogue_services.add_topic(actor=kamal, meeting=meeting, title="Rygter og videoer, der deles blandt unge",
                                notes="Hvordan taler vi med unge om det, de ser på nettet?")
    overdue = dialogue_services.add_follow_up(actor=kamal, meeting=meeting, what="Send referat til alle deltagere",
                                              owner=kamal, due_on=held_on + timedelta(days=20))
    dialogue_services.add_follow_up(actor=kamal, meeting=meeting, what="Find lokaler til ungdomsaftenerne",
                                    owner_name="Formanden for Solsikken", due_on=today + timedelta(days=20))
    done = dialogue_services.add_follow_up(actor=kamal, meeting=meeting, what="Aftale oplæring af trænerne",
                                           owner=kamal, due_on=held_on + timedelta(days=7))
    dialogue_services.mark_follow_up_done(actor=kamal, follow_up=done, done_on=held_on + timedelta(days=5))
    assert overdue.due_on < today  # the overdue one the follow-up list shows first
    return 2, 3


def _upcoming_meeting(kamal: User, aarhus: Organisation, partners: list[Partner], today: date) -> int:
    meeting = dialogue_services.plan_meeting(actor=kamal, organisation=aarhus, held_on=today + timedelta(days=14),
                                             place="Moskéforeningen Nordlys, mødelokalet", partners=partners[:2])
    dialogue_services.add_topic(actor=kamal, meeting=meeting, title="Status på ungdomsaftenerne")
    return 1


EVENTS = (
    (45, OutreachEvent.Kind.PRESENTATION, OutreachEvent.Audience.SCHOOL, "Oplæg om ekstremisme og fællesskaber",
     "Skovbakke Skole, 8. og 9. årgang", 62, {"1": 2, "2": 4, "3": 12, "4": 21, "5": 13},
     "Eleverne satte pris på eksemplerne fra deres egen hverdag; flere ønskede mere tid til spørgsmål."),
    (20, OutreachEvent.Kind.WORKSHOP, OutreachEvent.Audience.PARENTS, "Forældreværksted: når dit barn søger svar "
     "på nettet", "Gellerup Bibliotek", 18, {"2": 1, "3": 3, "4": 7, "5": 5},
     "Forældrene ønskede et opfølgende værksted og materiale på flere sprog."),
)


def _events(kamal: User, aarhus: Organisation, today: date) -> int:
    for days_ago, kind, audience, title, place, attendees, counts, summary in EVENTS:
        dialogue_services.create_event(actor=kamal, organisation=aarhus, data=dialogue_services.EventData(
            held_on=today - timedelta(days=days_ago), kind=kind, audience=audience, title=title, place=place,
            attendees=attendees, evaluation_counts=counts, evaluation_summary=summary))
    return len(EVENTS)


@transaction.atomic
def create_demo_community() -> Made:
    """Idempotent: made once (the first demo partner marks it). Returns how many rows were made."""
    kamal, aarhus = _ready()
    if Partner.objects.filter(organisation=aarhus, name=PARTNERS[0][0]).exists():
        return Made()
    today = timezone.localdate()
    partners = _partners(kamal, aarhus, today)
    topics, follow_ups = _held_meeting(kamal, aarhus, partners, today)
    topics += _upcoming_meeting(kamal, aarhus, partners, today)
    events = _events(kamal, aarhus, today)
    return Made(partners=len(partners), contacts=len(partners), meetings=2, topics=topics, follow_ups=follow_ups,
                events=events)
