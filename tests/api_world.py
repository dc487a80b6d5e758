"""What the API's authorisation matrix and its schemathesis run share: the operations the desk API
serves with the scope each one needs, and the one shape every error answer must have."""

import json
import re
from dataclasses import dataclass
from datetime import date, timedelta
from functools import cache
from typing import Any

from django.http import HttpResponse
from django.urls import reverse
from django.utils import timezone
from ninja.utils import normalize_path

from infohus.accounts.models import Organisation
from infohus.api.auth import ScopedToken
from infohus.api.desk import api as desk_api
from infohus.api.scopes import Scope
from infohus.assessments.models import Assessment
from infohus.assessments.tests.factories import make_assessment, published, small_definition
from infohus.cases.models import Concern, ConsentRecord, Task, TeamMember
from infohus.cases.tests.factories import make_case, make_concern, make_note, make_person
from infohus.cases.tests.triage_helpers import concern_at_other_info_house
from infohus.interventions.models import Goal, LendingRequest
from infohus.interventions.tests.factories import make_goal, make_intervention, make_lending, make_session

HTTP_METHODS = ("GET", "POST", "PUT", "PATCH", "DELETE")


@dataclass(frozen=True)
class DeskOperation:
    """One operation as the OpenAPI document names it ("GET /api/v1/cases/{case_id}")."""

    key: str
    function: str
    auths: tuple[object, ...]

    @property
    def scoped(self) -> bool:
        """Whether exactly one ScopedToken guards the operation (the rule for every operation)."""
        return len(self.auths) == 1 and isinstance(self.auths[0], ScopedToken)

    @property
    def scope(self) -> Scope | None:
        """The scope a token must carry; None for an operation any valid token may call."""
        assert self.scoped, f"{self.key} is not guarded by one ScopedToken: {self.auths}"
        required = self.auths[0].required  # type: ignore[attr-defined]
        return Scope(required) if required is not None else None


@cache
def desk_operations() -> dict[str, DeskOperation]:
    """Every operation of the desk API, read from the mounted routers rather than from a list kept
    by hand, so that a new operation's scope is known as soon as it exists."""
    root = reverse("desk_api:api-root")  # "/api/v1/"
    found: dict[str, DeskOperation] = {}
    # ninja's bound routers carry the operations as mounted, with their auth resolved; the
    # OpenAPI document is built from the same walk (ninja.openapi.schema.get_paths).
    for bound in desk_api._get_bound_routers():
        for path, view in bound.path_operations.items():
            full = normalize_path(root + "/".join(part for part in (bound.prefix, path) if part))
            full = re.sub(r"{[^}:]+:", "{", full)
            for operation in view.operations:
                if not operation.include_in_schema:
                    continue
                for method in operation.methods:
                    key = f"{method.upper()} {full}"
                    found[key] = DeskOperation(key=key, function=operation.view_func.__name__,
                                               auths=tuple(operation.auth_callbacks))
    return found


def operations_of_document(document: dict[str, Any]) -> set[str]:
    """"METHOD /path" of every operation of an OpenAPI document."""
    return {f"{method.upper()} {path}" for path, item in document["paths"].items()
            for method in item if method.upper() in HTTP_METHODS}


def error_shape_problems(response: HttpResponse) -> list[str]:
    """What is wrong with an error answer's body; nothing for a success or a well-shaped error."""
    status = response.status_code
    if status < 400:
        return []
    if not response.get("Content-Type", "").startswith("application/json"):
        return [f"{status} answered with {response.get('Content-Type')!r}, not JSON"]
    try:
        body = json.loads(response.content)
    except ValueError:
        return [f"{status} answered with a body that is not JSON: {response.content[:200]!r}"]
    error = body.get("error") if isinstance(body, dict) else None
    if not isinstance(error, dict) or set(body) != {"error"}:
        return [f"{status} answered without the error object: {body!r:.300}"]
    problems = []
    missing = {"status", "code", "message", "fields"} - set(error)
    if missing:
        problems.append(f"{status} error lacks {sorted(missing)}")
    if error.get("status") != status:
        problems.append(f"{status} error says status {error.get('status')!r}")
    if not isinstance(error.get("code"), str) or not error.get("code"):
        problems.append(f"{status} error has code {error.get('code')!r}")
    if not isinstance(error.get("message"), str) or not error.get("message"):
        problems.append(f"{status} error has message {error.get('message')!r}")
    fields = error.get("fields")
    if not isinstance(fields, dict) or not all(
            isinstance(name, str) and isinstance(messages, list) and all(isinstance(m, str) for m in messages)
            for name, messages in fields.items()):
        problems.append(f"{status} error has fields {fields!r:.200}, not a name -> messages mapping")
    return problems


def error_code(response: HttpResponse) -> str:
    """The error's code, or "" where the body has none (for the messages of failures)."""
    try:
        return str(json.loads(response.content)["error"]["code"])
    except (ValueError, KeyError, TypeError):
        return ""


# --- The world of the schemathesis run -----------------------------------------------------------

# Planted in the names and texts of records outside the caller's need-to-know; no answer to the
# caller may contain it. Plain letters, so that JSON escaping cannot hide it.
OUTSIDE_MARKER = "Qorvexmarker"


@dataclass(frozen=True)
class SchemaWorld:
    """Records the run's examples point at: `pools` gives, per path parameter name, ids of records
    both inside and outside the caller's reach."""

    caller: str
    pools: dict[str, list[Any]]


def _ids(queryset: Any) -> list[int]:
    return list(queryset.order_by("pk").values_list("pk", flat=True))


def seed_schema_world(people: dict[str, Any], caller: str) -> SchemaWorld:
    """Records inside the reach of carl (case worker, Aarhus) and ida (the demo Info house's
    coordinator), and records outside the reach of both that carry OUTSIDE_MARKER.

    Inside: carl's case (mads on the team) with a note, task, consent, assessment, intervention
    (goal, session) and a lending request to Randers; a concern carl reported; a concern rasmus
    reported at ida's Info house. Outside: rita's case in Randers about a person whose name carries
    the marker, with the same kinds of records, all carrying it; a concern about that person at
    another Info house; a lending request from Randers to a municipality neither caller works for."""
    carl, rita, rasmus, mads, otto = (people[name] for name in ("carl", "rita", "rasmus", "mads", "otto"))
    today = timezone.localdate()
    marker = OUTSIDE_MARKER
    randers = Organisation.objects.get(name__startswith="Randers")
    # carl also works for Odder, and lending is seen with every membership of a person: the request
    # that neither caller may see goes to a municipality that neither of them works for.
    elsewhere_municipality = Organisation.objects.create(name="Skanderborg Kommune (test)",
                                                         kind=Organisation.Kind.MUNICIPALITY, municipality_code="746")

    inside_person = make_person("Jonas", "Testesen")
    inside = make_case(person=inside_person, lead=carl, team={mads: "general"})
    make_note(inside, author=carl, text="Met at the youth club; he came on time.")
    Task.objects.create(case=inside, title="Call the school", due_on=today + timedelta(days=3), assignee=mads)
    ConsentRecord.objects.create(case=inside, given_by="Jonas", scope="Talking to the school", given_on=today,
                                 recorded_by=carl)
    own_concern = make_concern(reporter=carl, person=inside_person)
    at_ida = make_concern(reporter=rasmus, person=make_person("Sara", "Prøvesen"))

    outside_person = make_person(marker, f"{marker}sen", birth_date=date(1999, 1, 2))
    outside = make_case(person=outside_person, lead=rita)
    make_note(outside, author=rita, text=f"{marker} note about the family")
    Task.objects.create(case=outside, title=f"{marker} task", due_on=today + timedelta(days=3), assignee=rita)
    ConsentRecord.objects.create(case=outside, given_by=marker, scope=f"{marker} scope", given_on=today,
                                 recorded_by=rita)
    elsewhere = concern_at_other_info_house(person=outside_person, reporter=rasmus)
    Concern.objects.filter(pk=elsewhere.pk).update(observed=f"{marker} observed", worries=f"{marker} worries")

    version = published(small_definition())
    make_assessment(version=version, author=carl, case=inside, answers={"summary": "Settling in"})
    make_assessment(version=version, author=rita, case=outside, answers={"summary": f"{marker} summary"})

    helped = make_intervention(case=inside, provider_user=mads, description="Mentoring after school")
    make_goal(helped, what="Keep going to school")
    make_session(helped, notes="We played football and talked about school.")
    kept_away = make_intervention(case=outside, provider_user=otto, description=f"{marker} mentoring")
    make_goal(kept_away, what=f"{marker} goal")
    make_session(kept_away, notes=f"{marker} session")
    make_lending(case=inside, lending_organisation=randers, summary="A young man needs a mentor who plays football.")
    make_lending(case=outside, lending_organisation=elsewhere_municipality, summary=f"{marker} needs a mentor")

    cases = [inside, outside]
    return SchemaWorld(caller=caller, pools={
        "case_id": [case.pk for case in cases],
        "concern_id": [own_concern.pk, at_ida.pk, elsewhere.pk],
        "member_id": _ids(TeamMember.objects.filter(case__in=cases)),
        "task_id": _ids(Task.objects.filter(case__in=cases)),
        "consent_id": _ids(ConsentRecord.objects.filter(case__in=cases)),
        "assessment_id": _ids(Assessment.objects.filter(case__in=cases)),
        "version_id": [version.pk],
        "intervention_id": [helped.pk, kept_away.pk],
        "goal_id": _ids(Goal.objects.filter(intervention__in=[helped, kept_away])),
        "request_id": _ids(LendingRequest.objects.filter(case__in=cases)),
    })
