"""The retention rules pages: the list, an edit checked against the legal minimum (400 at the
field, the minimum named, the typed value kept), a stale edit (409), the audit of a change, and a
minimum raised by the setting."""

from collections.abc import Callable

import pytest
from django.test import Client

from infohus.audit.models import AuditEvent
from infohus.privacy import retention as kinds
from infohus.privacy.models import RetentionRule
from infohus.privacy.retention import BY_KEY, KINDS
from infohus.privacy.services.retention import run_retention

pytestmark = pytest.mark.django_db
URL = f"/privacy/retention/rules/{kinds.CASE}/"


def test_the_list_shows_every_kind_with_its_period_and_minimum(signed_in: Callable[[str], Client],
                                                              django_assert_max_num_queries: object) -> None:
    dina = signed_in("dina")
    RetentionRule.objects.create(kind=kinds.CASE, months=72)
    with django_assert_max_num_queries(12):  # type: ignore[operator]
        response = dina.get("/privacy/retention/")

    assert response.status_code == 200
    page = response.content.decode()
    for kind in KINDS:
        assert f'data-kind="{kind.key}"' in page
    assert "72 months" in page


def test_a_period_below_the_legal_minimum_is_refused_at_the_field(signed_in: Callable[[str], Client]) -> None:
    dina = signed_in("dina")

    response = dina.post(URL, {"months": "3", "version": "0"})

    assert response.status_code == 400
    form = response.context["form"]
    assert "at least 24 months" in form.errors["months"][0]
    assert form["months"].value() == "3"
    assert not RetentionRule.objects.exists()


def test_a_period_at_the_minimum_is_saved_and_audited(signed_in: Callable[[str], Client]) -> None:
    dina = signed_in("dina")

    response = dina.post(URL, {"months": "24", "version": "0"})

    assert response.status_code == 302
    rule = RetentionRule.objects.get(kind=kinds.CASE)
    assert (rule.months, rule.version, rule.changed_by.username) == (24, 1, "dina")
    event = AuditEvent.objects.get(action="privacy.retention_rule.changed")
    assert event.details == {"kind": kinds.CASE, "months": 24, "previous_months": BY_KEY[kinds.CASE].default_months,
                             "version": 1}
    assert event.actor_username == "dina"


def test_a_save_over_someone_elses_answers_409_and_keeps_the_input(signed_in: Callable[[str], Client]) -> None:
    dina = signed_in("dina")
    dina.post(URL, {"months": "30", "version": "0"})

    response = dina.post(URL, {"months": "40", "version": "0"})

    assert response.status_code == 409
    assert response.context["form"]["months"].value() == "40"
    assert response.context["form"]["version"].value() == "1"
    assert RetentionRule.objects.get(kind=kinds.CASE).months == 30
    assert dina.post(URL, {"months": "40", "version": "1"}).status_code == 302
    assert RetentionRule.objects.get(kind=kinds.CASE).months == 40


def test_a_minimum_raised_by_the_setting_is_enforced_and_used(signed_in: Callable[[str], Client],
                                                            settings: object) -> None:
    settings.RETENTION_MINIMUM_MONTHS = {kinds.CASE: 120}  # type: ignore[attr-defined]
    dina = signed_in("dina")

    response = dina.post(URL, {"months": "60", "version": "0"})

    assert response.status_code == 400
    assert "at least 120 months" in response.context["form"].errors["months"][0]
    # A rule saved under a lower minimum is not used below the one in force now.
    RetentionRule.objects.create(kind=kinds.CASE, months=60)
    run = run_retention(dry_run=True)
    cutoffs = {r.key: r.cutoff for r in run.results}  # type: ignore[attr-defined]
    assert (run.started_at - cutoffs[kinds.CASE]).days > 119 * 30


def test_an_unknown_kind_is_404(signed_in: Callable[[str], Client]) -> None:
    assert signed_in("dina").get("/privacy/retention/rules/nothing/").status_code == 404


@pytest.mark.parametrize("who", ["anders", "sofie", "ida"])
def test_others_cannot_change_a_rule(signed_in: Callable[[str], Client], who: str) -> None:
    assert signed_in(who).post(URL, {"months": "600", "version": "0"}).status_code == 403
    assert not RetentionRule.objects.exists()
