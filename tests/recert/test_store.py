"""The profile store: atomic writes, conflicts by version, damaged files kept aside, safe names."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from recert.store import DamagedProfile, ProfileConflict, ProfileStore, StoreError, home

ROOT = Path(__file__).resolve().parents[2]
EXAMPLE = ROOT / "data" / "examples" / "profile.json"
CMA = {"credentials": [{"id": "cma_aama", "certified_on": "2023-06-15"}]}


@pytest.fixture()
def store(tmp_path: Path) -> ProfileStore:
    return ProfileStore(tmp_path / "home")


def test_home_is_recert_home_else_the_platform_user_data_folder(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.setenv("RECERT_HOME", str(tmp_path))
    assert home() == tmp_path and ProfileStore().folder == tmp_path / "profiles"
    monkeypatch.delenv("RECERT_HOME")
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "xdg"))
    assert home() == tmp_path / "xdg" / "recert"


def test_write_then_read_round_trips_with_a_version(store: ProfileStore) -> None:
    written = store.write("anna", CMA, expected_version=None)
    read = store.read("anna")
    assert read.data == CMA and read.version == written.version and read.path == store.path("anna")
    assert store.names() == ["anna"]
    assert not [p for p in store.folder.iterdir() if p.name.endswith(".tmp")]


def test_a_stale_write_is_refused_and_the_file_is_unchanged(store: ProfileStore) -> None:
    first = store.write("anna", CMA, expected_version=None)
    changed = {**CMA, "interests": "EKG"}
    store.write("anna", changed, expected_version=first.version)  # e.g. the CLI
    before = store.path("anna").read_bytes()
    with pytest.raises(ProfileConflict, match="changed by someone else"):
        store.write("anna", {**CMA, "interests": "other"}, expected_version=first.version)  # the app
    assert store.path("anna").read_bytes() == before
    with pytest.raises(ProfileConflict, match="already exists"):
        store.write("anna", CMA, expected_version=None)


@pytest.mark.parametrize("damage", [b"{not json", b"[1, 2]", b"\xff\xfe"])
def test_a_damaged_file_is_kept_aside_never_replaced_by_an_empty_one(
    store: ProfileStore, damage: bytes
) -> None:
    store.write("anna", CMA, expected_version=None)
    store.path("anna").write_bytes(damage)
    with pytest.raises(DamagedProfile) as caught:
        store.read("anna")
    aside = caught.value.aside
    assert aside.read_bytes() == damage and str(aside) in str(caught.value)
    assert aside.name.startswith("anna.damaged-") and not store.path("anna").exists()
    assert store.names() == []


@pytest.mark.parametrize("name", ["../evil", "a/b", ".hidden", "", "x" * 65, "a.b", "/etc/passwd", "a b"])
def test_names_that_could_leave_the_folder_are_refused(store: ProfileStore, name: str) -> None:
    with pytest.raises(StoreError, match="not a valid profile name"):
        store.write(name, CMA, expected_version=None)
    assert not store.folder.exists() or store.names() == []


def test_import_validates_first_and_stores_nothing_when_the_file_is_wrong(
    store: ProfileStore, tmp_path: Path
) -> None:
    bad = tmp_path / "bad.json"
    bad.write_text(json.dumps({"credentials": [{"id": "cma_aama", "certified_on": "2023-13-45"}]}))
    with pytest.raises(StoreError, match=r"bad\.json: .*credentials\[0\]\.certified_on"):
        store.import_file(bad)
    assert store.names() == []


def test_import_keeps_the_transcript_beside_the_profile(store: ProfileStore) -> None:
    from recommender.rules.profile import load_profile

    name = store.import_file(EXAMPLE)
    assert name == "profile" and store.names() == ["profile"]
    stored = load_profile(store.path(name))
    original = load_profile(EXAMPLE)
    assert stored.credentials[0].standing == original.credentials[0].standing  # transcript still counted
    with pytest.raises(StoreError, match="already exists"):
        store.import_file(EXAMPLE)
    assert store.import_file(EXAMPLE, "second") == "second"


def test_export_writes_the_profile_and_its_transcript(store: ProfileStore, tmp_path: Path) -> None:
    from recommender.rules.profile import load_profile

    store.import_file(EXAMPLE, "anna")
    out = store.export("anna", tmp_path / "out" / "anna.json")
    assert load_profile(out).credentials[0].standing == load_profile(EXAMPLE).credentials[0].standing


def test_delete_and_last_used(store: ProfileStore) -> None:
    store.write("anna", CMA, expected_version=None)
    store.set_last_used("anna")
    assert store.last_used() == "anna"
    store.delete("anna")
    assert store.names() == [] and store.last_used() is None
    with pytest.raises(StoreError, match="no stored profile named 'anna'"):
        store.delete("anna")


def test_resolve_takes_a_path_a_name_or_the_only_profile(store: ProfileStore) -> None:
    with pytest.raises(StoreError, match="no profile is stored"):
        store.resolve(None)
    store.write("anna", CMA, expected_version=None)
    assert store.resolve(None) == store.path("anna") == store.resolve("anna")
    assert store.resolve("data/examples/profile.json") == Path("data/examples/profile.json")
    assert store.resolve("profile.toml") == Path("profile.toml")
    store.write("ben", CMA, expected_version=None)
    with pytest.raises(StoreError, match=r"2 profiles are stored \(anna, ben\)"):
        store.resolve(None)
    with pytest.raises(StoreError, match="no stored profile named 'carl'"):
        store.resolve("carl")


def test_concurrent_writers_one_wins_the_other_gets_a_conflict(store: ProfileStore) -> None:
    base = store.write("anna", CMA, expected_version=None)
    pid = os.fork()
    if pid == 0:  # a second process (the CLI) writing from the same version
        try:
            store.write("anna", {**CMA, "interests": "child"}, expected_version=base.version)
            os._exit(0)
        except ProfileConflict:
            os._exit(3)
    try:
        store.write("anna", {**CMA, "interests": "parent"}, expected_version=base.version)
        mine = True
    except ProfileConflict:
        mine = False
    _, status = os.waitpid(pid, 0)
    child = os.waitstatus_to_exitcode(status) == 0
    assert mine != child  # exactly one write went through
    assert store.read("anna").data["interests"] == ("parent" if mine else "child")
