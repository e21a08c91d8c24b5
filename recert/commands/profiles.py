"""`recert profile …` (the local profile store), `recert done` (mark a course completed, or undo it) and
`recert history` (every completed course and whether it counts).

Thin glue over recert.store (where profiles live), recert.done (courses as people name them, the
done-list) and the rules package. Profiles are changed atomically and never over a newer version.
"""

from __future__ import annotations

import json
import sys
from datetime import date
from enum import StrEnum
from pathlib import Path
from typing import Annotated, Any, NoReturn

import typer
from rich.markup import escape
from rich.table import Table

from recert.console import (
    EXIT_BAD_INPUT,
    CatalogOption,
    CourseArgument,
    ProfileOption,
    catalog_path,
    console,
    fail,
    option_date,
    profile_path,
    read_profile,
)
from recert.store import ProfileStore, StoreError, read_profile_data, write_profile_file
from recert.words import credential_name

profile_app = typer.Typer(
    help="Your saved profiles (kept in $RECERT_HOME, shared with the app).", no_args_is_help=True
)


class ListFormat(StrEnum):
    table = "table"
    json = "json"


FormatOption = Annotated[ListFormat, typer.Option("--format", help="table or json.")]
NameArgument = Annotated[str, typer.Argument(help="The stored profile's name (see `recert profile list`).")]


def register(app: typer.Typer) -> None:
    """Add this module's commands to the `recert` app."""
    app.add_typer(profile_app, name="profile")
    app.command("done")(done_command)
    app.command("history")(history_command)


def _store() -> ProfileStore:
    return ProfileStore()


def _bad(exc: StoreError) -> NoReturn:
    fail(str(exc), EXIT_BAD_INPUT)


def _summary(data: dict[str, Any]) -> dict[str, Any]:
    credentials = [
        c.get("id")
        for c in data.get("credentials") or []
        if isinstance(c, dict) and isinstance(c.get("id"), str)
    ]
    from recert.done import planned_forms

    completed = len(data.get("completed") or [])
    return {"credentials": credentials, "completed": completed, "planned": len(planned_forms(data))}


@profile_app.command("import")
def import_command(
    file: Annotated[
        Path, typer.Argument(help="A profile file (.json or .toml), e.g. data/examples/profile.json.")
    ],
    name: Annotated[
        str | None, typer.Option("--name", help="Store it under this name (default: the file's stem).")
    ] = None,
    replace: Annotated[
        bool, typer.Option("--replace", help="Replace a stored profile of the same name.")
    ] = False,
) -> None:
    """Check a profile file and keep a copy in the store (with its transcript); nothing is stored if it
    has a problem."""
    store = _store()
    try:
        stored = store.import_file(file, name, replace=replace)
    except StoreError as exc:
        _bad(exc)
    store.set_last_used(stored)
    console.print(f"Stored profile [bold]{escape(stored)}[/] in {escape(str(store.folder))}", soft_wrap=True)


@profile_app.command("list")
def list_command(output: FormatOption = ListFormat.table) -> None:
    """The stored profiles: name, credentials held, completed courses, the one used last."""
    store = _store()
    last = store.last_used()
    rows = []
    for name in store.names():
        try:
            stored = store.read(name)
        except StoreError as exc:
            sys.stderr.write(f"warning: {exc}\n")
            continue
        rows.append(
            {"name": name, "path": str(stored.path), "last_used": name == last, **_summary(stored.data)}
        )
    if output is ListFormat.json:
        sys.stdout.write(json.dumps({"folder": str(store.folder), "profiles": rows}, indent=2) + "\n")
        return
    if not rows:
        console.print(
            f"No profiles are stored in {escape(str(store.folder))}. Store one with "
            "`recert profile import FILE`.",
            soft_wrap=True,
        )
        return
    table = Table(title=f"Profiles in {escape(str(store.folder))}", show_edge=False, pad_edge=False)
    for column in ("name", "credentials", "completed courses", "used last"):
        table.add_column(column)
    for row in rows:
        held = ", ".join(credential_name(c) for c in row["credentials"]) or "none yet"
        table.add_row(
            escape(row["name"]), escape(held), str(row["completed"]), "yes" if row["last_used"] else ""
        )
    console.print(table)


@profile_app.command("show")
def show_command(name: NameArgument, output: FormatOption = ListFormat.table) -> None:
    """One stored profile: its file (json) or a summary for people (table)."""
    try:
        stored = _store().read(name)
    except StoreError as exc:
        _bad(exc)
    if output is ListFormat.json:
        sys.stdout.write(stored.path.read_text(encoding="utf-8"))
        return
    profile = read_profile(str(stored.path))
    console.print(f"[bold]{escape(name)}[/] — {escape(str(stored.path))}", soft_wrap=True)
    for held in profile.credentials:
        cycle = (
            f"cycle {held.cycle_start} → {held.cycle_end}" if held.cycle_end else "cycle dates not entered"
        )
        console.print(f"  {escape(held.rules.name)}: {cycle}")
    if not profile.credentials:
        console.print("  no credentials entered yet")
    if profile.memberships:
        offers = "; ".join(_offer_words(profile.memberships))
        console.print(f"  memberships and subscriptions held: {escape(offers)}")
    if profile.interests:
        console.print(f"  interests: {escape(profile.interests)}")
    console.print(
        f"  completed courses: {len(profile.completed)} (see `recert history --profile {escape(name)}`)"
    )
    if profile.planned:
        titles = _titles(profile.planned)
        added = "; ".join(titles.get(key, f"{key[0]}/{key[1]}") for key in profile.planned)
        console.print(f"  added to your plan: {escape(added)} (`recert plan --drop COURSE` takes one off)")


def _offer_words(held: tuple[str, ...]) -> list[str]:
    """Each held offer (``offer_id`` or ``provider/offer_id``) by its catalog name, as typed when the
    catalog has none."""
    from catalog.db import CatalogMissing
    from catalog.queries import offer_names

    try:
        names = offer_names(catalog_path(None))
    except CatalogMissing:
        names = {}
    by_form = {f"{provider}/{offer_id}": name for (provider, offer_id), name in names.items()}
    for (_, offer_id), name in names.items():
        by_form.setdefault(offer_id, name)
    return [by_form.get(form, form) for form in held]


def _titles(keys: tuple[tuple[str, str], ...]) -> dict[tuple[str, str], str]:
    """The catalog's titles of these courses (none when there is no catalog)."""
    from catalog.db import CatalogMissing
    from catalog.queries import courses_by_key

    try:
        return {course.key: course.title for course in courses_by_key(catalog_path(None), list(keys)).courses}
    except CatalogMissing:
        return {}


@profile_app.command("export")
def export_command(
    name: NameArgument,
    file: Annotated[Path, typer.Argument(help="Where to write it (.json); its transcript goes beside it.")],
) -> None:
    """Write a stored profile to a file (e.g. to back it up or hand it to a colleague)."""
    try:
        written = _store().export(name, file)
    except StoreError as exc:
        _bad(exc)
    console.print(f"Wrote {escape(str(written))}", soft_wrap=True)


@profile_app.command("delete")
def delete_command(
    name: NameArgument,
    yes: Annotated[bool, typer.Option("--yes", help="Do not ask for confirmation.")] = False,
) -> None:
    """Remove a stored profile and its transcript (export it first to keep a copy)."""
    store = _store()
    if not yes and not typer.confirm(f"Delete the stored profile {name!r} and its completed courses?"):
        raise typer.Abort()
    try:
        store.delete(name)
    except StoreError as exc:
        _bad(exc)
    console.print(f"Deleted profile {escape(name)}")


def _done_date(value: str | None) -> date:
    day = option_date("--on", value)
    if day > date.today():
        fail(
            f"--on {day.isoformat()} is in the future: give the date you completed the course", EXIT_BAD_INPUT
        )
    return day


def edit_profile_file(profile: str | None) -> tuple[Path, dict[str, Any], str]:
    """The profile file ``--profile`` names, its JSON object and version."""
    path = profile_path(profile)
    try:
        data, version = read_profile_data(path)
    except StoreError as exc:
        _bad(exc)
    return path, data, version


def save_profile_file(path: Path, data: dict[str, Any], version: str) -> None:
    """Write the edited profile if it still parses and nobody changed it meanwhile."""
    from recommender.rules.profile import ProfileError, parse_profile

    try:
        parse_profile({k: v for k, v in data.items() if k != "transcript"})
    except ProfileError as exc:
        fail(f"profile {path}: {exc}", EXIT_BAD_INPUT)
    store = _store()
    stored = path.resolve().parent == store.folder.resolve()
    try:
        if stored:  # the store's own lock, shared with the app
            store.write(path.stem, data, expected_version=version)
            store.set_last_used(path.stem)
        else:
            write_profile_file(path, data, expected_version=version)
    except StoreError as exc:
        _bad(exc)


def done_command(
    course: CourseArgument,
    profile: ProfileOption = None,
    on: Annotated[
        str | None,
        typer.Option("--on", help="When you completed it (YYYY-MM-DD or M/D/YYYY; default today)."),
    ] = None,
    note: Annotated[
        str, typer.Option("--note", help="A note to keep with it, e.g. the certificate number.")
    ] = "",
    remove: Annotated[
        bool, typer.Option("--remove", help="Undo: take the course off your completed courses.")
    ] = False,
    provider: Annotated[str | None, typer.Option(help="The provider, when several offer this id.")] = None,
    catalog: CatalogOption = None,
) -> None:
    """Mark a course completed (it then counts toward your progress and is never planned again), or
    undo that with --remove."""
    path, data, version = edit_profile_file(profile)
    if remove:
        _remove(path, data, version, course, None if on is None else _done_date(on))
        return
    from catalog.db import CatalogMissing
    from recert.done import CourseNotFound, add_done, find_in_catalog

    day = _done_date(on)
    try:
        found = find_in_catalog(catalog_path(catalog), course, provider)
        edited = add_done(data, found, day, note)
    except CatalogMissing as exc:
        fail(str(exc), EXIT_BAD_INPUT)
    except (CourseNotFound, ValueError) as exc:
        fail(str(exc), EXIT_BAD_INPUT)
    save_profile_file(path, edited, version)
    counted = read_profile(str(path), catalog)
    entry = counted.history[-1]
    console.print(f"Marked done: [bold]{escape(entry.title)}[/] on {day.isoformat()}", soft_wrap=True)
    units = {held.id: held.rules.counting.unit for held in counted.credentials}
    from recert.words import verdict_sentence

    for credential_id, verdict in entry.verdicts.items():
        words = verdict_sentence(verdict, units[credential_id])
        console.print(f"  {escape(credential_name(credential_id))}: {escape(words)}", soft_wrap=True)


def _remove(path: Path, data: dict[str, Any], version: str, course: str, on: date | None) -> None:
    from recert.done import remove_done

    forms = _done_forms(data)
    wanted = forms.get(course.strip()) or forms.get(course.strip().casefold())
    if wanted is None:
        fail(f"{course!r} is not among your completed courses (see `recert history`)", EXIT_BAD_INPUT)
    edited, removed = remove_done(data, wanted, on)
    if not removed:
        fail(f"{wanted} is not marked done on {on}", EXIT_BAD_INPUT)
    save_profile_file(path, edited, version)
    console.print(
        f"Removed {wanted} from your completed courses ({removed} entr{'y' if removed == 1 else 'ies'})"
    )


def _done_forms(data: dict[str, Any]) -> dict[str, str]:
    """Every way a person may name a done-list course (provider/course_id, course id, saved title in any
    case) → its ``provider/course_id``; a course id or title shared by two courses names neither."""
    forms: dict[str, set[str]] = {}
    for entry in data.get("completed") or []:
        if not isinstance(entry, dict) or not isinstance(entry.get("course"), str):
            continue
        full = entry["course"]
        names = {full, full.partition("/")[2]}
        if isinstance(entry.get("title"), str):
            names.add(entry["title"].casefold())
        for name in names:
            forms.setdefault(name, set()).add(full)
    return {name: next(iter(found)) for name, found in forms.items() if len(found) == 1}


def history_command(
    profile: ProfileOption = None,
    output: FormatOption = ListFormat.table,
    catalog: CatalogOption = None,
) -> None:
    """Every course you marked done, newest first, and whether it counts for each credential — and why."""
    from recert.commands.progress import completed_json, print_history

    loaded = read_profile(profile, catalog)
    if output is ListFormat.json:
        sys.stdout.write(
            json.dumps({"completed": completed_json(loaded)}, indent=2, ensure_ascii=False) + "\n"
        )
        return
    if not loaded.history:
        console.print("No completed courses yet. Mark one with `recert done COURSE`.")
        return
    print_history(loaded)
