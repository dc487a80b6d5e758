from infohus.privacy.tests.authz_rows_processing import ROWS as PROCESSING_ROWS
from infohus.privacy.tests.authz_rows_retention import ROWS as RETENTION_ROWS
from infohus.privacy.tests.authz_rows_subject_access import ROWS as SUBJECT_ACCESS_ROWS

ROWS = [*PROCESSING_ROWS, *RETENTION_ROWS, *SUBJECT_ACCESS_ROWS]
