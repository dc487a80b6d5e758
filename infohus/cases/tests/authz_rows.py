from infohus.cases.tests.authz_rows_cases import ROWS as CASE_ROWS
from infohus.cases.tests.authz_rows_concerns import ROWS as CONCERN_ROWS
from infohus.cases.tests.authz_rows_triage import ROWS as TRIAGE_ROWS

ROWS = [*CONCERN_ROWS, *TRIAGE_ROWS, *CASE_ROWS]
