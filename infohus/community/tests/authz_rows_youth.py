"""Authorisation-matrix rows of the community pages (youth): written by its owner."""

from tests.authz import Row

ROWS: list[Row] = []
