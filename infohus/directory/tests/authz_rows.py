from infohus.directory.tests.authz_rows_import import ROWS as IMPORT_ROWS
from infohus.directory.tests.authz_rows_moderation import ROWS as MODERATION_ROWS
from infohus.directory.tests.authz_rows_public import ROWS as PUBLIC_ROWS

ROWS = [*PUBLIC_ROWS, *MODERATION_ROWS, *IMPORT_ROWS]
