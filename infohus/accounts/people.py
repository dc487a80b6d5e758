"""The named, synthetic people and organisations that the demo and the tests share.

Nobody here is real. Organisation names are real public bodies, so that the demo reads like
the Danish model; everything about the people is invented.
"""

from dataclasses import dataclass

from infohus.accounts.models import Organisation
from infohus.accounts.roles import Role

K = Organisation.Kind


@dataclass(frozen=True)
class DemoOrganisation:
    key: str
    name: str
    kind: str
    municipality_code: str = ""
    parent: str = ""


@dataclass(frozen=True)
class DemoPerson:
    username: str
    first_name: str
    last_name: str
    role: Role
    organisation: str


ORGANISATIONS = (
    DemoOrganisation("centre", "Nationalt Center for Forebyggelse af Ekstremisme (demo)", K.NATIONAL_CENTRE),
    DemoOrganisation("infohouse", "Østjyllands Politi — Infohus (demo)", K.POLICE_DISTRICT),
    DemoOrganisation("aarhus", "Aarhus Kommune (demo)", K.MUNICIPALITY, "751"),
    DemoOrganisation("odder", "Odder Kommune (demo)", K.MUNICIPALITY, "727"),
    DemoOrganisation("randers", "Randers Kommune (demo)", K.MUNICIPALITY, "730"),
    DemoOrganisation("school", "Skovbakke Skole (demo)", K.SCHOOL, "751", parent="aarhus"),
    DemoOrganisation("prison", "Statsfængslet Østjylland (demo)", K.PRISON_PROBATION),
    DemoOrganisation("psychiatry", "Psykiatrien i Region Midtjylland (demo)", K.PSYCHIATRY),
    DemoOrganisation("ngo", "Foreningen Brobyggerne (demo)", K.NGO),
    DemoOrganisation("platform", "Infohus drift (demo)", K.OTHER),
)

PEOPLE = (
    DemoPerson("rasmus", "Rasmus", "Lærke", Role.REPORTER, "school"),
    DemoPerson("rikke", "Rikke", "Fenger", Role.RESOURCE_PERSON, "prison"),
    DemoPerson("ida", "Ida", "Holmsted", Role.INFOHOUSE_COORDINATOR, "infohouse"),
    DemoPerson("carl", "Carl", "Brink", Role.CASE_WORKER, "aarhus"),
    DemoPerson("per", "Per", "Vognsen", Role.POLICE_LIAISON, "infohouse"),
    DemoPerson("signe", "Signe", "Aldal", Role.PSYCHIATRY_LIAISON, "psychiatry"),
    DemoPerson("mads", "Mads", "Kjærholm", Role.MENTOR, "aarhus"),
    DemoPerson("otto", "Otto", "Rimmen", Role.MENTOR, "randers"),
    DemoPerson("rita", "Rita", "Damgaard", Role.CASE_WORKER, "randers"),
    DemoPerson("pia", "Pia", "Søgaard", Role.PARENT_COACH, "odder"),
    DemoPerson("morten", "Morten", "Hedegaard", Role.MENTOR_COACH, "centre"),
    DemoPerson("tina", "Tina", "Lund", Role.TRAINER, "centre"),
    DemoPerson("kamal", "Kamal", "Østergaard", Role.COMMUNITY_COORDINATOR, "aarhus"),
    DemoPerson("yasmin", "Yasmin", "Bakkegaard", Role.AMBASSADOR, "aarhus"),
    DemoPerson("dorte", "Dorte", "Vibe", Role.DIRECTORY_EDITOR, "centre"),
    DemoPerson("anders", "Anders", "Toft", Role.ANALYST, "centre"),
    DemoPerson("dina", "Dina", "Mortensen", Role.DATA_PROTECTION_OFFICER, "aarhus"),
    DemoPerson("sofie", "Sofie", "Krag", Role.SYSTEM_ADMINISTRATOR, "platform"),
)

# Second memberships, so that the organisation switcher has something to switch between:
# carl also works as a case worker for the neighbouring municipality.
EXTRA_MEMBERSHIPS = (("carl", Role.CASE_WORKER, "odder"),)

DEMO_PASSWORD = "Infohus-demo-2026!"
