"""Store failures in words an operator can act on."""

from __future__ import annotations

#: (words in the driver's message, what happened and what to do)
_KNOWN = (
    (("database is locked", "database table is locked"),
     "The message store is busy: another program holds it locked. The console tries again; if this goes on, "
     "close the other program (or a second console started on the same store)."),
    (("database or disk is full", "no space left on device", "disk full"),
     "The disk of the message store is full: nothing more can be saved. Free some space; the console goes on "
     "once there is room."),
    (("disk i/o error", "input/output error"),
     "The message store's disk reported an error while reading or writing. Check the disk; the console "
     "tries again."),
    (("readonly database", "read-only file system", "attempt to write a readonly"),
     "The message store cannot be written: its file or disk is read-only. Check its permissions."),
    (("connection refused", "could not connect", "server closed the connection", "connection is closed",
      "terminating connection", "connection timed out", "the database system is shutting down",
      "the database system is starting up", "ssl syscall error"),
     "The database server of the message store cannot be reached. The console tries again; check the server "
     "and the network."),
    (("database disk image is malformed", "file is not a database"),
     "The message store's file is damaged. Stop the console and restore the store from a backup."),
)


def describe_store_error(exc: BaseException) -> str | None:
    """Words for a store failure (locked, disk full, connection lost...), or None for anything else."""
    seen: set[int] = set()
    while exc is not None and id(exc) not in seen:
        seen.add(id(exc))
        text = str(exc).lower()
        module = type(exc).__module__
        if module.startswith(("sqlalchemy", "sqlite3", "psycopg")) or isinstance(exc, OSError):
            for needles, words in _KNOWN:
                if any(n in text for n in needles):
                    return words
        exc = exc.__cause__ or exc.__context__
    return None
