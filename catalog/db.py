"""The catalog file: schema migrations, short-lived read connections and atomic, single-writer publishing.

DuckDB lets one process write a file, and an open writer locks out every reader. So nobody ever writes the
published catalog in place: ``writing()`` copies it to a private file, hands out a read-write connection
on the copy, and on success checkpoints, fsyncs and ``os.replace``-s the copy over the published path.
A reader either keeps the inode it opened (Linux keeps it alive) or opens the new one; it never sees a
half-written catalog, and a writer killed at any moment leaves the published file as it was. A file lock
next to the catalog (``<name>.lock``) serialises writers.
"""

from __future__ import annotations

import atexit
import contextlib
import fcntl
import os
import shutil
import tempfile
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import duckdb

MIGRATIONS_DIR = Path(__file__).with_name("migrations")
VIEWS_DIR = Path(__file__).with_name("views")
LOCK_TIMEOUT_S = 120.0
READ_RETRY_S = 5.0
_RETRY_SLEEP_S = 0.05


class CatalogError(Exception):
    """The catalog path cannot be used as asked; the message names the path the caller gave."""


class CatalogMissing(CatalogError, FileNotFoundError):
    """There is no catalog file at the given path (build one with `recert sample` or `recert load`)."""


class NotACatalog(CatalogError):
    """The path is a directory, not a DuckDB file, or a DuckDB file without Recert's schema: refused,
    left exactly as it was."""


class CatalogOutdated(CatalogError):
    """The catalog was written by an older Recert; readers never upgrade it (the next write does)."""


class MigrationFailed(CatalogError):
    """A migration could not be applied (e.g. duplicate keys where 012 adds unique keys); the upgrade was
    rolled back whole."""


class CatalogBusy(CatalogError, RuntimeError):
    """Another process kept the writer lock for longer than the timeout."""


INTERRUPTED = threading.Event()
"""Set when the user interrupted (Ctrl-C; the CLI's SIGINT handler sets it): a writer then discards its
copy instead of publishing, even if a library swallowed the KeyboardInterrupt on the way (DuckDB turns
one into an InterruptException, which a fallback may catch)."""


DUCKDB_MAGIC = b"DUCK"
"""DuckDB's file format id, at byte offset 8 of every database file."""


def published_file(path: str | os.PathLike[str]) -> Path:
    """The file a catalog path publishes to: a symlink is followed (the new catalog is written beside
    its target and replaces the target, so the link keeps pointing at it)."""
    return Path(os.path.realpath(path))


def check_catalog_file(path: str | os.PathLike[str], *, shown: str | os.PathLike[str] | None = None) -> bool:
    """Whether a catalog file exists at ``path`` (False when nothing is there yet). Raises NotACatalog
    for a directory or a file that is not a DuckDB database; reads at most 12 bytes, changes nothing.
    ``shown`` is the path named in messages (the one the user gave)."""
    name = shown if shown is not None else path
    target = Path(path)
    if target.is_dir():
        raise NotACatalog(f"{name} is a directory, not a catalog file; give a file path to --catalog")
    try:
        with open(target, "rb") as handle:
            head = handle.read(12)
    except FileNotFoundError:
        return False
    except OSError as exc:
        raise NotACatalog(f"{name} cannot be read ({exc.strerror or exc})") from None
    if not head:
        return False  # an empty file holds nothing to lose: it becomes a new catalog
    if head[8:12] != DUCKDB_MAGIC:
        raise NotACatalog(f"{name} is not a Recert catalog (not a DuckDB database file); it was not changed")
    return True


def require_recert_schema(con: duckdb.DuckDBPyConnection, shown: str | os.PathLike[str]) -> None:
    """Raise NotACatalog unless the database behind ``con`` is a Recert catalog (its schema_version
    records the first catalog migration)."""
    try:
        rows = con.execute("SELECT count(*) FROM schema_version WHERE version = 1").fetchall()
    except duckdb.Error:
        rows = [(0,)]
    if rows[0][0] == 0:
        raise NotACatalog(
            f"{shown} is not a Recert catalog (a DuckDB database without Recert's tables); it was not changed"
        )


def migrations() -> list[tuple[int, Path]]:
    """(version, file) of every migration, in order; the version is the file's NNN prefix."""
    found = []
    for file in MIGRATIONS_DIR.glob("*.sql"):
        prefix = file.name.split("_", 1)[0]
        if prefix.isdigit():
            found.append((int(prefix), file))
    return sorted(found)


def latest_version() -> int:
    """The highest migration version the code knows."""
    known = migrations()
    return known[-1][0] if known else 0


def schema_version(con: duckdb.DuckDBPyConnection) -> int:
    """The highest migration applied to the catalog behind ``con`` (0 for an empty file)."""
    try:
        rows = con.execute("SELECT max(version) FROM schema_version").fetchall()
    except duckdb.CatalogException:
        return 0
    return int(rows[0][0]) if rows and rows[0][0] is not None else 0


def pending(con: duckdb.DuckDBPyConnection) -> list[int]:
    """Versions of migrations not yet applied to the catalog behind ``con`` (any number may be missing:
    the ML helper's 050 can be there before a later catalog migration)."""
    try:
        applied = {int(v) for (v,) in con.execute("SELECT version FROM schema_version").fetchall()}
    except duckdb.CatalogException:
        applied = set()
    return [version for version, _ in migrations() if version not in applied]


OWN_TRANSACTION = "-- recert: own transaction"
"""Marks a migration that must not share a transaction with earlier ones: DuckDB checks a new unique
index against every row version of the transaction, so the rows an earlier migration rewrote (011's
UPDATE) would count twice."""


def migrate(con: duckdb.DuckDBPyConnection) -> list[int]:
    """Apply the migrations not yet recorded in ``schema_version`` and recreate the views, in one
    transaction (one commit is cheaper than one per migration and view) except where a migration is
    marked ``OWN_TRANSACTION``. Writers migrate their private copy, so a failed upgrade is discarded
    whole and the published catalog is never half-upgraded. Idempotent; returns the versions applied
    now."""
    con.execute("BEGIN TRANSACTION")
    try:
        con.execute(
            "CREATE TABLE IF NOT EXISTS schema_version ("
            " version INTEGER PRIMARY KEY, name VARCHAR NOT NULL, applied_at TIMESTAMPTZ NOT NULL)"
        )
        applied = {int(v) for (v,) in con.execute("SELECT version FROM schema_version").fetchall()}
        done: list[int] = []
        for version, file in migrations():
            if version in applied:
                continue
            sql = file.read_text(encoding="utf-8")
            if done and OWN_TRANSACTION in sql:
                con.execute("COMMIT")  # the private copy is discarded if a later step fails
                con.execute("BEGIN TRANSACTION")
            try:
                con.execute(sql)
            except duckdb.Error as exc:
                reason = str(exc).split(" Error: ", 1)[-1]  # without DuckDB's "Invalid Input Error: "
                raise MigrationFailed(f"cannot upgrade the catalog to schema {version}: {reason}") from exc
            con.execute("INSERT INTO schema_version VALUES (?, ?, now())", [version, file.stem])
            done.append(version)
        for view in sorted(VIEWS_DIR.glob("*.sql")):
            con.execute(view.read_text(encoding="utf-8"))
        con.execute("COMMIT")
    except BaseException:
        con.execute("ROLLBACK")
        raise
    return done


@contextlib.contextmanager
def read_connection(path: str | os.PathLike[str]) -> Iterator[duckdb.DuckDBPyConnection]:
    """A read-only connection to the published catalog, for one short piece of work; closed on exit.

    It is a cursor on a per-process cached connection to the catalog file as it is now (reopened when a
    writer has published a new file), so repeated queries skip the cost of opening the file. Never
    changes the file: raises CatalogMissing when there is no catalog, NotACatalog for anything that is
    not one, CatalogOutdated for a catalog an older Recert wrote (the next write upgrades it).
    """
    cursor = _reader(Path(path)).cursor()
    try:
        yield cursor
    finally:
        cursor.close()


_readers_lock = threading.Lock()
_readers: dict[Path, tuple[tuple[int, int, int], Path, duckdb.DuckDBPyConnection]] = {}


def _reader(catalog: Path) -> duckdb.DuckDBPyConnection:
    """The cached read-only connection for the catalog's current file (identified by inode, mtime, size)."""
    try:
        stat = os.stat(catalog)
    except FileNotFoundError:
        raise CatalogMissing(
            f"no catalog at {catalog} (build one with `recert sample` or `recert load`)"
        ) from None
    stamp = (stat.st_ino, stat.st_mtime_ns, stat.st_size)
    key = catalog.resolve()
    with _readers_lock:
        cached = _readers.get(key)
        if cached and cached[0] == stamp:
            return cached[2]
        if cached:
            _forget(key)
        # Only a file not read before is checked (a cached one was, and its identity is unchanged).
        if not check_catalog_file(catalog):
            raise CatalogMissing(f"no catalog at {catalog} (build one with `recert sample` or `recert load`)")
        alias = _alias(key, stamp)
        try:
            root = _connect_read_only(alias, shown=catalog)
        except BaseException:
            alias.unlink(missing_ok=True)
            raise
        try:
            _require_current(root, catalog)
        except BaseException:
            root.close()
            alias.unlink(missing_ok=True)
            raise
        _readers[key] = (stamp, alias, root)
    return root


def _require_current(con: duckdb.DuckDBPyConnection, catalog: Path) -> None:
    """Raise NotACatalog or CatalogOutdated unless ``con`` reads a Recert catalog at the current schema."""
    require_recert_schema(con, catalog)
    missing = pending(con)
    if missing:
        raise CatalogOutdated(
            f"{catalog} was written by an older Recert ({len(missing)} schema change(s) missing); reading "
            f"never changes it: run `recert upgrade --catalog {catalog}` "
            "(or any load, crawl or sample build) to upgrade it"
        )


def _alias(catalog: Path, stamp: tuple[int, int, int]) -> Path:
    """A symlink named after the file's identity. DuckDB caches open databases by path within a process,
    so a fresh name per published file is what makes a new connection see the new file."""
    global _alias_dir
    if _alias_dir is None:
        _alias_dir = Path(tempfile.mkdtemp(prefix="recert-readers-"))
        atexit.register(shutil.rmtree, _alias_dir, ignore_errors=True)
    alias = _alias_dir / f"{stamp[0]}-{stamp[1]}-{stamp[2]}-{abs(hash(catalog))}.duckdb"
    alias.unlink(missing_ok=True)
    alias.symlink_to(catalog)
    return alias


_alias_dir: Path | None = None


def _forget(key: Path) -> None:
    """Drop a cached connection; cursors still in use keep working on the file they opened."""
    _, alias, root = _readers.pop(key)
    root.close()
    alias.unlink(missing_ok=True)


def _connect_read_only(catalog: Path, *, shown: Path) -> duckdb.DuckDBPyConnection:
    deadline = time.monotonic() + READ_RETRY_S
    while True:
        if not catalog.is_file():
            raise CatalogMissing(f"no catalog at {shown} (build one with `recert sample` or `recert load`)")
        try:
            return duckdb.connect(str(catalog), read_only=True)
        except duckdb.IOException:
            # Someone holds the file open read-write (only a legacy in-place writer would): wait briefly.
            if time.monotonic() >= deadline:
                raise NotACatalog(
                    f"{shown} cannot be opened as a catalog (held by another program?)"
                ) from None
            time.sleep(_RETRY_SLEEP_S)
        except duckdb.Error:
            raise NotACatalog(
                f"{shown} is not a Recert catalog (DuckDB cannot open it); it was not changed"
            ) from None


@contextlib.contextmanager
def writing(
    path: str | os.PathLike[str], *, lock_timeout: float = LOCK_TIMEOUT_S
) -> Iterator[duckdb.DuckDBPyConnection]:
    """A read-write connection on a private, migrated copy of the catalog, published atomically.

    On a clean exit the copy is checkpointed, fsynced and renamed over ``path``; on any exception the
    copy is deleted and ``path`` is untouched. Waits up to ``lock_timeout`` seconds for another writer,
    then raises CatalogBusy.
    """
    shown = Path(path)
    catalog = published_file(shown)
    existed = _checked_before_writing(catalog, shown)
    catalog.parent.mkdir(parents=True, exist_ok=True)
    with _writer_lock(catalog, lock_timeout):
        _remove_stale_copies(catalog)
        _absorb_stray_wal(catalog)
        copy = catalog.with_name(f"{catalog.name}.writing-{os.getpid()}")
        try:
            if catalog.exists():
                shutil.copyfile(catalog, copy)
            con = _connect_writer(copy)
        except BaseException:  # e.g. Ctrl-C while copying: no half copy is left behind
            _remove(copy)
            raise
        try:
            if existed:
                require_recert_schema(con, shown)
            migrate(con)
            with _write_behind(copy):
                yield con
            con.execute("CHECKPOINT")
            con.close()
            _fsync(copy)
            if INTERRUPTED.is_set():
                raise KeyboardInterrupt
            os.replace(copy, catalog)
            _fsync(catalog.parent)
        except BaseException:
            con.close()
            _remove(copy)
            raise


def _checked_before_writing(catalog: Path, shown: Path) -> bool:
    """Whether a catalog exists at ``catalog``; raises NotACatalog (before taking the lock or creating
    anything beside it) for a directory, a file that is not DuckDB's or a DuckDB database without
    Recert's schema, and for a parent that is not a directory."""
    if catalog.parent.exists() and not catalog.parent.is_dir():
        raise NotACatalog(f"{shown} cannot be a catalog: {catalog.parent} is not a directory")
    if not check_catalog_file(catalog, shown=shown):
        return False
    try:
        con = duckdb.connect(str(catalog), read_only=True)
    except duckdb.IOException:
        return True  # held read-write by a legacy in-place writer: checked on the private copy instead
    except duckdb.Error:
        raise NotACatalog(
            f"{shown} is not a Recert catalog (DuckDB cannot open it); it was not changed"
        ) from None
    try:
        require_recert_schema(con, shown)
    finally:
        con.close()
    return True


ROW_GROUP_SIZE = 32_768
"""Rows per row group in catalogs written from now on (DuckDB's default is 122,880). DuckDB compresses
and writes each full row group while an insert runs, one per thread: with 100,000 courses in one default
row group the compression ran on one core, at COMMIT. Smaller groups share it between both cores, but a
search page then fetches its rows from more groups: interleaved on 100k, search p50 23.6 ms (one group),
25.2 ms (32,768), 27.2 ms (16,384), and loads as fast with 32,768 as with 16,384."""


def _connect_writer(copy: Path) -> duckdb.DuckDBPyConnection:
    """A read-write connection whose default database is the private ``copy``."""
    con = duckdb.connect()
    try:
        quoted = str(copy).replace("'", "''")
        con.execute(f"ATTACH '{quoted}' AS recert (ROW_GROUP_SIZE {ROW_GROUP_SIZE})")
        con.execute("USE recert")
        # A commit bigger than this checkpoints straight into the (private) file instead of writing
        # the WAL first and the file again at the final CHECKPOINT.
        con.execute("SET checkpoint_threshold = '1MB'")
    except BaseException:
        con.close()
        raise
    return con


WRITE_BEHIND_S = 0.1


@contextlib.contextmanager
def _write_behind(copy: Path) -> Iterator[None]:
    """Flush the private copy's written pages to disk every ``WRITE_BEHIND_S`` seconds from a background
    thread while the writer works. DuckDB writes full row groups to the file as an insert runs and
    fsyncs at COMMIT; without this the whole file (~30 MB per 100,000 courses) goes to disk then, with
    both cores idle (≈ 0.07 s here). Only an optimisation: a failed flush is left to the final fsync."""
    stop = threading.Event()

    def flush() -> None:
        try:
            fd = os.open(copy, os.O_RDONLY)
        except OSError:
            return
        try:
            while not stop.wait(WRITE_BEHIND_S):
                os.fsync(fd)
        except OSError:
            pass
        finally:
            os.close(fd)

    thread = threading.Thread(target=flush, name="recert-write-behind", daemon=True)
    thread.start()
    try:
        yield
    finally:
        stop.set()
        thread.join()


@contextlib.contextmanager
def _writer_lock(catalog: Path, timeout: float) -> Iterator[None]:
    lock_path = catalog.with_name(f"{catalog.name}.lock")
    deadline = time.monotonic() + timeout
    with open(lock_path, "a+b") as lock_file:
        while True:
            try:
                fcntl.flock(lock_file.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                if time.monotonic() >= deadline:
                    raise CatalogBusy(
                        f"another process is writing {catalog}; gave up after {timeout:g} s"
                    ) from None
                time.sleep(_RETRY_SLEEP_S)
        try:
            yield
        finally:
            fcntl.flock(lock_file.fileno(), fcntl.LOCK_UN)


def _remove_stale_copies(catalog: Path) -> None:
    """Private copies left by a writer that died (we hold the lock, so none is in use)."""
    for stale in catalog.parent.glob(f"{catalog.name}.writing-*"):
        stale.unlink(missing_ok=True)


def _absorb_stray_wal(catalog: Path) -> None:
    """Fold a WAL left by an in-place writer into the catalog before copying it, or it would be lost
    (and later replayed against the wrong file)."""
    if not Path(f"{catalog}.wal").exists():
        return
    con = duckdb.connect(str(catalog))
    try:
        con.execute("CHECKPOINT")
    finally:
        con.close()


def _remove(copy: Path) -> None:
    copy.unlink(missing_ok=True)
    Path(f"{copy}.wal").unlink(missing_ok=True)


def _fsync(target: Path) -> None:
    fd = os.open(target, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)
