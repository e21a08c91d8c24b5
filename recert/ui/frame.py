"""Streamlit plumbing shared by every page: which catalog is shown, caches keyed on its mtime, the sample
notice drawn by app.py, and the page guard that turns any failure into a clear message.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any, TypeVar

import streamlit as st
from streamlit.runtime.scriptrunner_utils.exceptions import ScriptControlException

from recert.console import SAMPLE_NOTICE, catalog_path
from recert.ui.people import LINK_TITLE_PATTERN, md_escape

log = logging.getLogger("recert.app")

T = TypeVar("T")

NO_CATALOG_MESSAGE = (
    "There is no course catalog yet. Build the bundled sample with `recert sample` "
    "(or `make sample`), or crawl the providers with `recert crawl`, then reload this page."
)


def catalog_file() -> Path:
    """The catalog the app shows: $RECERT_CATALOG, else data/catalog.duckdb (same rule as the CLI)."""
    return catalog_path(None)


def catalog_stamp(path: Path) -> int:
    """Cache key part that changes whenever the catalog is republished (mtime in ns; 0 if missing)."""
    try:
        return path.stat().st_mtime_ns
    except FileNotFoundError:
        return 0


def cached(func: Callable[..., T]) -> Callable[..., T]:
    """``st.cache_data`` for catalog reads: call as ``f(path_str, stamp, ...)`` so a new crawl or load
    (new mtime) invalidates the entry; the stamp argument is part of the key."""
    return st.cache_data(show_spinner=False, max_entries=128)(func)


def sample_notice() -> None:
    """The visible sample-data notice (our own constant text, never scraped text)."""
    st.warning(SAMPLE_NOTICE, icon=":material/warning:")


@cached
def _is_sample(path: str, stamp: int) -> bool:
    from catalog.queries import is_sample

    return bool(is_sample(Path(path)))


def shows_sample() -> bool:
    """True when the published catalog holds sample records (raises FileNotFoundError without one)."""
    return _is_sample(*published_catalog())


def frame() -> None:
    """Drawn above every page by app.py: the sample notice whenever sample records are shown."""
    path = catalog_file()
    stamp = catalog_stamp(path)
    if not stamp:
        return
    with page_guard("the catalog status"):
        if _is_sample(str(path), stamp):
            sample_notice()


def _is_catalog_problem(exc: BaseException) -> bool:
    from catalog.db import CatalogError

    return isinstance(exc, CatalogError)


def _is_profile_problem(exc: BaseException) -> bool:
    from recommender.rules.profile import ProfileError
    from recommender.rules.transcript import TranscriptError

    return isinstance(exc, ProfileError | TranscriptError)


@contextmanager
def page_guard(what: str) -> Iterator[None]:
    """Show a clear ``st.error`` instead of a traceback when ``what`` (e.g. "the catalog") fails.

    Streamlit's own control flow (st.stop, st.rerun) passes through untouched.
    """
    try:
        yield
    except ScriptControlException:
        raise
    except Exception as exc:
        if isinstance(exc, FileNotFoundError):  # catalog.db.CatalogMissing is one
            st.info(NO_CATALOG_MESSAGE, icon=":material/info:")
            return
        if _is_profile_problem(exc):
            st.error("Your profile can't be used as it is. Please fix:", icon=":material/error:")
            st.text("\n".join(problems_of(exc)))
            return
        if _is_catalog_problem(exc):  # not a catalog, an older one (says `recert upgrade`), busy
            st.error(md_escape(str(exc)), icon=":material/error:")
            return
        log.exception("app page failed: %s", what)
        st.error(
            f"Sorry, {md_escape(what)} could not be shown. Reload the page; if it keeps happening, rebuild "
            "the catalog with `recert sample` or `recert crawl`.",
            icon=":material/error:",
        )
        with st.expander("Technical details"):
            st.text(f"{type(exc).__name__}: {str(exc)[:500]}")


def problems_of(exc: BaseException) -> list[str]:
    """The lines of a ProfileError / TranscriptError / LoadError, each "field: problem"."""
    for attribute in ("errors", "problems"):
        items = getattr(exc, attribute, None)
        if items:
            return [str(item) for item in items]
    return [str(exc)]


def published_catalog() -> tuple[str, int]:
    path = catalog_file()
    stamp = catalog_stamp(path)
    if not stamp:
        raise FileNotFoundError(path)
    return str(path), stamp


def link_column(label: str, width: str | int | None = None) -> Any:
    """A link column that shows each row's title (carried in the URL fragment, see ``titled_link``)."""
    return st.column_config.LinkColumn(
        label,
        display_text=LINK_TITLE_PATTERN,
        validate=r"^https?://",
        width=width,  # type: ignore[arg-type]
    )
