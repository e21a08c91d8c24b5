"""page_guard recognises a failure by its class, never by its class name: a subclass of ProfileError is a
profile problem, an unrelated exception that happens to be called ProfileError is not."""

from __future__ import annotations

from pathlib import Path

import duckdb
from streamlit.testing.v1 import AppTest

from catalog.db import migrations


def _page(kind: str) -> None:
    from recert import ui
    from recommender.rules.profile import ProfileError

    class StoredProfileError(ProfileError):  # a subclass with another name
        pass

    class Unrelated(Exception):
        pass

    Unrelated.__name__ = "ProfileError"  # the name alone must not make it a profile problem

    with ui.page_guard("the plan"):
        raise StoredProfileError(["credentials: name at least one"]) if kind == "sub" else Unrelated("boom")


def test_a_profile_error_subclass_is_shown_as_a_profile_problem() -> None:
    at = AppTest.from_function(_page, args=("sub",), default_timeout=30).run()
    assert [e.value for e in at.error] == ["Your profile can't be used as it is. Please fix:"]
    assert "credentials: name at least one" in at.text[0].value


def test_an_exception_merely_named_profile_error_is_not() -> None:
    at = AppTest.from_function(_page, args=("other",), default_timeout=30).run()
    assert at.error and "could not be shown" in at.error[0].value


def _outdated_catalog_page(path: str) -> None:
    from catalog.queries import stats
    from recert import ui

    with ui.page_guard("the catalog"):
        stats(path)


def test_a_catalog_an_older_recert_wrote_names_the_upgrade_command(tmp_path: Path) -> None:
    """Readers never migrate (issue 16): the page says which command upgrades the file, which stays as
    it was."""
    path = tmp_path / "old.duckdb"
    con = duckdb.connect(str(path))
    con.execute("CREATE TABLE schema_version (version INTEGER, name VARCHAR, applied_at TIMESTAMPTZ)")
    version, file = migrations()[0]
    con.execute(file.read_text())
    con.execute("INSERT INTO schema_version VALUES (?, ?, now())", [version, file.stem])
    con.close()
    before = path.read_bytes()
    at = AppTest.from_function(_outdated_catalog_page, args=(str(path),), default_timeout=30).run()
    assert len(at.error) == 1 and "recert upgrade" in at.error[0].value
    assert path.read_bytes() == before
