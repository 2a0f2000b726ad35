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

import hashlib

from django.contrib.auth.backends import ModelBackend
from django.core.cache import cache

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


class CachedPermissionBackend(ModelBackend):
    """``ModelBackend`` whose ``get_all_permissions`` is read from the cache."""

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
