"""The cost report as tables for the downloads of infohus.core.exports. A cost per participant
that cannot be computed (no participants) is an empty cell."""

from django.utils.translation import gettext as _

from infohus.core.exports import Cell, Table
from infohus.training.selectors.costs import CostReport

# --- the cost report ---------------------------------------------------------------------------------

def cost_tables(report: CostReport) -> tuple[Table, Table]:
    """The runs with their cost and counts (and a total row), and the participants by kind of
    organisation per run (and in total)."""
    total = _("Total")
    run_rows: list[list[Cell]] = [
        [r.run.course.title, r.run.course.get_kind_display(), r.run.starts_on.isoformat(), r.run.ends_on.isoformat(),
         r.run.get_status_display(), r.cost, r.enrolled, r.completed, r.per_enrolled, r.per_completed]
        for r in report.runs]
    run_rows.append([total, "", "", "", "", report.total_cost, report.enrolled, report.completed,
                     report.per_enrolled, report.per_completed])
    runs = Table(
        title=_("Cost per run"),
        header=[_("Course"), _("Kind of course"), _("Starts on"), _("Ends on"), _("Status"), _("Cost (DKK)"),
                _("Enrolled"), _("Completed"), _("Cost per enrolled participant (DKK)"),
                _("Cost per participant who completed (DKK)")],
        rows=run_rows)
    kind_rows: list[list[Cell]] = [[r.run.course.title, r.run.starts_on.isoformat(), *counts, r.enrolled]
                                   for r, counts in report.kind_rows()]
    kind_rows.append([total, "", *report.kind_totals(), report.enrolled])
    kinds = Table(title=_("By kind of organisation"),
                  header=[_("Course"), _("Starts on"), *(label for _value, label in report.kinds), _("Enrolled")],
                  rows=kind_rows)
    return runs, kinds
