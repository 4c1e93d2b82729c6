"""A student's seat in a class (the class board, class_board/store.py): joining from the sidebar, the seat kept
in the session and in the link (`?seat=`), so a student who reconnects keeps their entry; progress and finished
challenges written through the seat's token."""
from __future__ import annotations

import time
from typing import Any

import streamlit as st

from class_board.store import Refused, Store
from ui.words import BOARD_REFUSALS

SEAT = "class_seat"  # session state: {"class", "nickname", "token"}


@st.cache_resource
def store() -> Store:
    """The process's connection to the board's database ($GAN_CLASS_DB, else a SQLite file under logs/)."""
    return Store()


def seat() -> dict[str, str] | None:
    """This session's seat; one from the link (a reconnect, a reload) is looked up again."""
    if SEAT not in st.session_state and (token := st.query_params.get("seat")):
        found = store().rejoin(token)
        if found:
            st.session_state[SEAT] = {"class": found[0], "nickname": found[1], "token": token}
    return st.session_state.get(SEAT)


def sidebar() -> None:
    """Join a class with its code and a nickname, or say which class this session is in."""
    with st.sidebar:
        mine = seat()
        if mine:
            st.caption(f":material/groups: Class **{mine['class']}** as **{mine['nickname']}**")
            return
        with st.expander("Join a class", icon=":material/groups:"):
            with st.form("class_join", border=False):
                code = st.text_input("Class code", max_chars=12, key="join_code")
                name = st.text_input("Nickname", max_chars=20, key="join_name")
                if st.form_submit_button("Join"):
                    try:
                        nickname, token = store().join(code, name)
                    except Refused as exc:
                        st.error(BOARD_REFUSALS.get(str(exc), str(exc)), icon=":material/block:")
                    else:
                        st.session_state[SEAT] = {"class": code.strip().upper(), "nickname": nickname, "token": token}
                        st.query_params["seat"] = token
                        st.rerun()


RESULTS_EVERY_S = 5.0  # a seat rereads the class's results at most this often (a live tick draws the panel)


def class_results(challenge: str) -> list[int] | None:
    """The class's steps to this challenge's goal, without names, when the teacher chose to show them."""
    mine = seat()
    if not mine:
        return None
    cache = st.session_state.setdefault("class_results", {})
    when, steps = cache.get(challenge, (-RESULTS_EVERY_S, None))
    if time.monotonic() - when >= RESULTS_EVERY_S:
        shown = store().shows_results(mine["class"])
        steps = store().steps_to_goal(mine["class"], challenge) if shown else None
        cache[challenge] = (time.monotonic(), steps)
    return steps


def report(lesson: str, state: str, step: int, measure: float | None) -> None:
    """The seat's progress on the board (the store keeps it to one write a second)."""
    mine = seat()
    if mine:
        try:
            store().update(mine["token"], lesson, state, step, measure)
        except Refused:
            st.session_state.pop(SEAT, None)  # the teacher reset the class: join again


def finished(challenge: str, verdict: Any, settings: Any) -> None:
    """A challenge the engine confirmed, on the board."""
    mine = seat()
    if mine:
        try:
            store().complete(mine["token"], challenge, verdict, settings)
        except Refused:
            st.session_state.pop(SEAT, None)
