"""Reminders by the background task: everyone in scope of an active requirement whose due date is
within the reminder window and has not passed gets one plain-text e-mail per due date, in their
language; people without an e-mail address are skipped and counted; one audit event per run; a
second run sends nothing. The window's edges are checked at a fixed date through the service."""

from datetime import date, timedelta
from smtplib import SMTPException
from typing import Any

import pytest
from django.core import mail
from django.core.management import call_command
from django.tasks import TaskResultStatus
from django.utils import timezone, translation
from django.utils.formats import date_format

from infohus.accounts.models import Membership, Organisation, User
from infohus.accounts.roles import Role
from infohus.audit.models import AuditEvent
from infohus.training.models import CourseKind, Reminder, Requirement
from infohus.training.selectors.compliance import add_months
from infohus.training.services import requirements as services
from infohus.training.tasks import send_due_reminders
from infohus.training.tests.factories import make_course, make_enrolment, make_requirement, make_run

pytestmark = pytest.mark.django_db
People = dict[str, User]
TODAY = timezone.localdate()
FIXED = date(2026, 3, 15)


def person(username: str, organisation: Organisation, *, email: str | None = None, language: str = "") -> User:
    user = User.objects.create_user(username=username, first_name=username.capitalize(), last_name="Test",
                                    email=f"{username}@example.invalid" if email is None else email,
                                    preferred_language=language)
    Membership.objects.create(user=user, organisation=organisation, role=Role.RESOURCE_PERSON)
    return user


def completed(user: User, on: date, trainer: User, *, kind: str = CourseKind.RESOURCE_PERSON_FOLLOW_UP) -> None:
    make_enrolment(make_run(make_course(kind=kind, units=1, created_by=trainer), starts_on=on), user, completed_on=on)


@pytest.fixture
def prison(people: People) -> Organisation:
    return Organisation.objects.get(kind=Organisation.Kind.PRISON_PROBATION)


@pytest.fixture
def requirement(people: People) -> Requirement:
    return make_requirement(created_by=people["tina"])


def test_the_task_reminds_those_due_soon_once(people: People, prison: Organisation, requirement: Requirement) -> None:
    tina = people["tina"]
    soon = person("svend", prison)
    completed(soon, add_months(TODAY + timedelta(days=10), -6), tina)      # due in about ten days
    without = person("uden", prison, email="")
    completed(without, add_months(TODAY + timedelta(days=5), -6), tina)    # due soon, no address
    completed(person("frej", prison), add_months(TODAY, -2), tina)          # up to date
    completed(person("lone", prison), add_months(TODAY, -8), tina)          # overdue: past its due date
    person("nina", prison)                                                  # never trained: no due date
    completed(people["rikke"], add_months(TODAY, -8), tina)                 # overdue

    result = send_due_reminders.enqueue()

    assert result.status == TaskResultStatus.SUCCESSFUL and result.return_value == 1
    assert [m.to for m in mail.outbox] == [["svend@example.invalid"]]
    message = mail.outbox[0]
    assert message.content_subtype == "plain" and not getattr(message, "alternatives", None)
    assert requirement.name in message.subject and "Hello Svend Test," in message.body
    assert "Courses that count: Resource-person course, Resource-person follow-up." in message.body
    assert Reminder.objects.filter(requirement=requirement, user=soon).count() == 1
    event = AuditEvent.objects.get(action="training.reminders_sent")
    assert event.details == {"requirements": 1, "sent": 1, "already_sent": 0, "without_email": 1, "failed": 0,
                             "on": TODAY.isoformat()}

    again = send_due_reminders.enqueue()

    assert again.return_value == 0 and len(mail.outbox) == 1
    assert AuditEvent.objects.filter(action="training.reminders_sent").order_by("-seq")[0].details["already_sent"] == 1


def test_a_new_completion_gives_a_new_due_date_and_a_new_reminder(people: People, prison: Organisation,
                                                                  requirement: Requirement) -> None:
    user = person("svend", prison)
    completed(user, date(2025, 9, 20), people["tina"])                      # due 2026-03-20
    assert services.send_reminders(today=FIXED).sent == 1
    completed(user, date(2026, 3, 1), people["tina"])                       # now due 2026-09-01
    assert services.send_reminders(today=date(2026, 8, 10)).sent == 1
    assert sorted(Reminder.objects.values_list("due_on", flat=True)) == [date(2026, 3, 20), date(2026, 9, 1)]


def test_the_window_includes_today_and_its_last_day_only(people: People, prison: Organisation,
                                                         requirement: Requirement) -> None:
    tina = people["tina"]
    # With a 30-day window on 2026-03-15: due 2026-03-15 and 2026-04-14 are in; 2026-03-14 and 2026-04-15 out.
    for name, latest in [("today", date(2025, 9, 15)), ("last", date(2025, 10, 14)),
                         ("passed", date(2025, 9, 14)), ("later", date(2025, 10, 15))]:
        completed(person(name, prison), latest, tina)
    counts = services.send_reminders(today=FIXED)
    assert counts.sent == 2
    assert sorted(m.to[0] for m in mail.outbox) == ["last@example.invalid", "today@example.invalid"]


def test_a_clamped_month_end_is_reminded_on_its_real_due_date(people: People, prison: Organisation) -> None:
    make_requirement(created_by=people["tina"], remind_days_before=0)
    completed(person("ulla", prison), date(2025, 8, 31), people["tina"])    # due 2026-02-28
    assert services.send_reminders(today=date(2026, 2, 27)).sent == 0
    assert services.send_reminders(today=date(2026, 2, 28)).sent == 1
    assert Reminder.objects.get().due_on == date(2026, 2, 28)


def test_in_the_persons_language(people: People, prison: Organisation, requirement: Requirement,
                                 settings: Any) -> None:
    settings.LANGUAGE_CODE = "da"
    completed(person("dansk", prison, language="da"), date(2025, 9, 20), people["tina"])
    completed(person("english", prison, language="en"), date(2025, 9, 20), people["tina"])
    completed(person("unknown", prison, language="xx"), date(2025, 9, 20), people["tina"])
    services.send_reminders(today=FIXED)
    bodies = {m.to[0].split("@")[0]: m.body for m in mail.outbox}
    with translation.override("da"):
        danish = date_format(date(2026, 3, 20), "DATE_FORMAT")
    with translation.override("en"):
        english = date_format(date(2026, 3, 20), "DATE_FORMAT")
    assert danish != english and "marts" in danish
    assert danish in bodies["dansk"] and english in bodies["english"]
    assert danish in bodies["unknown"]   # an unknown language falls back to the site's (Danish)


def test_only_active_requirements_and_one_mail_per_person(people: People, prison: Organisation) -> None:
    make_requirement(created_by=people["tina"], is_active=False, name="Retired")
    active = make_requirement(created_by=people["tina"], name="Current")
    user = person("svend", prison)
    other_prison = Organisation.objects.create(name="Anden institution (test)", kind=Organisation.Kind.PRISON_PROBATION)
    Membership.objects.create(user=user, organisation=other_prison, role=Role.RESOURCE_PERSON)
    completed(user, date(2025, 9, 20), people["tina"])
    counts = services.send_reminders(today=FIXED)
    assert (counts.requirements, counts.sent) == (1, 1)
    assert "Current" in mail.outbox[0].subject and Reminder.objects.get().requirement == active


def test_a_mail_that_fails_is_tried_again_next_time(people: People, prison: Organisation, requirement: Requirement,
                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    completed(person("svend", prison), date(2025, 9, 20), people["tina"])

    def refuse(*args: Any, **kwargs: Any) -> None:
        raise SMTPException("the mail server is away")

    monkeypatch.setattr(services, "send_mail", refuse)
    assert services.send_reminders(today=FIXED).failed == 1
    assert not Reminder.objects.exists()
    monkeypatch.undo()
    assert services.send_reminders(today=FIXED).sent == 1 and len(mail.outbox) == 1


def test_the_command_enqueues_and_prints_what_was_sent(people: People, prison: Organisation, requirement: Requirement,
                                                      capsys: pytest.CaptureFixture[str]) -> None:
    completed(person("svend", prison), add_months(TODAY + timedelta(days=10), -6), people["tina"])
    call_command("send_training_reminders")
    assert "Sent 1 training reminder." in capsys.readouterr().out
    call_command("send_training_reminders")
    assert "Sent 0 training reminders." in capsys.readouterr().out
    assert len(mail.outbox) == 1


def test_the_mail_links_to_the_persons_training_page_where_the_site_is_known(
        people: People, prison: Organisation, requirement: Requirement, settings: Any) -> None:
    completed(person("svend", prison), add_months(TODAY + timedelta(days=10), -6), people["tina"])
    settings.SITE_URL = "https://infohus.example.dk"

    send_due_reminders.enqueue()

    assert "\nhttps://infohus.example.dk/desk/training/mine/\n" in mail.outbox[0].body
