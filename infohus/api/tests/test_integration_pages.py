"""Integrations, for system administrators: adding one (a service account that cannot sign in,
with one membership), its page with its tokens, issuing a token (secret shown once, with the
client id), revoking one, and switching the integration off (its tokens stop at once). All
audited; nobody else may open these pages. Query counts are pinned at one and many rows."""

from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from infohus.accounts.models import Membership, Organisation, User
from infohus.accounts.roles import Role
from infohus.api.auth import CLIENT_HEADER
from infohus.api.models import ApiToken, Integration
from infohus.api.services import Action, issue_token
from infohus.api.tests.factories import make_integration
from infohus.audit.models import AuditEvent
from infohus.audit.services import Action as AuditAction

pytestmark = pytest.mark.django_db
ClientFor = Callable[[str], Client]
People = dict[str, User]

# The request (session, user, second factor, memberships: 4; the session saved at the end: up to 3),
# the count of integrations for the pages (1), one page of them with their accounts and counts of
# tokens (1) and their accounts' memberships with organisations (1).
LIST_QUERIES = 10
# The request (4 + 3), the integration with its account and creator (1), its account's membership
# (1), the count of its tokens (1) and one page of them with who made and revoked each (1).
DETAIL_QUERIES = 11


def url(name: str, *args: int) -> str:
    return reverse(f"api_tokens:{name}", args=args)


def page_of(response: Any, status: int = 200) -> str:
    assert response.status_code == status, response.content[:3000]
    return str(response.content.decode())


def _aarhus() -> Organisation:
    return Organisation.objects.get(name__startswith="Aarhus")


def issue(people: People, found: Integration, name: str = "nightly") -> Any:
    return issue_token(membership=found.account.memberships.get(), name=name, scopes=["cases:read"], days=5,
                       actor=people["sofie"], integration=found)


def secret_on(page: str) -> str:
    start = page.index('data-testid="secret"')
    return page[page.index(">", start) + 1:page.index("</code>", start)]


# --- who ---------------------------------------------------------------------------------------------------

@pytest.mark.parametrize("username", ["ida", "carl", "anders", "dina"])
def test_only_a_system_administrator_manages_integrations(signed_in: ClientFor, people: People,
                                                          username: str) -> None:
    found = make_integration(people)
    client = signed_in(username)
    assert client.get(url("integration_list")).status_code == 403
    assert client.get(url("integration_detail", found.pk)).status_code == 403
    assert client.post(url("integration_switch_off", found.pk)).status_code == 403
    assert Integration.objects.get(pk=found.pk).is_active


# --- adding one --------------------------------------------------------------------------------------------

def test_adding_an_integration_makes_a_service_account_in_the_chosen_role(signed_in: ClientFor,
                                                                          people: People) -> None:
    client = signed_in("sofie")
    response = client.post(url("integration_new"), {
        "name": "Aarhus case system", "description": "Sends concerns", "organisation": _aarhus().pk,
        "role": Role.CASE_WORKER})
    found = Integration.objects.get()
    assert response.status_code == 302 and response["Location"] == url("integration_detail", found.pk)
    assert found.client_id.startswith("ihc-") and len(found.client_id) > 20
    assert found.created_by == people["sofie"] and found.is_active
    account = found.account
    assert not account.has_usable_password() and account.is_active
    assert list(Membership.objects.filter(user=account).values_list("organisation", "role", "is_active")) == [
        (_aarhus().pk, Role.CASE_WORKER.value, True)]
    assert AuditEvent.objects.filter(action=Action.INTEGRATION_CREATED, actor_id=people["sofie"].pk,
                                     object_id=str(found.pk)).exists()
    assert AuditEvent.objects.filter(action=AuditAction.MEMBERSHIP_GRANTED,
                                     details__user=account.username).exists()
    # The service account cannot sign in to the pages.
    signing_in = Client().post("/accounts/sign-in/", {"username": account.username, "password": ""})
    assert signing_in.status_code != 302


def test_the_administrator_role_is_not_offered_and_is_refused(signed_in: ClientFor) -> None:
    client = signed_in("sofie")
    form = page_of(client.get(url("integration_new")))
    assert 'value="case_worker"' in form and 'value="system_administrator"' not in form
    refused = client.post(url("integration_new"), {"name": "Root", "organisation": _aarhus().pk,
                                                   "role": Role.SYSTEM_ADMINISTRATOR})
    assert "Select a valid choice." in page_of(refused, 400)
    assert not Integration.objects.exists()


def test_two_integrations_may_not_share_a_name(signed_in: ClientFor, people: People) -> None:
    make_integration(people, "Aarhus case system")
    page = page_of(signed_in("sofie").post(url("integration_new"), {
        "name": "aarhus case system", "organisation": _aarhus().pk, "role": Role.CASE_WORKER}), 400)
    assert "Another integration has this name." in page
    assert Integration.objects.count() == 1 and not User.objects.filter(username__startswith="integration-",
                                                                        integration__isnull=True).exists()


# --- its page and its tokens -------------------------------------------------------------------------------

def test_the_page_shows_the_client_id_role_and_tokens(signed_in: ClientFor, people: People) -> None:
    found = make_integration(people)
    token = issue(people, found, "nightly import").token
    other = make_integration(people, "Randers register")
    issue(people, other, "randers token")
    page = page_of(signed_in("sofie").get(url("integration_detail", found.pk)))
    assert found.client_id in page and "Case worker, Aarhus Kommune (demo)" in page
    assert "nightly import" in page and token.key_id in page and "randers token" not in page


def test_issuing_a_token_shows_the_secret_once_with_the_client_id(signed_in: ClientFor, people: People) -> None:
    found = make_integration(people)
    client = signed_in("sofie")
    response = client.post(url("integration_token_new", found.pk),
                           {"name": "nightly", "scopes_concerns": ["concerns:read"], "days": "30"})
    page = page_of(response)
    assert "no-store" in response["Cache-Control"]
    secret = secret_on(page)
    assert f'-H "{CLIENT_HEADER}: {found.client_id}"' in page
    token = ApiToken.objects.get(integration=found)
    assert token.user == found.account and token.created_by == people["sofie"]
    assert token.scopes == ["concerns:read"]
    assert AuditEvent.objects.filter(action=Action.TOKEN_ISSUED, object_id=str(token.pk),
                                     details__integration=found.client_id).exists()
    me = Client(HTTP_AUTHORIZATION=f"Bearer {secret}", HTTP_X_INFOHUS_CLIENT=found.client_id).get("/api/v1/me")
    assert me.status_code == 200 and me.json()["integration"] == "Aarhus case system"
    assert secret not in page_of(client.get(url("integration_detail", found.pk)))


def test_revoking_an_integrations_token(signed_in: ClientFor, people: People) -> None:
    found = make_integration(people)
    issued = issue(people, found)
    client = signed_in("sofie")
    assert "Revoke the token" in page_of(client.get(url("integration_token_revoke", found.pk, issued.token.pk)))
    response = client.post(url("integration_token_revoke", found.pk, issued.token.pk))
    assert response.status_code == 302
    token = ApiToken.objects.get(pk=issued.token.pk)
    assert token.revoked_at is not None and token.revoked_by == people["sofie"]
    assert AuditEvent.objects.filter(action=Action.TOKEN_REVOKED, object_id=str(token.pk)).exists()
    api = Client(HTTP_AUTHORIZATION=f"Bearer {issued.secret}", HTTP_X_INFOHUS_CLIENT=found.client_id)
    assert api.get("/api/v1/me").status_code == 401


def test_a_token_of_another_integration_is_not_found_under_this_one(signed_in: ClientFor, people: People) -> None:
    found = make_integration(people)
    other_token = issue(people, make_integration(people, "Randers register")).token
    client = signed_in("sofie")
    assert client.get(url("integration_token_revoke", found.pk, other_token.pk)).status_code == 404
    assert client.post(url("integration_token_revoke", found.pk, other_token.pk)).status_code == 404
    assert ApiToken.objects.get(pk=other_token.pk).revoked_at is None


def test_a_personal_token_is_not_found_under_an_integration(signed_in: ClientFor, people: People) -> None:
    found = make_integration(people)
    aarhus = people["carl"].memberships.get(organisation__name__startswith="Aarhus")
    carls = issue_token(membership=aarhus, name="mine", scopes=["cases:read"], days=5, actor=people["carl"]).token
    assert signed_in("sofie").post(url("integration_token_revoke", found.pk, carls.pk)).status_code == 404
    assert ApiToken.objects.get(pk=carls.pk).revoked_at is None


# --- switching off -----------------------------------------------------------------------------------------

def test_switching_off_stops_every_token_at_once(signed_in: ClientFor, people: People) -> None:
    found = make_integration(people)
    issued = [issue(people, found, f"token {n}") for n in range(2)]
    calls = [Client(HTTP_AUTHORIZATION=f"Bearer {i.secret}", HTTP_X_INFOHUS_CLIENT=found.client_id) for i in issued]
    assert all(c.get("/api/v1/me").status_code == 200 for c in calls)
    client = signed_in("sofie")
    assert "Switch it off" in page_of(client.get(url("integration_switch_off", found.pk)))
    assert Integration.objects.get(pk=found.pk).is_active  # asking changes nothing
    response = client.post(url("integration_switch_off", found.pk))
    assert response.status_code == 302
    assert not Integration.objects.get(pk=found.pk).is_active
    assert AuditEvent.objects.filter(action=Action.INTEGRATION_SWITCHED_OFF, object_id=str(found.pk)).count() == 1
    for c in calls:
        refused = c.get("/api/v1/me")
        assert refused.status_code == 401
        assert refused.json()["error"]["message"] == "The token's integration has been switched off."
    # No new token either; and switching off again changes nothing.
    page = page_of(client.post(url("integration_token_new", found.pk),
                               {"name": "again", "scopes_cases": ["cases:read"], "days": "5"}), 400)
    assert "The integration is switched off." in page
    assert ApiToken.objects.filter(integration=found).count() == 2
    assert 'data-testid="already-off"' in page_of(client.post(url("integration_switch_off", found.pk)))
    assert AuditEvent.objects.filter(action=Action.INTEGRATION_SWITCHED_OFF).count() == 1


# --- query counts ------------------------------------------------------------------------------------------

@pytest.mark.parametrize("extra", [1, 15])
def test_the_list_takes_the_same_queries_for_one_or_many(signed_in: ClientFor, people: People,
                                                         django_assert_max_num_queries: Any, extra: int) -> None:
    for n in range(extra):
        issue(people, make_integration(people, f"System {n}"))
    client = signed_in("sofie")
    with django_assert_max_num_queries(LIST_QUERIES):
        page = page_of(client.get(url("integration_list")))
    assert page.count('data-testid="integration-row"') == extra
    assert page.count("Case worker, Aarhus Kommune (demo)") == extra


@pytest.mark.parametrize("extra", [1, 30])
def test_the_page_takes_the_same_queries_for_one_or_many_tokens(
        signed_in: ClientFor, people: People, django_assert_max_num_queries: Any, extra: int) -> None:
    found = make_integration(people)
    for n in range(extra):
        issue(people, found, f"token {n}")
    ApiToken.objects.filter(integration=found).update(revoked_by=people["sofie"])
    client = signed_in("sofie")
    with django_assert_max_num_queries(DETAIL_QUERIES):
        page = page_of(client.get(url("integration_detail", found.pk)))
    assert page.count('data-testid="token-row"') == extra
