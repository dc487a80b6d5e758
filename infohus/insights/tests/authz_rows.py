from infohus.insights.tests.authz_rows_dashboard import ROWS as DASHBOARD_ROWS
from infohus.insights.tests.authz_rows_research import ROWS as RESEARCH_ROWS

ROWS = [*DASHBOARD_ROWS, *RESEARCH_ROWS]
