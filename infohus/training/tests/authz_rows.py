from infohus.training.tests.authz_rows_compliance import ROWS as COMPLIANCE_ROWS
from infohus.training.tests.authz_rows_courses import ROWS as COURSE_ROWS
from infohus.training.tests.authz_rows_evaluation import ROWS as EVALUATION_ROWS

ROWS = [*COURSE_ROWS, *EVALUATION_ROWS, *COMPLIANCE_ROWS]
