"""Challenges: a short task per lesson whose goal the engine checks on the student's own run (issue 33).

A challenge is data (its lesson, the numbers of its goal, what the student may change) plus a check over what the
engine itself reports: a trainer's snapshot and the config it trained with, or the minimax lesson's game computed
from the sliders. A page hands its run's snapshot to `verdict`; it never passes a number that the browser sent, and
a class board records only what `verdict` returned. The words that describe a challenge (its title, its task, the
names of its measures) live with the pages; a Verdict carries codes and numbers.
"""
from __future__ import annotations

import math
from dataclasses import dataclass, fields
from typing import Any, Callable


@dataclass(frozen=True)
class Verdict:
    done: bool
    measures: dict[str, float]  # the live measures the goal is about, by name
    step: int = 0  # the run's step when it was checked
    reason: str | None = None  # why the run cannot count (a code): "setting_changed", "diverged", ...


@dataclass(frozen=True)
class Challenge:
    key: str  # "<lesson>.<name>", unique
    lesson: str  # the page's name under lessons/
    goal: dict[str, Any]  # the numbers of the goal (what the page shows against the live measures)
    check: Callable[[Any, Any, dict[str, Any]], Verdict]  # (snapshot or game, config or answer, goal) -> Verdict
    requires: str | None = None  # a challenge to finish first (the board enforces the order)

    def verdict(self, run: Any, settings: Any = None) -> Verdict:
        return self.check(run, settings, self.goal)


def changed_settings(config: Any, reference: Any, allowed: frozenset[str]) -> list[str]:
    """The fields of `config` that differ from `reference` but may not be changed."""
    return [f.name for f in fields(reference) if f.name not in allowed and getattr(config, f.name) !=
            getattr(reference, f.name)]


# --- the checks --------------------------------------------------------------------------------------------
def _seed_paper_fit(snap, config, goal) -> Verdict:
    from gan_core.families.toy.config import PRESETS_1D

    fake = snap.fake_moments
    measures = {"mean_error": abs(fake["mean"] - goal["mean"]), "std_error": abs(fake["std"] - goal["std"]),
                "w1": snap.w1}
    if snap.diverged:
        return Verdict(False, measures, snap.step, "diverged")
    if changed_settings(config, PRESETS_1D[goal["preset"]].config, goal["may_change"]):
        return Verdict(False, measures, snap.step, "setting_changed")
    done = (snap.step > 0 and measures["mean_error"] <= goal["tolerance"] and measures["std_error"] <= goal["tolerance"]
            and snap.w1 < goal["w1_below"])
    return Verdict(done, measures, snap.step)


def _value_at_equilibrium(game, answer, goal) -> Verdict:
    from gan_core.theory import LOG4

    gap = abs(game["value"] + LOG4)
    moved = gap <= goal["value_within"]
    return Verdict(moved and answer == goal["answer"], {"value_gap": gap, "answered": float(answer == goal["answer"])})


def _every_mode(snap, config, goal) -> Verdict:
    if config.target != goal["target"] or config.target_params:
        return Verdict(False, {}, snap.step, "other_data")
    measures = {"modes_captured": float(snap.modes_captured), "hq_fraction": snap.hq_fraction,
                "steps": float(snap.step)}
    if snap.diverged:
        return Verdict(False, measures, snap.step, "diverged")
    done = (snap.modes_captured >= goal["modes"] and snap.hq_fraction >= goal["hq_at_least"]
            and 0 < snap.step <= goal["steps_at_most"])
    return Verdict(done, measures, snap.step)


def _default_fails_on_a_drawing(snap, config, goal) -> Verdict:
    from gan_core.families.toy import playground as pg

    measures = {"js": snap.js, "steps": float(snap.step)}
    if config.target != "drawn":
        return Verdict(False, measures, snap.step, "not_a_drawing")
    default = pg.make_config(pg.defaults(), target=config.target, target_params=config.target_params)
    if changed_settings(config, default, frozenset({"seed"})):
        return Verdict(False, measures, snap.step, "setting_changed")
    return Verdict(snap.step >= goal["after_steps"] and snap.js > goal["js_above"], measures, snap.step)


def _fit_the_drawing(snap, config, goal) -> Verdict:
    measures = {"js": snap.js, "steps": float(snap.step)}
    if snap.diverged:
        return Verdict(False, measures, snap.step, "diverged")
    if config.target != "drawn":
        return Verdict(False, measures, snap.step, "not_a_drawing")
    return Verdict(snap.step > 0 and snap.js < goal["js_below"], measures, snap.step)


def _mnist_score(snap, config, goal) -> Verdict:
    """The score the engine measured on the run's own samples (ImageGANTrainer.evaluate_live), never the page's."""
    m = snap.metrics or {}
    score, at = m.get("mnist_score", 0.0), m.get("step", 0)
    measures = {"mnist_score": score, "steps": float(at)}
    return Verdict(score >= goal["score"] and at <= goal.get("steps_at_most", math.inf), measures, at)


def _few_labels(snap, config, goal) -> Verdict:
    last = snap.accuracy[-1] if snap.accuracy else {"sgan_test": 0.0, "baseline_test": 0.0}
    lead = last["sgan_test"] - last["baseline_test"]
    measures = {"sgan_test": last["sgan_test"], "baseline_test": last["baseline_test"], "lead": lead}
    if config.labels_per_class * 10 != goal["labels"]:
        return Verdict(False, measures, snap.step, "other_labels")
    return Verdict(bool(snap.accuracy) and lead >= goal["lead_at_least"], measures, last.get("step", snap.step))


STEPS_TO_SCORE_6 = 763  # the DCGAN page's defaults, a student alone: score 6.23 first shown at step 763
# (bench/bench_live_dcgan.py)
CHALLENGES = {c.key: c for c in (
    Challenge("gaussian_gan.seed_paper_fit", "gaussian_gan",
              {"preset": "Seed paper", "mean": 4.0, "std": 1.25, "tolerance": 0.05, "w1_below": 0.05,
               "may_change": frozenset({"d_steps", "lr_g", "lr_d", "d_input"})}, _seed_paper_fit),
    Challenge("minimax.value_at_equilibrium", "minimax", {"value_within": 0.01, "answer": "p_g_equals_p_data"},
              _value_at_equilibrium),
    Challenge("mode_collapse.every_mode", "mode_collapse",
              {"target": "ring", "modes": 8, "hq_at_least": 0.8, "steps_at_most": 3000}, _every_mode),
    Challenge("inside_game.default_fails", "inside_game", {"after_steps": 2000, "js_above": 0.3},
              _default_fails_on_a_drawing),
    Challenge("inside_game.fit_the_drawing", "inside_game", {"js_below": 0.1}, _fit_the_drawing,
              requires="inside_game.default_fails"),
    Challenge("dcgan_mnist.score_6", "dcgan_mnist", {"score": 6.0}, _mnist_score),
    Challenge("dcgan_mnist.score_6_sooner", "dcgan_mnist", {"score": 6.0, "steps_at_most": STEPS_TO_SCORE_6 - 1},
              _mnist_score, requires="dcgan_mnist.score_6"),
    Challenge("semi_supervised_gan.twenty_labels", "semi_supervised_gan", {"labels": 20, "lead_at_least": 0.15},
              _few_labels),
)}


def of_lesson(lesson: str) -> list[Challenge]:
    return [c for c in CHALLENGES.values() if c.lesson == lesson]
