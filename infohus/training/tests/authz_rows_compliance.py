"""Authorisation-matrix rows of the training pages (compliance): written by its owner."""

from tests.authz import Row

ROWS: list[Row] = []
