"""A lesson's challenges in a panel: the task, the live measures against the goal, and "done" once the engine's
check confirms it (gan_core/challenges.py). What was done stays in the session, with the step and settings."""
from __future__ import annotations

from dataclasses import asdict, is_dataclass
from typing import Any

import streamlit as st

from gan_core import challenges
from ui import class_session
from ui.words import CHALLENGE_REASONS, CHALLENGE_WORDS

DONE_KEY = "challenges_done"  # session state: challenge key -> {"step", "settings"}


def _shown(name: str, value: float) -> str:
    if name in ("steps", "modes_captured"):
        return f"{value:,.0f}"
    if name in ("hq_fraction", "sgan_test", "baseline_test", "lead"):
        return f"{100 * value:.1f}%"
    if name == "answered":
        return "yes" if value else "not yet"
    return f"{value:.3f}"


def _plain(settings: Any) -> Any:
    return asdict(settings) if is_dataclass(settings) else settings


def panel(lesson: str, run: Any, settings: Any = None) -> None:
    """Every challenge of the lesson, checked on this run (a snapshot, or the minimax lesson's game); the seat's
    progress and what the engine confirmed go to the class board when the student joined a class."""
    done = st.session_state.setdefault(DONE_KEY, {})
    lessons_challenges, verdicts = challenges.of_lesson(lesson), []
    for challenge in lessons_challenges:
        title, task, names = CHALLENGE_WORDS[challenge.key]
        verdict = challenge.verdict(run, settings)
        verdicts.append(verdict)
        if verdict.done and challenge.key not in done:
            done[challenge.key] = {"step": verdict.step, "settings": _plain(settings)}
            class_session.finished(challenge.key, verdict, done[challenge.key]["settings"])
        with st.container(border=True, key=f"challenge_{challenge.key.replace('.', '_')}"):
            st.markdown(f"**Challenge: {title}.** {task}")
            columns = st.columns(max(1, len(verdict.measures)))
            for column, (name, value) in zip(columns, verdict.measures.items()):
                column.metric(names.get(name, name), _shown(name, value))
            if challenge.key in done:
                st.success(f"Done, at step {done[challenge.key]['step']:,}.", icon=":material/check_circle:")
            steps = class_session.class_results(challenge.key)
            if steps:
                st.caption(f"Your class: {len(steps)} finished; steps to the goal: fastest {min(steps):,}, median "
                           f"{sorted(steps)[len(steps) // 2]:,}, slowest {max(steps):,}.")
            if verdict.reason and challenge.key not in done:
                st.caption(CHALLENGE_REASONS.get(verdict.reason, verdict.reason))
    class_session.report(lesson, _state(run, lessons_challenges, done), getattr(run, "step", 0),
                         next(iter(verdicts[0].measures.values()), None) if verdicts else None)


def _state(run: Any, lessons_challenges: list, done: dict) -> str:
    """The run's state for the board: diverged, done (every challenge of the lesson), training or idle."""
    if getattr(run, "diverged", False):
        return "diverged"
    if all(c.key in done for c in lessons_challenges):
        return "done"
    return "training" if getattr(run, "step", 0) > 0 else "idle"
