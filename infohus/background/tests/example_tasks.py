"""Tasks for the tests of retries: one that always fails, one that fails at its first call for a
key and then succeeds, one that succeeds. Each notes its calls in CALLS (the tests clear it)."""

from django.tasks import task

CALLS: list[tuple[str, object]] = []


class MailServerDown(Exception):
    pass


@task
def always_fails(number: int, urgent: bool = False, note: str = "") -> None:
    CALLS.append(("always_fails", number))
    raise MailServerDown(f"Nothing answered for number {number}")


@task
def fails_once(key: str) -> str:
    CALLS.append(("fails_once", key))
    if sum(1 for name, seen in CALLS if name == "fails_once" and seen == key) == 1:
        raise MailServerDown("Not yet")
    return f"done {key}"


@task
def succeeds(number: int) -> int:
    CALLS.append(("succeeds", number))
    return number * 2
