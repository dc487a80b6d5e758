"""Integrations for tests, made through the service as sofie would make them."""

from infohus.accounts.models import Organisation, User
from infohus.accounts.roles import Role
from infohus.api.models import Integration
from infohus.api.services import create_integration


def make_integration(people: dict[str, User], name: str = "Aarhus case system", *,
                     role: str = Role.CASE_WORKER) -> Integration:
    """An integration acting as a case worker of Aarhus, made by sofie."""
    aarhus = Organisation.objects.get(name__startswith="Aarhus")
    return create_integration(name=name, description="Sends concerns from the municipality's system",
                              organisation=aarhus, role=role, actor=people["sofie"])
