"""The local profile store shared by the `recert` command and the app.

Profiles live in ``<home>/profiles/<name>.json`` (``home()``: ``$RECERT_HOME``, else the platform's user
data folder via platformdirs, e.g. ``~/.local/share/recert`` on Linux). A profile's transcript, when it
has one, is kept beside it as ``<name>.transcript.csv`` and named in the profile, so the file the store
holds is the same file `recert --profile` reads.

- Writes are atomic (temporary file, fsync, ``os.replace``, fsync of the folder) under a lock.
- ``write`` takes the version (sha256 of the file's bytes) the caller read; when the file on disk is
  another version — changed meanwhile by the CLI or another app session — it raises ``ProfileConflict``
  and writes nothing. ``expected_version=None`` means the profile must not exist yet.
- A file that is not a JSON object is never replaced by an empty profile: it is moved aside to
  ``<name>.damaged-<UTC timestamp>.json`` and ``DamagedProfile`` names that file.
- Names are 1–64 letters, digits, ``-`` or ``_`` (no dots or slashes: a name can never leave the folder).
"""

from __future__ import annotations

import fcntl
import hashlib
import json
import os
import re
import shutil
import tempfile
import tomllib
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, date, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any, NoReturn

from catalog.records import TooDeep, load_json

NAME_PATTERN = re.compile(r"[A-Za-z0-9][A-Za-z0-9_-]{0,63}")
DAMAGED_MARK = ".damaged-"
TRANSCRIPT_SUFFIX = ".transcript.csv"
LAST_USED_FILE = "last-used"


class StoreError(Exception):
    """A store operation failed; the message is one line for people."""


class ProfileConflict(StoreError):
    """The profile changed on disk since it was read: nothing was written."""


class DamagedProfile(StoreError):
    """The profile file could not be read as a JSON object; it was moved aside to ``aside``."""

    def __init__(self, message: str, aside: Path):
        super().__init__(message)
        self.aside = aside


@dataclass(frozen=True)
class StoredProfile:
    """A stored profile: its ``name``, file ``path``, JSON object ``data`` and ``version`` (sha256 hex
    of the file's bytes)."""

    name: str
    path: Path
    data: dict[str, Any]
    version: str


def home() -> Path:
    """Recert's data folder: ``$RECERT_HOME``, else the platform's user data folder for "recert"."""
    env = os.environ.get("RECERT_HOME")
    if env:
        return Path(env).expanduser()
    import platformdirs

    return platformdirs.user_data_path("recert")


def check_name(name: str) -> str:
    """``name`` if it is a valid profile name, else StoreError saying what a name may hold."""
    if not isinstance(name, str) or not NAME_PATTERN.fullmatch(name):
        raise StoreError(
            f"{name!r} is not a valid profile name: use 1–64 letters, digits, '-' or '_' "
            "(starting with a letter or digit)"
        )
    return name


def name_from_stem(stem: str) -> str:
    """A valid profile name made from a file's stem ("My Profile.v2" → "My-Profile-v2")."""
    cleaned = re.sub(r"[^A-Za-z0-9_-]+", "-", stem).strip("-_")[:64]
    return cleaned or "profile"


def version_of(data: bytes) -> str:
    """A file version: the sha256 of its bytes, in hex."""
    return hashlib.sha256(data).hexdigest()


def _json_value(value: Any) -> Any:
    if isinstance(value, Decimal):
        return int(value) if value == value.to_integral_value() else float(value)
    if isinstance(value, date):
        return value.isoformat()
    raise TypeError(f"{type(value).__name__} cannot be stored in a profile")


def profile_bytes(data: dict[str, Any]) -> bytes:
    """The stored form of a profile: indented UTF-8 JSON ending in a newline."""
    return (json.dumps(data, indent=2, ensure_ascii=False, default=_json_value) + "\n").encode("utf-8")


def _write_atomic(path: Path, data: bytes) -> None:
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    folder = os.open(path.parent, os.O_RDONLY)
    try:
        os.fsync(folder)
    finally:
        os.close(folder)


@contextmanager
def _locked(lock: Path) -> Iterator[None]:
    lock.parent.mkdir(parents=True, exist_ok=True)
    with open(lock, "a+b") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def read_profile_data(path: Path) -> tuple[dict[str, Any], str]:
    """A profile file's JSON object (a .toml file converted) and its version; StoreError when it cannot
    be read as one."""
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise StoreError(f"cannot read {path}: {exc.strerror}") from exc
    try:
        text = raw.decode("utf-8-sig")
        data = tomllib.loads(text) if path.suffix.lower() == ".toml" else load_json(text)
    except (
        UnicodeDecodeError,
        json.JSONDecodeError,
        tomllib.TOMLDecodeError,
        TooDeep,
        RecursionError,
    ) as exc:
        raise StoreError(f"{path} is not a readable profile ({exc})") from exc
    if not isinstance(data, dict):
        raise StoreError(f"{path} is not a profile (a JSON object)")
    return json.loads(profile_bytes(data)), version_of(raw)


def write_profile_file(
    path: Path, data: dict[str, Any], *, expected_version: str | None, lock: Path | None = None
) -> str:
    """Write ``data`` as the JSON profile file ``path`` atomically if the file is still
    ``expected_version`` (None: it must not exist), else ProfileConflict; returns the new version.
    ``lock`` (default: one per file under ``home()/locks``) serialises writers of the same file."""
    if not isinstance(data, dict):
        raise StoreError("a profile must be a JSON object")
    if path.suffix.lower() != ".json":
        raise StoreError(f"{path}: only .json profiles are written; store it with `recert profile import`")
    body = profile_bytes(data)
    if lock is None:
        lock = home() / "locks" / f"{hashlib.sha256(str(path.resolve()).encode()).hexdigest()[:32]}.lock"
    with _locked(lock):
        try:
            current: str | None = version_of(path.read_bytes())
        except FileNotFoundError:
            current = None
        if current != expected_version:
            if expected_version is None:
                raise ProfileConflict(f"a profile named {path.stem!r} already exists")
            raise ProfileConflict(
                f"profile {path.stem!r} was changed by someone else since it was read (or deleted); "
                "nothing was written — read it again and redo the change"
            )
        _write_atomic(path, body)
    return version_of(body)


class ProfileStore:
    """The profiles under ``root`` (default ``home()``) — see the module docstring."""

    def __init__(self, root: Path | None = None):
        self.root = Path(root) if root is not None else home()
        self.folder = self.root / "profiles"

    def path(self, name: str) -> Path:
        """Where the profile ``name`` is (or would be) stored."""
        return self.folder / f"{check_name(name)}.json"

    def names(self) -> list[str]:
        """The stored profiles' names, sorted (damaged files set aside are not profiles)."""
        if not self.folder.is_dir():
            return []
        return sorted(
            path.stem
            for path in self.folder.glob("*.json")
            if DAMAGED_MARK not in path.name and NAME_PATTERN.fullmatch(path.stem)
        )

    @contextmanager
    def _locked(self) -> Iterator[None]:
        with _locked(self.folder / ".lock"):
            yield

    def read(self, name: str) -> StoredProfile:
        """The stored profile ``name``: StoreError when there is none, DamagedProfile (file moved
        aside) when it is not a JSON object."""
        path = self.path(name)
        try:
            raw = path.read_bytes()
        except FileNotFoundError:
            raise StoreError(self._missing(name)) from None
        except OSError as exc:
            raise StoreError(f"cannot read profile {name!r} ({path}): {exc.strerror}") from exc
        try:
            data = load_json(raw.decode("utf-8"))
        except (UnicodeDecodeError, json.JSONDecodeError, TooDeep) as exc:
            self._set_aside(name, path, raw, f"is not valid JSON ({exc})")
        if not isinstance(data, dict):
            self._set_aside(name, path, raw, "is not a JSON object")
        return StoredProfile(name, path, data, version_of(raw))

    def _set_aside(self, name: str, path: Path, raw: bytes, problem: str) -> NoReturn:
        stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%S%fZ")
        aside = path.with_name(f"{name}{DAMAGED_MARK}{stamp}.json")
        with self._locked():
            _write_atomic(aside, raw)  # the damaged bytes are kept, whatever happens to the file next
            if self._version(name) == version_of(raw):
                path.unlink()
        raise DamagedProfile(
            f"profile {name!r} {problem}; it was kept aside as {aside} — fix it, then "
            f"`recert profile import {aside} --name {name}`",
            aside,
        )

    def _missing(self, name: str) -> str:
        stored = ", ".join(self.names()) or "none"
        return f"no stored profile named {name!r} (stored: {stored})"

    def write(self, name: str, data: dict[str, Any], *, expected_version: str | None) -> StoredProfile:
        """Store ``data`` as ``name`` atomically, if the file on disk is still ``expected_version``
        (None: no such profile yet); else ProfileConflict and nothing is written."""
        path = self.path(name)
        version = write_profile_file(
            path, data, expected_version=expected_version, lock=self.folder / ".lock"
        )
        return StoredProfile(name, path, json.loads(profile_bytes(data)), version)

    def import_file(self, path: Path | str, name: str | None = None, *, replace: bool = False) -> str:
        """Store the profile file ``path`` (.json or .toml, validated first) as ``name`` (default: the
        file's stem); its transcript, if it names one, is copied beside it. Returns the name.

        Raises StoreError naming the file and every problem; the store is unchanged then. An existing
        profile of that name is replaced only with ``replace``."""
        from recommender.rules.profile import ProfileError, load_profile

        source = Path(path)
        name = check_name(name) if name is not None else name_from_stem(source.stem)
        try:
            load_profile(source)
        except ProfileError as exc:
            raise StoreError(f"{source}: {exc}") from exc
        data, _ = read_profile_data(source)
        transcript = data.get("transcript")
        transcript_text = None
        if isinstance(transcript, str) and transcript.strip():
            transcript_text = (source.parent / transcript.strip()).read_text(encoding="utf-8-sig")
            data["transcript"] = f"{name}{TRANSCRIPT_SUFFIX}"
        current = self._version(name)
        if current is not None and not replace:
            raise StoreError(
                f"a profile named {name!r} already exists; choose another with --name, or --replace it"
            )
        if transcript_text is not None:
            self.folder.mkdir(parents=True, exist_ok=True)
            _write_atomic(self.folder / f"{name}{TRANSCRIPT_SUFFIX}", transcript_text.encode("utf-8"))
        self.write(name, data, expected_version=current)
        return name

    def _version(self, name: str) -> str | None:
        try:
            return version_of(self.path(name).read_bytes())
        except FileNotFoundError:
            return None

    def export(self, name: str, dest: Path | str) -> Path:
        """Write the stored profile ``name`` to ``dest`` (its transcript beside it, under the name the
        profile gives it). Returns ``dest``."""
        stored = self.read(name)
        target = Path(dest)
        target.parent.mkdir(parents=True, exist_ok=True)
        _write_atomic(target, stored.path.read_bytes())
        transcript = stored.data.get("transcript")
        if isinstance(transcript, str) and (self.folder / transcript).is_file():
            shutil.copyfile(self.folder / transcript, target.parent / transcript)
        return target

    def delete(self, name: str) -> None:
        """Remove the stored profile ``name`` and its transcript; StoreError when there is none."""
        path = self.path(name)
        with self._locked():
            if not path.is_file():
                raise StoreError(self._missing(name))
            path.unlink()
            (self.folder / f"{name}{TRANSCRIPT_SUFFIX}").unlink(missing_ok=True)
        if self.last_used() == name:
            (self.root / LAST_USED_FILE).unlink(missing_ok=True)

    def last_used(self) -> str | None:
        """The name of the profile used last (by the app or `recert`), if it is still stored."""
        try:
            name = (self.root / LAST_USED_FILE).read_text(encoding="utf-8").strip()
        except OSError:
            return None
        return name if NAME_PATTERN.fullmatch(name) and self.path(name).is_file() else None

    def set_last_used(self, name: str) -> None:
        """Remember ``name`` as the profile used last."""
        self.root.mkdir(parents=True, exist_ok=True)
        _write_atomic(self.root / LAST_USED_FILE, (check_name(name) + "\n").encode("utf-8"))

    def resolve(self, arg: str | None) -> Path:
        """The profile file meant by a ``--profile`` value: a path (anything with a folder separator or
        ending in .json/.toml), else a stored profile's name; None means the only stored profile.
        StoreError says what to do when that is not one profile."""
        if arg is not None:
            if "/" in arg or os.sep in arg or arg.lower().endswith((".json", ".toml")):
                return Path(arg)
            path = self.path(arg)
            if not path.is_file():
                raise StoreError(self._missing(arg))
            return path
        names = self.names()
        if len(names) == 1:
            return self.path(names[0])
        if not names:
            raise StoreError(
                f"no --profile given and no profile is stored in {self.folder}: pass --profile FILE, "
                "or store one with `recert profile import FILE`"
            )
        raise StoreError(
            f"no --profile given and {len(names)} profiles are stored ({', '.join(names)}): "
            "pass --profile NAME"
        )
