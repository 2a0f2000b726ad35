"""The permission backend: Django's model backend, with each person's permissions
kept in the cache between requests.

Every page asks the role navigation what the person may use; without the cache that
costs two queries per request (the person's own permissions and their groups'). The
cache key carries ``User.authz_version``, which the user row brings with it: any change
to a person's groups or permissions, or to a group's permissions, increments it in the
database (``cafe.org.signals``), so the next request of that person, in any process,
misses the cache and reads the permissions again. The other fields in the key make a
reused primary key, a password change, or a change to ``is_active``/``is_superuser``
miss too.
"""

import functools
import hashlib

from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.db import connections, router

PERMISSIONS_TIMEOUT = 24 * 60 * 60


def permissions_key(user) -> str:
    identity = "|".join(
        str(part)
        for part in (
            user.pk,
            user.authz_version,
            user.is_active,
            user.is_superuser,
            user.password,
            user.date_joined.isoformat() if user.date_joined else "",
        )
    )
    return "perms:" + hashlib.blake2b(identity.encode(), digest_size=16).hexdigest()


@functools.cache
def _user_select(alias: str):
    """SELECT of every concrete column of the user table by primary key, the
    attribute names, and each column's converters (as the ORM's compiler finds)."""
    model = get_user_model()
    connection = connections[alias]
    quote = connection.ops.quote_name
    fields = model._meta.concrete_fields
    columns = ", ".join(quote(f.column) for f in fields)
    sql = (
        f"SELECT {columns} FROM {quote(model._meta.db_table)} "  # noqa: S608
        f"WHERE {quote(model._meta.pk.column)} = %s"
    )
    converters = []
    for index, field in enumerate(fields):
        column = field.get_col(model._meta.db_table)
        found = connection.ops.get_db_converters(column)
        found += column.get_db_converters(connection)
        if found:
            converters.append((index, found, column))
    return sql, [f.attname for f in fields], converters


class CachedPermissionBackend(ModelBackend):
    """``ModelBackend`` whose ``get_all_permissions`` is read from the cache, and
    whose ``get_user`` (once per logged-in request) reads the row with plain SQL."""

    def get_user(self, user_id):
        model = get_user_model()
        try:
            pk = model._meta.pk.to_python(user_id)
        except ValidationError:
            return None
        alias = router.db_for_read(model)
        connection = connections[alias]
        sql, attnames, converters = _user_select(alias)
        with connection.cursor() as cursor:
            cursor.execute(sql, [pk])
            row = cursor.fetchone()
        if row is None:
            return None
        values = list(row)
        for index, functions, column in converters:
            for convert in functions:
                values[index] = convert(values[index], column, connection)
        user = model.from_db(alias, attnames, values)
        return user if self.user_can_authenticate(user) else None

    def get_all_permissions(self, user_obj, obj=None):
        if not user_obj.is_active or user_obj.is_anonymous or obj is not None:
            return set()
        if not hasattr(user_obj, "_perm_cache"):
            key = permissions_key(user_obj)
            perms = cache.get(key)
            if perms is None:
                perms = frozenset(super().get_all_permissions(user_obj))
                cache.set(key, perms, PERMISSIONS_TIMEOUT)
            user_obj._perm_cache = set(perms)
        return user_obj._perm_cache
