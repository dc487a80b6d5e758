"""The retention run, travelling in time: records on both sides of every cutoff, a person under a
legal hold with expired records. The run erases exactly the expired ones (by id), keeps those on
hold and those not yet due; a dry run changes nothing and counts the same; batches smaller than
the work; one audit event per kind with the count and nothing else; a failure keeps what was done.

`now` is passed explicitly, some years ahead, and each record's clock is set to ten days on
either side of its kind's cutoff under the default rules."""

from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any
from unittest import mock

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.management import call_command
from django.utils import timezone

from infohus.accounts.models import User
from infohus.assessments.models import Assessment, AssessmentAttachment
from infohus.assessments.tests.factories import make_assessment, published
from infohus.audit.models import AuditEvent
from infohus.cases.models import (
    Case,
    CaseAttachment,
    Concern,
    ConcernAttachment,
    LocalAssessment,
    Note,
    Person,
    TriageDecision,
)
from infohus.cases.tests.factories import make_case, make_concern, make_note, make_person
from infohus.community.models import ContactPerson, PeerReport, YouthGoal, YouthParticipant
from infohus.community.tests.factories import (
    make_ambassador,
    make_cohort,
    make_contact,
    make_participant,
    make_partner,
    make_report,
)
from infohus.interventions.models import Goal, Intervention, Session
from infohus.interventions.tests.factories import make_goal, make_intervention, make_session
from infohus.privacy import retention as kinds
from infohus.privacy.models import LegalHold, RetentionRun
from infohus.privacy.retention import BY_KEY, months_before
from infohus.privacy.services.retention import ACTION_ERASED, run_retention
from infohus.training.models import Enrolment
from infohus.training.tests.factories import make_course, make_enrolment, make_run

pytestmark = pytest.mark.django_db

NOW = timezone.now().replace(microsecond=0) + timedelta(days=4 * 365)
MARGIN = timedelta(days=10)


def cutoff(key: str) -> datetime:
    return months_before(NOW, BY_KEY[key].default_months)


def before(key: str) -> datetime:
    return cutoff(key) - MARGIN


def after(key: str) -> datetime:
    return cutoff(key) + MARGIN


def day(moment: datetime) -> date:
    return timezone.localtime(moment).date()


def with_file(model: Any, **fields: Any) -> Any:
    row = model(original_name="form.txt", content_type="text/plain", size=4, **fields)
    row.file.save("form.txt", ContentFile(b"form"), save=True)
    return row


@dataclass
class World:
    erased: dict[str, set[int]] = field(default_factory=dict)
    kept: dict[str, set[int]] = field(default_factory=dict)
    held: dict[str, set[int]] = field(default_factory=dict)
    files: list[str] = field(default_factory=list)
    kept_files: list[str] = field(default_factory=list)

    def add(self, bucket: str, key: str, pk: int) -> None:
        getattr(self, bucket).setdefault(key, set()).add(pk)


def person_made(when: datetime, name: str = "Jonas") -> Person:
    person = make_person(name)
    Person.objects.filter(pk=person.pk).update(created_at=when)
    return person


def decided_concern(people: dict[str, User], *, person: Person | None, on: date,
                    case: Case | None = None) -> Concern:
    concern = make_concern(reporter=people["rasmus"], status=Concern.Status.DECIDED, person=person,
                           caller_name="A caller")
    TriageDecision.objects.create(concern=concern, kind=TriageDecision.Kind.STATUTORY_OFFER if case else
                                  TriageDecision.Kind.NO_FURTHER_ACTION, reason="Because", decided_on=on,
                                  decided_by=people["ida"], case=case)
    return concern


def locally_closed_concern(people: dict[str, User], *, at: datetime) -> Concern:
    concern = make_concern(reporter=people["rikke"], status=Concern.Status.HANDLED_LOCALLY)
    local = LocalAssessment.objects.create(concern=concern, participants="Staff", conclusion="Handled",
                                           decision=LocalAssessment.Decision.HANDLE_LOCALLY,
                                           assessed_by=people["rikke"])
    LocalAssessment.objects.filter(pk=local.pk).update(assessed_at=at)
    return concern


def closed_case(people: dict[str, User], *, person: Person, at: datetime) -> Case:
    case = make_case(person=person, lead=people["carl"])
    Case.objects.filter(pk=case.pk).update(status=Case.Status.CLOSED, closed_at=at, outcome="goals_met",
                                           closure_reason="Done")
    case.refresh_from_db()
    make_note(case, author=people["carl"])
    intervention = make_intervention(case=case, provider_user=people["mads"], description="Mentoring plan")
    session = make_session(intervention, notes="Talked about football")
    session.goals.add(make_goal(intervention))
    return case


def build(people: dict[str, User]) -> World:
    w = World()
    # --- concerns closed without a case
    p_old = person_made(before(kinds.CONCERN))
    c = decided_concern(people, person=p_old, on=day(before(kinds.CONCERN)))
    w.files.append(with_file(ConcernAttachment, concern=c).file.name)
    w.add("erased", kinds.CONCERN, c.pk)
    w.add("erased", kinds.PERSON, p_old.pk)
    w.add("erased", kinds.CONCERN, locally_closed_concern(people, at=before(kinds.CONCERN)).pk)
    w.add("kept", kinds.CONCERN, locally_closed_concern(people, at=after(kinds.CONCERN)).pk)
    p_recent = person_made(before(kinds.CONCERN))
    recent = decided_concern(people, person=p_recent, on=day(after(kinds.CONCERN)))
    w.kept_files.append(with_file(ConcernAttachment, concern=recent).file.name)
    w.add("kept", kinds.CONCERN, recent.pk)
    w.add("kept", kinds.PERSON, p_recent.pk)
    # still waiting for the Info house, though received long ago
    waiting = make_concern(reporter=people["rasmus"], person=person_made(before(kinds.CONCERN)))
    Concern.objects.filter(pk=waiting.pk).update(received_at=before(kinds.CASE))
    w.add("kept", kinds.CONCERN, waiting.pk)
    w.add("kept", kinds.PERSON, waiting.person_id)

    # --- closed cases, with their interventions and assessments
    version = published()
    p_case = person_made(before(kinds.CASE))
    old_case = closed_case(people, person=p_case, at=before(kinds.CASE))
    w.files.append(with_file(CaseAttachment, case=old_case).file.name)
    assessment = make_assessment(version=version, author=people["carl"], case=old_case, answers={"a": "text"})
    w.files.append(with_file(AssessmentAttachment, assessment=assessment, field_key="form").file.name)
    opening = decided_concern(people, person=p_case, on=day(before(kinds.CASE)), case=old_case)
    w.add("erased", kinds.CASE, old_case.pk)
    w.add("erased", kinds.PERSON, p_case.pk)
    w.add("erased", "opening_concern", opening.pk)
    p_new_case = person_made(before(kinds.CASE))
    new_case = closed_case(people, person=p_new_case, at=after(kinds.CASE))
    w.kept_files.append(with_file(CaseAttachment, case=new_case).file.name)
    w.add("kept", kinds.CASE, new_case.pk)
    w.add("kept", kinds.PERSON, p_new_case.pk)
    open_case = make_case(person=person_made(before(kinds.CASE)), lead=people["carl"])
    # the concern that opened a case still open is not a concern "closed without a case"
    w.add("kept", kinds.CONCERN,
          decided_concern(people, person=open_case.person, on=day(before(kinds.CASE)), case=open_case).pk)
    w.add("kept", kinds.CASE, open_case.pk)
    w.add("kept", kinds.PERSON, open_case.person_id)

    # --- a person under a legal hold: an expired concern and an expired case, all kept
    p_held = person_made(before(kinds.CASE), name="Held")
    w.add("held", kinds.CONCERN, decided_concern(people, person=p_held, on=day(before(kinds.CONCERN))).pk)
    held_case = closed_case(people, person=p_held, at=before(kinds.CASE))
    w.kept_files.append(with_file(CaseAttachment, case=held_case).file.name)
    w.add("held", kinds.CASE, held_case.pk)
    w.add("kept", kinds.PERSON, p_held.pk)  # kept because their records are held: not counted as held
    LegalHold.objects.create(person=p_held, reason="Complaint", placed_by=people["dina"])
    # a lifted hold keeps nothing
    LegalHold.objects.create(person=p_old, reason="Old complaint", placed_by=people["dina"], lifted_at=NOW)

    # --- people with no concern or case at all
    w.add("erased", kinds.PERSON, person_made(before(kinds.PERSON)).pk)
    w.add("kept", kinds.PERSON, person_made(after(kinds.PERSON)).pk)

    # --- community
    kamal = people["kamal"]
    cohort = make_cohort(created_by=kamal, starts_on=day(before(kinds.YOUTH)) - timedelta(days=90),
                         ends_on=day(after(kinds.YOUTH)))
    left = make_participant(cohort, left_on=day(before(kinds.YOUTH)))
    YouthGoal.objects.create(participant=left, text="Finish school", set_on=cohort.starts_on, recorded_by=kamal)
    w.add("erased", kinds.YOUTH, left.pk)
    w.add("kept", kinds.YOUTH, make_participant(cohort, left_on=day(after(kinds.YOUTH))).pk)
    w.add("kept", kinds.YOUTH, make_participant(cohort).pk)  # the cohort ends after the cutoff
    old_cohort = make_cohort(created_by=kamal, starts_on=day(before(kinds.YOUTH)) - timedelta(days=90),
                             ends_on=day(before(kinds.YOUTH)))
    w.add("erased", kinds.YOUTH, make_participant(old_cohort, age=19).pk)
    ambassador = make_ambassador(make_participant(old_cohort))  # still an ambassador: kept
    w.add("kept", kinds.YOUTH, ambassador.participant_id)
    handled = make_report(ambassador, status=PeerReport.Status.CLOSED, handled_at=before(kinds.PEER_REPORT))
    w.add("erased", kinds.PEER_REPORT, handled.pk)
    w.add("kept", kinds.PEER_REPORT, make_report(ambassador, status=PeerReport.Status.CLOSED,
                                                 handled_at=after(kinds.PEER_REPORT)).pk)
    w.add("kept", kinds.PEER_REPORT, make_report(ambassador).pk)  # not handled yet
    inactive = make_partner(created_by=kamal, is_active=False)
    old_contact = make_contact(inactive)
    ContactPerson.objects.filter(pk=old_contact.pk).update(created_at=before(kinds.CONTACT))
    w.add("erased", kinds.CONTACT, old_contact.pk)
    new_contact = make_contact(inactive)
    ContactPerson.objects.filter(pk=new_contact.pk).update(created_at=after(kinds.CONTACT))
    w.add("kept", kinds.CONTACT, new_contact.pk)
    active_contact = make_contact(make_partner(created_by=kamal))
    ContactPerson.objects.filter(pk=active_contact.pk).update(created_at=before(kinds.CONTACT))
    w.add("kept", kinds.CONTACT, active_contact.pk)

    # --- training: external participants
    course = make_course(created_by=people["tina"], units=1)
    old_run = make_run(course, starts_on=day(before(kinds.ENROLMENT)))
    w.add("erased", kinds.ENROLMENT, make_enrolment(old_run, email="x@example.org").pk)
    w.add("kept", kinds.ENROLMENT, make_enrolment(old_run, people["rikke"]).pk)  # has an account
    new_run = make_run(course, starts_on=day(after(kinds.ENROLMENT)))
    w.add("kept", kinds.ENROLMENT, make_enrolment(new_run).pk)
    return w


def concern_is_erased(pk: int) -> bool:
    concern = Concern.objects.get(pk=pk)
    return concern.anonymised_at is not None and concern.worries == "" and concern.person_id is None


ERASED_CHECK = {
    kinds.CONCERN: lambda ids: set(Concern.objects.filter(pk__in=ids, anonymised_at__isnull=False)
                                   .values_list("pk", flat=True)),
    kinds.CASE: lambda ids: set(Case.objects.filter(pk__in=ids, anonymised_at__isnull=False)
                                .values_list("pk", flat=True)),
    kinds.PERSON: lambda ids: set(Person.objects.filter(pk__in=ids, anonymised_at__isnull=False, first_name="")
                                  .values_list("pk", flat=True)),
    kinds.YOUTH: lambda ids: set(YouthParticipant.objects.filter(pk__in=ids, first_name="", last_name="")
                                 .values_list("pk", flat=True)),
    kinds.PEER_REPORT: lambda ids: set(PeerReport.objects.filter(pk__in=ids, text="").values_list("pk", flat=True)),
    kinds.CONTACT: lambda ids: set(ContactPerson.objects.filter(pk__in=ids, name="", phone="")
                                   .values_list("pk", flat=True)),
    kinds.ENROLMENT: lambda ids: set(Enrolment.objects.filter(pk__in=ids, name="", email="")
                                     .values_list("pk", flat=True)),
}


def test_the_run_erases_exactly_what_has_expired_and_keeps_what_is_held(people: dict[str, User]) -> None:
    w = build(people)

    run = run_retention(now=NOW)

    assert run.status == RetentionRun.Status.DONE, run.error
    for key, check in ERASED_CHECK.items():
        erased, kept, held = w.erased.get(key, set()), w.kept.get(key, set()), w.held.get(key, set())
        assert check(erased) == erased, key
        assert check(kept | held) == set(), key
        assert run.counts[key] == len(erased), key
        assert run.held.get(key, 0) == len(held), key
    assert all(concern_is_erased(pk) for pk in w.erased[kinds.CONCERN] | w.erased["opening_concern"])
    assert all(not default_storage.exists(path) for path in w.files)
    assert all(default_storage.exists(path) for path in w.kept_files)


def test_what_goes_with_a_case_is_erased_and_kept_with_a_held_or_recent_case(people: dict[str, User]) -> None:
    w = build(people)

    run_retention(now=NOW)

    (old_case,) = w.erased[kinds.CASE]
    assert not Note.objects.filter(case_id=old_case).exists()
    assert not Goal.objects.filter(intervention__case_id=old_case).exists()
    assert set(Session.objects.filter(intervention__case_id=old_case).values_list("notes", flat=True)) == {""}
    assert Session.objects.filter(intervention__case_id=old_case).get().duration_minutes == 60
    intervention = Intervention.objects.get(case_id=old_case)
    assert (intervention.description, intervention.anonymised_at, intervention.kind) == ("", NOW, "mentoring")
    assessment = Assessment.objects.get(case_id=old_case)
    assert (assessment.answers, assessment.anonymised_at) == ({}, NOW)
    for case_id in w.kept[kinds.CASE] | w.held[kinds.CASE]:
        if Case.objects.get(pk=case_id).status == Case.Status.CLOSED:
            assert Note.objects.filter(case_id=case_id).exists()
            assert Intervention.objects.get(case_id=case_id).description == "Mentoring plan"
    assert not YouthGoal.objects.filter(participant_id__in=w.erased[kinds.YOUTH]).exists()


def test_a_dry_run_changes_nothing_and_counts_what_the_run_then_erases(people: dict[str, User]) -> None:
    w = build(people)
    snapshot = [list(model.objects.order_by("pk").values()) for model in
                (Concern, Case, Person, YouthParticipant, PeerReport, ContactPerson, Enrolment, Note)]

    dry = run_retention(now=NOW, dry_run=True)

    assert [list(model.objects.order_by("pk").values()) for model in
            (Concern, Case, Person, YouthParticipant, PeerReport, ContactPerson, Enrolment, Note)] == snapshot
    assert all(default_storage.exists(path) for path in w.files)
    assert not AuditEvent.objects.filter(action=ACTION_ERASED).exists()
    oldest = {r.key: r.oldest for r in dry.results}  # type: ignore[attr-defined]
    assert oldest[kinds.CONCERN] == day(before(kinds.CONCERN))
    assert oldest[kinds.CASE] == day(before(kinds.CASE))

    real = run_retention(now=NOW)

    assert {k: v for k, v in dry.counts.items() if k != kinds.AUDIT} == \
        {k: v for k, v in real.counts.items() if k != kinds.AUDIT}
    assert dry.held == real.held
    assert dry.counts[kinds.PERSON] == len(w.erased[kinds.PERSON]) > 0


def test_one_audit_event_per_kind_says_how_many_and_nothing_else(people: dict[str, User]) -> None:
    w = build(people)

    run_retention(now=NOW)

    events = list(AuditEvent.objects.filter(action=ACTION_ERASED).order_by("seq"))
    assert [e.details["kind"] for e in events] == [k.key for k in kinds.KINDS]
    for event in events:
        assert set(event.details) == {"kind", "count"}
        assert event.person_id == "" and event.object_id == ""
    assert {e.details["kind"]: e.details["count"] for e in events}[kinds.CONCERN] == len(w.erased[kinds.CONCERN])


def test_a_second_run_finds_nothing_more(people: dict[str, User]) -> None:
    build(people)
    run_retention(now=NOW)

    again = run_retention(now=NOW)

    assert {k: v for k, v in again.counts.items() if k != kinds.AUDIT} == {
        k.key: 0 for k in kinds.KINDS if k.key != kinds.AUDIT}


def test_more_records_than_a_batch_are_all_erased_one_batch_per_transaction(people: dict[str, User]) -> None:
    concerns = [locally_closed_concern(people, at=before(kinds.CONCERN)) for _ in range(7)]

    with mock.patch("infohus.privacy.services.retention.anonymise_concerns",
                    wraps=__import__("infohus.cases.services.erasure", fromlist=["x"]).anonymise_concerns) as erase:
        run = run_retention(now=NOW, batch_size=3)

    assert run.counts[kinds.CONCERN] == 7
    assert [len(call.args[0]) for call in erase.call_args_list] == [3, 3, 1]
    assert all(concern_is_erased(c.pk) for c in concerns)


def test_a_failure_keeps_the_batches_done_and_the_next_run_carries_on(people: dict[str, User]) -> None:
    concerns = [locally_closed_concern(people, at=before(kinds.CONCERN)) for _ in range(5)]
    from infohus.cases.services import erasure

    calls = {"n": 0}

    def fail_on_second_batch(ids: list[int], *, now: datetime) -> int:
        calls["n"] += 1
        if calls["n"] == 2:
            raise RuntimeError("disk full")
        return erasure.anonymise_concerns(ids, now=now)

    with mock.patch("infohus.privacy.services.retention.anonymise_concerns", side_effect=fail_on_second_batch):
        failed = run_retention(now=NOW, batch_size=2)

    assert failed.status == RetentionRun.Status.FAILED
    assert "disk full" in failed.error
    assert failed.counts == {kinds.CONCERN: 2}
    assert sum(concern_is_erased(c.pk) for c in concerns) == 2
    event = AuditEvent.objects.get(action=ACTION_ERASED)
    assert event.details == {"kind": kinds.CONCERN, "count": 2, "failed": True}

    carried_on = run_retention(now=NOW, batch_size=2)

    assert carried_on.status == RetentionRun.Status.DONE
    assert carried_on.counts[kinds.CONCERN] == 3
    assert all(concern_is_erased(c.pk) for c in concerns)


def test_a_longer_rule_keeps_what_the_default_would_erase(people: dict[str, User]) -> None:
    from infohus.privacy.models import RetentionRule

    concern = locally_closed_concern(people, at=before(kinds.CONCERN))
    RetentionRule.objects.create(kind=kinds.CONCERN, months=BY_KEY[kinds.CONCERN].default_months + 1)

    run = run_retention(now=NOW)

    assert run.counts[kinds.CONCERN] == 0
    assert not concern_is_erased(concern.pk)


def test_the_command_runs_the_task_at_once_with_the_default_backend(people: dict[str, User],
                                                                   capsys: pytest.CaptureFixture[str]) -> None:
    concern = locally_closed_concern(people, at=timezone.now() - timedelta(days=3 * 365))

    call_command("run_retention", "--dry-run")
    assert not concern_is_erased(concern.pk)
    assert f"{kinds.CONCERN} 1" in capsys.readouterr().out

    call_command("run_retention")

    assert concern_is_erased(concern.pk)
    run = RetentionRun.objects.get(dry_run=False)
    assert (run.started_by, run.counts[kinds.CONCERN]) == (None, 1)
