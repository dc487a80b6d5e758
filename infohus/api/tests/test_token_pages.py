"""My API tokens: the list of one's own tokens, a new token (its secret shown once, with how to
use it), and revoking (confirmed, audited, refused by the API at once). Someone else's token is
not found. Query counts are pinned and do not grow with the number of tokens."""

import hashlib
from collections.abc import Callable
from datetime import timedelta
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from infohus.accounts.models import Membership, User
from infohus.api.models import ApiToken
from infohus.api.services import Action, issue_token
from infohus.api.tests.factories import make_integration
from infohus.audit.models import AuditEvent

pytestmark = pytest.mark.django_db
ClientFor = Callable[[str], Client]
People = dict[str, User]

# The request (session, user, second factor, memberships: 4; the session saved at the end: up to 3),
# the count of tokens for the pages (1) and one page of them with their roles and organisations (1).
LIST_QUERIES = 9


def url(name: str, *args: int) -> str:
    return reverse(f"api_tokens:{name}", args=args)


def page_of(response: Any, status: int = 200) -> str:
    assert response.status_code == status, response.content[:3000]
    return str(response.content.decode())


def membership(user: User, organisation_start: str = "") -> Membership:
    found = Membership.objects.filter(user=user, organisation__name__startswith=organisation_start).first()
    assert found is not None
    return found


def token_of(user: User, name: str = "script", scopes: list[str] | None = None, **kwargs: Any) -> Any:
    return issue_token(membership=membership(user), name=name, scopes=scopes or ["cases:read"], days=10,
                       actor=user, **kwargs)


def form_data(**overrides: Any) -> dict[str, Any]:
    data: dict[str, Any] = {"name": "weekly export", "scopes_cases": ["cases:read"], "days": "30"}
    data.update(overrides)
    return data


def secret_on(page: str) -> str:
    start = page.index('data-testid="secret"')
    return page[page.index(">", start) + 1:page.index("</code>", start)]


# --- the list ---------------------------------------------------------------------------------------------

def test_the_list_shows_my_tokens_and_not_others(signed_in: ClientFor, people: People) -> None:
    mine = token_of(people["carl"], "carl's export").token
    token_of(people["ida"], "ida's script")
    found = make_integration(people)
    issue_token(membership=found.account.memberships.get(), name="the system's token", scopes=["cases:read"],
                days=5, actor=people["sofie"], integration=found)
    page = page_of(signed_in("carl").get(url("token_list")))
    assert "carl&#x27;s export" in page and mine.key_id in page
    assert "Case worker, Aarhus Kommune (demo)" in page and "cases:read" in page
    assert "ida&#x27;s script" not in page and "the system&#x27;s token" not in page


def test_the_list_tells_revoked_and_expired_tokens(signed_in: ClientFor, people: People) -> None:
    revoked = token_of(people["carl"], "old laptop").token
    ApiToken.objects.filter(pk=revoked.pk).update(revoked_at=timezone.now())
    expired = token_of(people["carl"], "last year").token
    ApiToken.objects.filter(pk=expired.pk).update(expires_at=timezone.now() - timedelta(days=1))
    token_of(people["carl"], "current")
    page = page_of(signed_in("carl").get(url("token_list")))
    assert page.count('data-testid="token-row"') == 3
    assert "Revoked " in page and "Expired" in page and "In use" in page
    # Only the tokens not yet revoked can be revoked.
    assert page.count("/revoke/") == 2


def test_anonymous_visitors_are_sent_to_sign_in(client: Client, people: People) -> None:
    response = client.get(url("token_list"))
    assert response.status_code == 302 and "/accounts/sign-in/" in response["Location"]


@pytest.mark.parametrize("extra", [1, 40])
def test_the_list_takes_the_same_queries_for_one_or_many_tokens(
        signed_in: ClientFor, people: People, django_assert_max_num_queries: Any, extra: int) -> None:
    for n in range(extra):
        token_of(people["carl"], f"token {n}")
    client = signed_in("carl")
    with django_assert_max_num_queries(LIST_QUERIES):
        page = page_of(client.get(url("token_list")))
    assert page.count('data-testid="token-row"') == extra


# --- a new token ------------------------------------------------------------------------------------------

def test_the_form_groups_scopes_by_area_and_says_the_role_decides(signed_in: ClientFor) -> None:
    page = page_of(signed_in("carl").get(url("token_new")))
    assert "<legend" in page and ">Cases" in page and ">Statistics" in page
    assert 'value="cases:read"' in page and 'value="cases:write"' in page
    assert "decided by the role it acts in" in page
    # carl works for two municipalities; both roles are offered.
    assert "Case worker, Aarhus Kommune (demo)" in page and "Case worker, Odder Kommune (demo)" in page


def test_a_new_token_shows_its_secret_once_and_works(signed_in: ClientFor, people: People) -> None:
    client = signed_in("carl")
    odder = membership(people["carl"], "Odder")
    response = client.post(url("token_new"), form_data(membership=str(odder.pk),
                                                       scopes_cases=["cases:read", "cases:write"]))
    page = page_of(response)
    assert "no-store" in response["Cache-Control"]
    secret = secret_on(page)
    assert 'curl -H "Authorization: Bearer ' + secret in page and "/api/v1/me" in page
    token = ApiToken.objects.get(user=people["carl"])
    assert token.name == "weekly export" and token.membership == odder
    assert token.scopes == ["cases:read", "cases:write"] and token.integration is None
    assert timedelta(days=29, hours=23) < token.expires_at - timezone.now() <= timedelta(days=30)
    assert AuditEvent.objects.filter(action=Action.TOKEN_ISSUED, actor_id=people["carl"].pk,
                                     object_id=str(token.pk)).exists()
    # The token works, in the role chosen.
    me = Client(HTTP_AUTHORIZATION=f"Bearer {secret}").get("/api/v1/me")
    assert me.status_code == 200 and me.json()["organisation"] == "Odder Kommune (demo)"
    # The secret is never shown again.
    assert secret not in page_of(client.get(url("token_list")))
    assert secret not in page_of(client.get(url("token_revoke", token.pk)))


@pytest.mark.parametrize(("data", "field_error"), [
    (form_data(scopes_cases=[]), "Choose at least one scope."),
    (form_data(days="91"), "Give from 1 to 90 days."),
    (form_data(days="0"), "Give from 1 to 90 days."),
    (form_data(name=""), "Give the token a name."),
    (form_data(scopes_cases=["cases:everything"]), "Select a valid choice."),
])
def test_refused_input_creates_nothing(signed_in: ClientFor, people: People, settings: Any,
                                       data: dict[str, Any], field_error: str) -> None:
    settings.API_TOKEN_MAX_DAYS = 90
    data.setdefault("membership", str(membership(people["carl"]).pk))
    page = page_of(signed_in("carl").post(url("token_new"), data), 400)
    assert field_error in page
    assert not ApiToken.objects.exists()
    assert not AuditEvent.objects.filter(action=Action.TOKEN_ISSUED).exists()


def test_a_token_cannot_act_in_someone_elses_membership(signed_in: ClientFor, people: People) -> None:
    idas = membership(people["ida"])
    page = page_of(signed_in("carl").post(url("token_new"), form_data(membership=str(idas.pk))), 400)
    assert "Select a valid choice." in page
    assert not ApiToken.objects.exists()


def test_the_lifetime_is_bounded_by_the_setting(signed_in: ClientFor, people: People, settings: Any) -> None:
    settings.API_TOKEN_MAX_DAYS = 7
    client = signed_in("carl")
    assert "at most 7" in page_of(client.get(url("token_new")))
    data = form_data(membership=str(membership(people["carl"]).pk), days="8")
    assert "Give from 1 to 7 days." in page_of(client.post(url("token_new"), data), 400)


# --- revoking ---------------------------------------------------------------------------------------------

def test_revoking_asks_first_then_stops_the_token_at_once(signed_in: ClientFor, people: People) -> None:
    issued = token_of(people["carl"])
    api = Client(HTTP_AUTHORIZATION=f"Bearer {issued.secret}")
    assert api.get("/api/v1/me").status_code == 200
    client = signed_in("carl")
    confirm = page_of(client.get(url("token_revoke", issued.token.pk)))
    assert "Revoke the token" in confirm and issued.token.key_id in confirm
    assert ApiToken.objects.get(pk=issued.token.pk).revoked_at is None  # asking changes nothing

    response = client.post(url("token_revoke", issued.token.pk))
    assert response.status_code == 302 and response["Location"] == url("token_list")
    token = ApiToken.objects.get(pk=issued.token.pk)
    assert token.revoked_at is not None and token.revoked_by == people["carl"]
    assert AuditEvent.objects.filter(action=Action.TOKEN_REVOKED, actor_id=people["carl"].pk,
                                     object_id=str(token.pk)).count() == 1
    refused = api.get("/api/v1/me")
    assert refused.status_code == 401 and refused.json()["error"]["message"] == "The token has been revoked."


def test_revoking_twice_changes_nothing(signed_in: ClientFor, people: People) -> None:
    token = token_of(people["carl"]).token
    client = signed_in("carl")
    client.post(url("token_revoke", token.pk))
    first = ApiToken.objects.get(pk=token.pk).revoked_at
    page = page_of(client.post(url("token_revoke", token.pk)))
    assert 'data-testid="already-revoked"' in page
    assert ApiToken.objects.get(pk=token.pk).revoked_at == first
    assert AuditEvent.objects.filter(action=Action.TOKEN_REVOKED).count() == 1


def test_someone_elses_token_is_not_found_and_keeps_working(signed_in: ClientFor, people: People) -> None:
    issued = token_of(people["ida"])
    client = signed_in("carl")
    assert client.get(url("token_revoke", issued.token.pk)).status_code == 404
    assert client.post(url("token_revoke", issued.token.pk)).status_code == 404
    assert ApiToken.objects.get(pk=issued.token.pk).revoked_at is None
    assert Client(HTTP_AUTHORIZATION=f"Bearer {issued.secret}").get("/api/v1/me").status_code == 200


def test_an_integrations_token_is_not_revoked_on_the_personal_page(signed_in: ClientFor, people: People) -> None:
    found = make_integration(people)
    token = issue_token(membership=found.account.memberships.get(), name="nightly", scopes=["cases:read"], days=5,
                        actor=people["sofie"], integration=found).token
    assert signed_in("sofie").post(url("token_revoke", token.pk)).status_code == 404
    assert ApiToken.objects.get(pk=token.pk).revoked_at is None


def test_the_secret_is_stored_only_as_a_digest(signed_in: ClientFor, people: People) -> None:
    page = page_of(signed_in("carl").post(url("token_new"),
                                          form_data(membership=str(membership(people["carl"]).pk))))
    presented = secret_on(page)
    secret = presented.split("_", 2)[2]
    row = ApiToken.objects.filter(user=people["carl"]).values().get()
    assert row["secret_hash"] == hashlib.sha256(secret.encode()).hexdigest()
    assert not any(secret in str(value) for value in row.values())
    assert not any(secret in str(event.details) for event in AuditEvent.objects.all())
