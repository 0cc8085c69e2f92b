"""Keys read once and used again in later queries: `queryset.filter(InKeys("person", keys))`.

A few keys are sent as Django sends `person__in=[...]`, one parameter each. Past SMALL keys they
are one parameter: Django's list would cost time to build at thousands, and SQLite refuses more
than 32,766 parameters. That one parameter is an array on PostgreSQL, tested with `= ANY`, which
its planner knows the length of (it looks the keys up in a hash, or in an index when they are few
against many rows), and a JSON array on SQLite. Keys used in several queries are best a KeySet,
whose parameter is then written once.
"""

import json
from functools import cached_property

from django.core.exceptions import EmptyResultSet
from django.db import models


class KeySet(frozenset):
    """Keys, with the one parameter that sends them written once however often they are sent."""

    @cached_property
    def in_order(self):
        # The same keys, the same SQL: in order, for the databases' statement caches and logs.
        return sorted(self)

    @cached_property
    def postgresql_array(self):
        # As the array's text: the driver turns a list of thousands into an array slowly.
        return "{" + ",".join(map(str, self)) + "}"

    @cached_property
    def json_array(self):
        return json.dumps(list(self))


class InKeys(models.Expression):
    """The condition that the field (a key or a foreign key) is one of the keys."""

    SMALL = 500
    output_field = models.BooleanField()

    def __init__(self, field, keys):
        super().__init__()
        self.column = field if hasattr(field, "resolve_expression") else models.F(field)
        self.keys = keys if isinstance(keys, KeySet) else KeySet(keys)

    def __repr__(self):
        return f"{self.__class__.__name__}({self.column!r}, {len(self.keys)} keys)"

    def get_source_expressions(self):
        return [self.column]

    def set_source_expressions(self, expressions):
        (self.column,) = expressions

    def as_sql(self, compiler, connection):
        if not self.keys:
            raise EmptyResultSet  # as Django does for field__in=[]
        column, params = compiler.compile(self.column)
        if len(self.keys) <= self.SMALL:
            placeholders = ", ".join(["%s"] * len(self.keys))
            return f"{column} IN ({placeholders})", [*params, *self.keys.in_order]
        if connection.vendor == "postgresql":
            return f"{column} = ANY(%s::bigint[])", [*params, self.keys.postgresql_array]
        return f"{column} IN (SELECT value FROM json_each(%s))", [*params, self.keys.json_array]
