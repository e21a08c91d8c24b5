"""The done loop in the app: "Add to my plan" and "Mark done" for a course (date, default today; an
optional note), one-click undo, and the history of completed courses with their verdict per credential.
The done-list and the courses she added to her plan are edited in the profile's file form by
``recert.done`` (the same code as `recert done` and `recert plan --add`) and saved at once.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date
from typing import Any

import pandas as pd
import streamlit as st

from recert.ui.catalog import course_index
from recert.ui.people import md_escape
from recert.ui.profile import active, edit_profile, notice

LAST_DONE = "done_last"  # widget key → (course "provider/course_id", ISO date, title) just marked done


def _course_form(course: Any) -> str:
    return f"{course.provider}/{course.course_id}"


def _mark(course: Any, key: str) -> None:
    from recert.done import add_done

    on = st.session_state.get(f"{key}_on") or date.today()
    note = str(st.session_state.get(f"{key}_note") or "")
    try:
        edit_profile(lambda data: data.update(add_done(data, course, on, note)))
    except ValueError as exc:
        notice(str(exc))
        return
    marked = st.session_state.setdefault(LAST_DONE, {})
    marked[key] = (_course_form(course), on, course.title)
    st.session_state[f"{key}_note"] = ""


def _undo(key: str) -> None:
    form, on, _ = st.session_state.get(LAST_DONE, {}).pop(key)
    _remove(form, on)


def _replace(data: dict[str, Any], new: dict[str, Any]) -> None:
    data.clear()
    data.update(new)


def mark_done(courses: Sequence[Any], key: str, *, container: Any = st) -> None:
    """ "Mark done" for one of ``courses`` (anything with ``provider``, ``course_id`` and ``title``: a plan's
    courses, a catalog course): the course (when there are several), the date (default today) and an
    optional note such as a certificate number. The course goes into the profile's completed courses at
    once, so progress and the plan update on this run; "Undo" takes it out again with one click.

    ``key`` prefixes every widget key (use one per place the widget is drawn)."""
    last = st.session_state.get(LAST_DONE, {}).get(key)
    if last is None and not courses:
        return
    box = container.container(border=True)
    if last is not None:
        _, on, title = last
        box.success(f"Marked “{md_escape(title)}” done on {on.isoformat()}.", icon=":material/task_alt:")
        box.button("Undo", key=f"{key}_undo", on_click=_undo, args=(key,))
    if not courses:
        return
    by_form = {_course_form(course): course for course in courses}
    if len(by_form) > 1:
        chosen = box.selectbox(
            "Course you completed",
            options=list(by_form),
            format_func=lambda form: by_form[form].title,
            key=f"{key}_course",
        )
    else:
        chosen = next(iter(by_form))
    left, right = box.columns([1, 2])
    left.date_input("Completed on", value=date.today(), format="YYYY-MM-DD", key=f"{key}_on")
    right.text_input("Note (optional)", placeholder="e.g. certificate number", key=f"{key}_note")
    title = by_form[chosen].title if chosen in by_form else ""
    box.button(
        "Mark done" if len(by_form) > 1 else f"Mark “{md_escape(title)}” done",
        key=f"{key}_mark",
        type="primary",
        on_click=_mark,
        args=(by_form[chosen], key),
        disabled=active().data == {},
    )


def _add_planned(course: Any) -> None:
    from recert.done import add_planned

    try:
        edit_profile(lambda data: data.update(add_planned(data, course)))
    except ValueError as exc:
        notice(str(exc))


def _drop_planned(form: str) -> None:
    from recert.done import remove_planned

    edit_profile(lambda data: _replace(data, remove_planned(data, form)[0]))


def add_to_plan(course: Any, key: str, *, counts: bool = True, container: Any = st) -> None:
    """ "Add to my plan" for one course (anything with ``provider``, ``course_id`` and ``title``): saved
    in the profile's ``planned`` list at once, so every plan she makes then holds it; once added, the
    words say so and "Take it off my plan" undoes it. ``counts``: whether it counts for any credential
    she holds (when not, the words say a plan cannot use it). ``key`` prefixes the widget keys."""
    from recert.done import is_done, planned_forms

    data = active().data
    form = _course_form(course)
    if is_done(data, form):
        return  # marked done: never planned again
    box = container.container(border=True)
    if form in planned_forms(data):
        box.success(
            f"“{md_escape(course.title)}” is in your plan: every plan you make holds it.",
            icon=":material/playlist_add_check:",
        )
        left, right = box.columns(2, vertical_alignment="center")
        left.page_link("app_pages/plan.py", label="See your plan", icon=":material/checklist:")
        right.button("Take it off my plan", key=f"{key}_drop", on_click=_drop_planned, args=(form,))
        return
    box.caption(
        "Want this course? Add it and the cheapest plan is built around it."
        if counts
        else "It counts for none of your credentials, so a plan leaves it out (the plan's notes say why)."
    )
    box.button(
        f"Add “{md_escape(course.title)}” to my plan",
        key=f"{key}_add",
        on_click=_add_planned,
        args=(course,),
        icon=":material/playlist_add:",
        disabled=data == {},
    )


def added_words(result: Any, planned: Sequence[str], titles: Mapping[str, str]) -> list[tuple[str, str]]:
    """Each course she added to her plan (``planned``: ``provider/course_id`` forms) as (form, words):
    its title (``titles``: the catalog's, by form), and why the plan leaves it out when it does ("already
    taken"; "not in the catalog any more")."""
    left_out = {f"{e.key[0]}/{e.key[1]}": e.reason for e in result.excluded}
    words = []
    for form in planned:
        if form not in titles:
            words.append((form, f"{form} — not in the catalog any more"))
        elif form in left_out:
            words.append((form, f"{titles[form]} — left out: {left_out[form]}"))
        else:
            words.append((form, titles[form]))
    return words


def added_courses(result: Any, key: str) -> None:
    """Every course she added to her plan — in this plan, or left out and why — each with "Take it off
    my plan" (also for a course the catalog no longer holds, or one that makes a plan impossible)."""
    from recert.done import planned_forms

    planned = planned_forms(active().data)
    if not planned:
        return
    index = course_index()
    keys = {form: tuple(form.split("/", 1)) for form in planned}
    titles = {form: index[key].title for form, key in keys.items() if key in index}
    box = st.container(border=True)
    box.markdown("**Courses you added to your plan**")
    for number, (form, words) in enumerate(added_words(result, planned, titles)):
        left, right = box.columns([3, 2], vertical_alignment="center")
        left.text(words)
        right.button("Take it off my plan", key=f"{key}_{number}", on_click=_drop_planned, args=(form,))


def history_table(profile: Any) -> pd.DataFrame:
    """Every completed course, newest first: date, title, provider, note, and per held credential whether
    it counts and why (plain sentences)."""
    from recert.done import history_lines

    rows = []
    for line in history_lines(profile):
        row = {"Completed on": line.on.isoformat(), "Course": line.title, "Provider": line.provider}
        row |= {name: sentence for name, sentence in line.verdicts.items()}
        row["Note"] = line.note or "(none)"
        rows.append(row)
    return pd.DataFrame(rows)


def _remove(course: str, on: date) -> None:
    from recert.done import remove_done

    edit_profile(lambda data: _replace(data, remove_done(data, course, on)[0]))


def done_history(profile: Any) -> None:
    """The history list, and a way to take any entry off it."""
    table = history_table(profile)
    if table.empty:
        st.caption("No course marked done yet: mark one done on the Plan page or below.")
        return
    st.dataframe(table, hide_index=True, width="stretch", key="done_history")
    entries = {f"{done.provider}/{done.course_id} {done.on.isoformat()}": done for done in profile.completed}
    left, right = st.columns([3, 1], vertical_alignment="bottom")
    picked = left.selectbox(
        "Take a course off the done-list",
        options=list(entries),
        format_func=lambda form: f"{entries[form].on.isoformat()} — {entries[form].title or form}",
        index=None,
        placeholder="Choose one…",
        key="done_remove_pick",
    )
    if picked is not None:
        done = entries[picked]
        right.button(
            "Remove it",
            key="done_remove",
            on_click=_remove,
            args=(f"{done.provider}/{done.course_id}", done.on),
        )
