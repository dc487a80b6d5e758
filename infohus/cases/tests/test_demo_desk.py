"""The demo's practice desk is made through the services, once, and keeps need-to-know."""

from infohus.accounts.models import User
from infohus.cases.demo import create_demo_desk
from infohus.cases.models import Case, Concern, Note
from infohus.cases.selectors.need_to_know import case_access, cases_visible_to


def test_demo_desk_is_made_once_and_keeps_compartments(people: dict[str, User]) -> None:
    assert create_demo_desk() is True
    assert create_demo_desk() is False  # idempotent
    assert Concern.objects.count() == 3 and Case.objects.count() == 1

    case = Case.objects.get()
    assert set(Note.objects.filter(case=case).values_list("compartment", flat=True)) == {"general", "police"}
    assert case_access(people["mads"], case.pk, purpose="test").compartments == frozenset({"general"})
    assert "police" in case_access(people["ida"], case.pk, purpose="test").compartments
    assert not cases_visible_to(people["otto"]).exists()
    statuses = set(Concern.objects.values_list("status", flat=True))
    assert statuses == {Concern.Status.LOCAL_ASSESSMENT, Concern.Status.AWAITING_TRIAGE, Concern.Status.DECIDED}
