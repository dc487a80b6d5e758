"""Synthetic assessments for the demo, recorded through the same services as the pages (so every
start, save and signature is audited): on the demo desk's case, three signed Balanced Risk
Assessments over three months, two life-skills wheels, one three-houses exercise and one draft;
on the concern waiting for the Info house, an Info-house analysis. Everything here is invented.

It needs the shipped instruments (`manage.py load_instruments`) and the demo desk
(`manage.py demo_desk`).
"""

from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from django.db import transaction
from django.utils import timezone

from infohus.accounts.models import User
from infohus.assessments.models import Assessment, InstrumentVersion
from infohus.assessments.selectors.access import (
    OPEN_FOR_TRIAGE,
    Holder,
    assessment_for_user,
    holder_for_case,
    holder_for_concern,
)
from infohus.assessments.services import recording
from infohus.cases.demo import MARKER
from infohus.cases.models import Case, Concern

PURPOSE = "demo data"

RISK = "balanced-risk-assessment"
WHEEL = "life-skills-wheel"
HOUSES = "three-houses"
ANALYSIS = "infohouse-analysis"


class DemoNotReady(Exception):
    """Something the demo assessments build on is missing; the message says what to run."""


@dataclass(frozen=True)
class Made:
    on_case: int
    at_triage: int

    @property
    def total(self) -> int:
        return self.on_case + self.at_triage


# --- what the assessments say (synthetic, in Danish) ------------------------------------------------

def _risk(days_ago: int, scale: dict[str, int], *, harm: list[str], complicating: list[str], strengths: list[str],
          safety: list[str], goals: list[str], next_steps: list[str], note: str) -> tuple[str, int, dict[str, Any]]:
    return RISK, days_ago, {"harm": harm, "complicating": complicating, "strengths": strengths, "safety": safety,
                            "goals": goals, "next-steps": next_steps, "scale": scale, "scale-note": note}


RISK_ASSESSMENTS = [
    _risk(
        84, {"person": 6, "parent": 3, "mentor": 4, "case_worker": 4},
        harm=["Hun er flere gange om ugen sammen med en gruppe, som politiet kender for hadforbrydelser.",
              "Hun har delt nedsættende opslag om en religiøs minoritet på sociale medier."],
        complicating=["Hun skiftede skole sidste år og har få venner i den nye klasse.",
                      "Forældrene er gået fra hinanden, og hun bor skiftevis hos dem."],
        strengths=["Hun har et tæt forhold til sin mor og fortæller hende meget.",
                   "Hun spiller håndbold og er glad for sin træner."],
        safety=["Moren taler med klasselæreren hver uge.", "Hun har selv sagt ja til at få en mentor."],
        goals=["Hun møder sin mentor hver uge de næste otte uger.",
               "Hun går til håndboldtræning mindst to gange om ugen frem til næste vurdering."],
        next_steps=["Mads aftaler det første møde med hende og moren inden for en uge (Mads).",
                    "Carl taler med skolen om en plan for frikvartererne inden for to uger (Carl)."],
        note="Moren vælger 3, fordi hun stadig ser datteren sammen med gruppen; datteren vælger 6 og synes ikke, "
             "det er så slemt. Et trin op: at hun holder de faste aftaler med mentoren.",
    ),
    _risk(
        42, {"person": 7, "parent": 5, "mentor": 5, "case_worker": 5},
        harm=["Hun ses stadig med gruppen, men sjældnere end før.",
              "Hun har ikke delt nedsættende opslag den seneste måned."],
        complicating=["Et par af de ældre i gruppen kontakter hende fortsat over beskeder."],
        strengths=["Hun er mødt op til alle møder med mentoren.",
                   "Hun har fået en veninde i klassen, som hun laver lektier med."],
        safety=["Moren og faren har aftalt faste regler for aftenerne i begge hjem.",
                "Hun ved, hvem hun kan ringe til, hvis hun bliver presset."],
        goals=["Hun siger selv fra over for beskederne fra gruppen og fortæller mentoren om dem.",
               "Hun deltager i en håndboldturnering i næste måned."],
        next_steps=["Mads og hun øver, hvordan hun kan sige nej (Mads, ved de næste tre møder).",
                    "Carl holder et møde med begge forældre (Carl, inden for tre uger)."],
        note="Alle fire ser en bedring siden sidst. Moren svarede som forælder; faren deltog ikke. Et trin op: "
             "at hun selv fortæller om beskederne fra gruppen.",
    ),
    _risk(
        5, {"person": 8, "parent": 6, "mentor": 7, "case_worker": 6},
        harm=["Hun har ikke været sammen med gruppen de seneste fem uger, så vidt vi ved."],
        complicating=["Sommerferien nærmer sig, og så er der ingen træning i seks uger."],
        strengths=["Hun var med til turneringen og fik ros af træneren.",
                   "Hun taler selv om, hvad gruppen ville have hende til."],
        safety=["Hun har slettet de fleste kontakter fra gruppen.",
                "Moren og mentoren har en fast aftale om kontakt i ferien."],
        goals=["Hun har en plan for sommerferien med mindst to faste aktiviteter om ugen.",
               "Hun fortsætter med mentoren hver anden uge efter sommerferien."],
        next_steps=["Mads laver ferieplanen sammen med hende (Mads, inden for to uger).",
                    "Carl undersøger en sommerlejr i kommunens fritidstilbud (Carl, inden for en uge)."],
        note="Hun sætter sig selv højest; moren er stadig forsigtig, men mere tryg. Et trin op for moren: at "
             "sommerferien går uden kontakt til gruppen.",
    ),
]

_AREAS = ("health-and-body", "feelings", "relationships", "family", "education-work", "money-housing", "leisure",
          "values-identity", "society", "coping")


def _wheel(days_ago: int, ratings: dict[str, tuple[int, str]]) -> tuple[str, int, dict[str, Any]]:
    answers: dict[str, Any] = {}
    for area in _AREAS:
        value, note = ratings[area]
        answers[area] = value
        answers[f"{area}-note"] = note
    return WHEEL, days_ago, answers


WHEELS = [
    _wheel(70, {
        "health-and-body": (6, "Sover dårligt i perioder."),
        "feelings": (4, "Bliver hurtigt vred, når hun føler sig overset."),
        "relationships": (3, "Få venner i klassen."),
        "family": (5, "Tæt på moren, mindre kontakt med faren."),
        "education-work": (5, "Fravær i morgentimerne."),
        "money-housing": (7, "Bor skiftevis hos forældrene."),
        "leisure": (6, "Håndbold to gange om ugen."),
        "values-identity": (4, "Usikker på, hvad hun selv mener."),
        "society": (3, "Mistillid til skolen og kommunen."),
        "coping": (4, "Trækker sig, når det bliver svært."),
    }),
    _wheel(14, {
        "health-and-body": (7, "Sover bedre efter faste aftener."),
        "feelings": (6, "Taler om det, når hun bliver vred."),
        "relationships": (6, "En ny veninde i klassen."),
        "family": (6, "Har været på weekend hos faren."),
        "education-work": (6, "Mindre fravær."),
        "money-housing": (7, "Uændret."),
        "leisure": (8, "Var med til turneringen."),
        "values-identity": (6, "Kan sige, hvad hun ikke vil være med til."),
        "society": (5, "Har haft et godt møde på rådhuset."),
        "coping": (6, "Ringer til mentoren, når hun er presset."),
    }),
]

THREE_HOUSES = (HOUSES, 60, {
    "worries": ["At de andre fra gruppen bliver sure på mig.", "At mor og far skændes om mig."],
    "good-things": ["Håndbold og min træner.", "At jeg kan snakke med mor.", "Min kat."],
    "dreams": ["At blive fysioterapeut.", "At rejse til Italien med min veninde."],
    "taken-with": "Mads (mentor), hjemme hos moren",
})

DRAFT = (RISK, 1, {
    "harm": ["Intet nyt om gruppen siden sidste vurdering."],
    "strengths": ["Hun har fået fritidsjob i en bagerbutik to eftermiddage om ugen."],
})

_DIMENSIONS = ("convictions", "personality", "violence", "mental-vulnerability", "criminal-history", "family",
               "socialisation", "network-leisure", "education-employment")

_ANALYSIS_DIMENSIONS: dict[str, tuple[str, str]] = {
    "convictions": ("Roser en gerningsmand fra et angreb og viser voldelige videoer for klassekammerater.",
                    "Har ikke selv ytret ønske om at handle."),
    "personality": ("Beskrives som indadvendt og let at såre.", "Er vedholdende, når han er optaget af noget."),
    "violence": ("Taler om hævn over nogle, der har drillet ham.", "Ingen kendte episoder med vold."),
    "mental-vulnerability": ("Har trukket sig fra vennerne det seneste halve år.",
                             "Har tidligere haft god kontakt til skolens sundhedsplejerske."),
    "criminal-history": ("Ingen kendt.", "Ikke relevant."),
    "family": ("Familien har været presset af sygdom.", "Forældrene kom til forældresamtalen og er bekymrede."),
    "socialisation": ("Bruger meget tid i onlinefællesskaber, vi ikke kender.", "Har en god ven fra fodbold."),
    "network-leisure": ("Er holdt op med fodbold.", "Vil gerne tilbage til holdet."),
    "education-employment": ("Faldende karakterer i 9. klasse.", "Er dygtig til matematik og vil gerne på EUX."),
}


def _analysis() -> dict[str, Any]:
    answers: dict[str, Any] = {
        "received": "Modtaget fra skolen via SSP-konsulenten; lærerens beskrivelse er vedlagt bekymringen.",
        "description": "En elev i 9. klasse viser voldelige videoer for klassekammerater og roser en gerningsmand. "
                       "Han har trukket sig fra vennerne og taler om hævn.",
        "main-problems": "Tilbagetrækning, interesse for vold og en gerningsmand, hævntanker.",
        "main-resources": "Forældre, der vil samarbejde; interesse for fodbold og matematik; en god ven.",
        "recommendation": "En bekymringssamtale med eleven og forældrene, og et tilbud om mentor, hvis de ønsker "
                          "det. Skolen følger op på fraværet.",
        "dimensions-to-work-on": ["violence", "mental-vulnerability", "network-leisure"],
    }
    for dimension in _DIMENSIONS:
        risk, resources = _ANALYSIS_DIMENSIONS[dimension]
        answers[f"{dimension}-risk"] = risk
        answers[f"{dimension}-resources"] = resources
    return answers


# --- recording them through the services ------------------------------------------------------------

def _published(slug: str) -> InstrumentVersion:
    version = (InstrumentVersion.objects.select_related("instrument")
               .filter(instrument__slug=slug, status=InstrumentVersion.Status.PUBLISHED).order_by("-number").first())
    if version is None:
        raise DemoNotReady(f"The instrument “{slug}” is not loaded: run `manage.py load_instruments` first.")
    return version


def _record(holder: Holder, actor: User, slug: str, days_ago: int, answers: dict[str, Any], *,
            signed: bool = True) -> Assessment:
    version = _published(slug)
    on = timezone.localdate() - timedelta(days=days_ago)
    assessment = recording.start_assessment(holder=holder, actor=actor, version=version,
                                            compartment=version.instrument.default_compartment, assessed_on=on)
    access = assessment_for_user(actor, assessment.pk, purpose=PURPOSE, audit=False)
    write = recording.sign if signed else recording.save_draft
    return write(access=access, actor=actor, expected_revision=assessment.revision, raw_answers=answers,
                 assessed_on=on)


def demo_case() -> Case | None:
    """The case that the demo desk opened from its triaged concern."""
    return Case.objects.filter(opening_decision__concern__observed__startswith=MARKER).order_by("pk").first()


def demo_concern_at_triage() -> Concern | None:
    """The demo desk's concern that waits for the Info house, if it still does."""
    return (Concern.objects.filter(observed__startswith=MARKER, status__in=OPEN_FOR_TRIAGE)
            .order_by("pk").first())


def _on_case(case: Case, users: dict[str, User]) -> int:
    if Assessment.objects.filter(case=case).exists():
        return 0
    mads, carl = users["mads"], users["carl"]
    holder = holder_for_case(mads, case.pk, purpose=PURPOSE, audit=False)
    made = 0
    signed_ones: list[tuple[str, int, dict[str, Any]]] = [*RISK_ASSESSMENTS, *WHEELS, THREE_HOUSES]
    for slug, days_ago, answers in sorted(signed_ones, key=lambda item: -item[1]):
        _record(holder, mads, slug, days_ago, answers)
        made += 1
    slug, days_ago, answers = DRAFT
    _record(holder_for_case(carl, case.pk, purpose=PURPOSE, audit=False), carl, slug, days_ago, answers, signed=False)
    return made + 1


def _at_triage(concern: Concern, users: dict[str, User]) -> int:
    if Assessment.objects.filter(concern=concern).exists():
        return 0
    ida = users["ida"]
    _record(holder_for_concern(ida, concern.pk, purpose=PURPOSE, audit=False), ida, ANALYSIS, 0, _analysis())
    return 1


@transaction.atomic
def create_demo_assessments() -> Made:
    """Idempotent: a holder that has assessments already gets none. Returns how many were made."""
    case = demo_case()
    if case is None:
        raise DemoNotReady("The demo case is missing: run `manage.py demo` and `manage.py demo_desk` first.")
    for slug in (RISK, WHEEL, HOUSES, ANALYSIS):
        _published(slug)
    users = {u.username: u for u in User.objects.filter(username__in=["carl", "mads", "ida"])}
    concern = demo_concern_at_triage()
    return Made(on_case=_on_case(case, users), at_triage=_at_triage(concern, users) if concern is not None else 0)

