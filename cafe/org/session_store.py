"""The database session store, reading a session with one prepared statement.

Every logged-in request reads its session, then its person: two single-row lookups by
primary key, for which building the query through the ORM costs about as much again
as running it. ``SessionStore`` and ``CachedPermissionBackend.get_user`` read those
two rows with plain SQL; writing, expiry and everything else stay Django's.
"""

from django.contrib.sessions.backends import db
from django.db import connections, router
from django.utils import timezone


class SessionStore(db.SessionStore):
    def _get_session_from_db(self):
        model = self.model
        if not self._validate_session_key(self.session_key):
            self._session_key = None
            return None
        alias = router.db_for_read(model)
        connection = connections[alias]
        table = connection.ops.quote_name(model._meta.db_table)
        with connection.cursor() as cursor:
            cursor.execute(
                f"SELECT session_data FROM {table} "  # noqa: S608 - table name only
                "WHERE session_key = %s AND expire_date > %s",
                [self.session_key, timezone.now()],
            )
            row = cursor.fetchone()
        if row is None:
            self._session_key = None
            return None
        return model(session_key=self.session_key, session_data=row[0])
