"""Authorisation-matrix rows of the retention pages: rules, legal holds, the dry run and the runs.

Only the data protection officer, dina, opens them (the AUDIT capability); the analyst anders and
the system administrator sofie get 403 like everyone else. Holds and runs are platform-wide (the
DPO's, not an organisation's), so there is no object outside dina's reach: the rows check the
object pages with an object of each kind. Each row builds its own objects (kwargs is called once
per person), so a POST by one person does not change what the next one finds.
"""

from typing import Any

from infohus.cases.tests.factories import make_person
from infohus.privacy import retention as kinds
from infohus.privacy.models import LegalHold, RetentionRun
from tests.authz import Row, allowed

DPO = allowed("dina")
PAGE = frozenset({200})
DONE = frozenset({302})


def _hold(world: dict[str, Any]) -> dict[str, Any]:
    hold = LegalHold.objects.create(person=make_person(), reason="A complaint", placed_by=world["people"]["dina"])
    return {"pk": hold.pk}


def _run(world: dict[str, Any]) -> dict[str, Any]:
    return {"pk": RetentionRun.objects.create(dry_run=True, counts={kinds.CONCERN: 0}).pk}


def _kind(world: dict[str, Any]) -> dict[str, Any]:
    return {"kind": kinds.CONCERN}


ROWS: list[Row] = [
    Row("privacy:retention_rules", DPO, ok=PAGE),
    Row("privacy:retention_rule_edit", DPO, kwargs=_kind, ok=PAGE),
    Row("privacy:retention_rule_edit", DPO, kwargs=_kind, method="POST",
        data={"months": "600", "version": "0"}, ok=DONE | {409}, note="a second save of version 0 is stale (409)"),
    Row("privacy:legal_holds", DPO, ok=PAGE),
    Row("privacy:legal_hold_new", DPO, ok=PAGE),
    Row("privacy:legal_hold_new", DPO, method="POST", data={"person": "999999", "reason": "x"},
        ok=frozenset({400}), note="no such person: refused at the field"),
    Row("privacy:legal_hold_lift", DPO, kwargs=_hold, ok=PAGE),
    Row("privacy:legal_hold_lift", DPO, kwargs=_hold, method="POST", data={"lift_reason": "Settled"}, ok=DONE),
    Row("privacy:retention_dry_run", DPO, ok=PAGE),
    Row("privacy:retention_dry_run", DPO, method="POST", ok=PAGE),
    Row("privacy:retention_runs", DPO, ok=PAGE),
    Row("privacy:retention_run", DPO, kwargs=_run, ok=PAGE),
    Row("privacy:retention_run_now", DPO, ok=PAGE),
    Row("privacy:retention_run_now", DPO, method="POST", ok=DONE,
        note="queues a real run once the request has committed"),
]
