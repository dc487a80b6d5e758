from tests.authz import EVERYONE, PUBLIC, Row, allowed

ROWS = [
    Row("core:front", PUBLIC),
    Row("core:healthz", PUBLIC),
    Row("core:start", EVERYONE, ok=frozenset({200})),
    Row("set_language", PUBLIC, method="POST", data={"language": "en", "next": "/"}),
    Row("accounts:sign_in", PUBLIC),
    Row("accounts:second_factor", PUBLIC, note="sends anonymous visitors to sign in; verified people onward"),
    Row("accounts:enrol", PUBLIC, note="anonymous visitors are sent to sign in"),
    Row("accounts:security", EVERYONE, ok=frozenset({200})),
    Row("accounts:recovery_codes", EVERYONE, method="POST", ok=frozenset({200})),
    Row("accounts:sign_out", PUBLIC, method="POST"),
    Row("accounts:switch_organisation", EVERYONE, method="POST", data={"membership": 0}),
    Row("audit:trail", allowed("dina"), ok=frozenset({200})),
    Row("audit:verify", allowed("dina"), method="POST", ok=frozenset({200})),
    Row("admin:index", allowed("sofie"), ok=frozenset({200})),
    Row("admin:*", allowed("sofie"), ok=frozenset({200}), sample="admin:accounts_membership_changelist",
        note="every page of Django admin asks the same has_permission"),
]
