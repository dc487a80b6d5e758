"""A small second API for the tests of the guard rails that need a write operation: built from
the same error handlers, auth and throttle as the desk's API, mounted under /api/ so that the
error-shape middleware applies, beside the project's own URLs."""

from django.http import HttpRequest
from django.urls import path
from ninja import NinjaAPI

from infohus.api import errors
from infohus.api.auth import TokenRateThrottle, scope
from infohus.api.schemas import Input
from infohus.api.scopes import Scope
from infohus.audit.services import record_event
from infohus.urls import urlpatterns as project_urlpatterns

WRITTEN = "test.note_written"

api = NinjaAPI(title="Guard rails under test", version="test", urls_namespace="guard_rail_checks", docs_url=None,
               throttle=[TokenRateThrottle()])
errors.install(api)


class NoteIn(Input):
    text: str
    count: int = 1


@api.post("/notes", auth=scope(Scope.CASES_WRITE), summary="Write a note (an audit event)")
def checks_note_add(request: HttpRequest, note: NoteIn) -> dict[str, bool]:
    record_event(action=WRITTEN, actor=request.user, details={"text": note.text, "count": note.count})
    return {"written": True}


urlpatterns = [path("api/checks/", api.urls), *project_urlpatterns]
