"""The demo's recurring requirement, made through the same service as the pages (so it is audited):
the national centre's requirement that every prison or probation institution has a resource
person, who completes the resource-person course or its follow-up every six months, reminded 30
days before the due date. Kept by the centre, written by tina (the centre's trainer).

Idempotent: a second call finds the requirement by its name and leaves it. It needs `manage.py
demo` first (the centre and tina). Who is in scope and whether they are overdue follows from the
courses the demo's people completed, so rikke (the resource person of the demo prison) shows as
overdue until the runs' demo gives her a completion.
"""

from infohus.accounts.models import Organisation, User
from infohus.accounts.roles import Role
from infohus.training.models import CourseKind, Requirement
from infohus.training.services.requirements import RequirementData, create_requirement

# Demo data is written in Danish, like the rest of the demo.
RESOURCE_PERSON_REQUIREMENT = "Ressourcepersoner i fængsler og Kriminalforsorgen"


class DemoNotReady(Exception):
    """Something the demo requirement builds on is missing; the message says what to run."""


def create_demo_requirements() -> list[Requirement]:
    """The demo requirements (made if missing), in a list."""
    centre = Organisation.objects.filter(kind=Organisation.Kind.NATIONAL_CENTRE, is_active=True).order_by("pk").first()
    tina = User.objects.filter(username="tina").first()
    if centre is None or tina is None:
        raise DemoNotReady("The demo accounts are missing: run `manage.py demo` first.")
    existing = Requirement.objects.filter(organisation=centre, name=RESOURCE_PERSON_REQUIREMENT).first()
    if existing is not None:
        return [existing]
    requirement = create_requirement(actor=tina, organisation=centre, data=RequirementData(
        name=RESOURCE_PERSON_REQUIREMENT,
        description=("Hver institution i Kriminalforsorgen har mindst én ressourceperson, som gennemfører "
                     "ressourcepersonkurset og derefter en opfølgning hvert halve år."),
        role=Role.RESOURCE_PERSON, organisation_kind=Organisation.Kind.PRISON_PROBATION, minimum_per_organisation=1,
        satisfied_by=(CourseKind.RESOURCE_PERSON, CourseKind.RESOURCE_PERSON_FOLLOW_UP), interval_months=6,
        remind_days_before=30))
    return [requirement]
