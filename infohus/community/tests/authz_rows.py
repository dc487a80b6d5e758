from infohus.community.tests.authz_rows_partners import ROWS as PARTNER_ROWS
from infohus.community.tests.authz_rows_youth import ROWS as YOUTH_ROWS

ROWS = [*PARTNER_ROWS, *YOUTH_ROWS]
