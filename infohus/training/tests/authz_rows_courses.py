"""Authorisation-matrix rows of the training pages (courses): written by its owner."""

from tests.authz import Row

ROWS: list[Row] = []
