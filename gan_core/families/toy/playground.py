"""The playground's settings: what the page's widgets set, their ranges, the training config they make,
and the query string that carries them in a link (a teacher hands out a set-up).

Reading a link never raises: an unknown key or a bad or out-of-range value is left out, and reported
as a (key, value, reason code) problem that the page words (ui/words.py).
"""
from __future__ import annotations

import math
from dataclasses import asdict, dataclass
from typing import Any, Mapping

from gan_core.core.config import OPTIMIZERS
from gan_core.families.toy.config import Toy2DConfig
from gan_core.families.toy.inside import LAYERS
from gan_core.families.toy.presets import SHAPES

LOSSES = ("non_saturating", "minimax", "least_squares", "wasserstein_gp")
STEP_PARTS = ("d", "g", "both")


@dataclass(frozen=True)
class Setting:
    default: Any
    choices: tuple = ()  # allowed values of a choice (for "layers": of each item)
    low: float | None = None  # the range of a number
    high: float | None = None


SETTINGS = {
    "shape": Setting("circle", SHAPES),
    "loss": Setting("non_saturating", LOSSES),
    "d_optimizer": Setting("adam", tuple(OPTIMIZERS)),
    "g_optimizer": Setting("adam", tuple(OPTIMIZERS)),
    "lr_d": Setting(1e-3, low=1e-5, high=1.0),
    "lr_g": Setting(1e-3, low=1e-5, high=1.0),
    "d_steps": Setting(1, low=1, high=10),
    "g_steps": Setting(1, low=1, high=10),
    "d_layers": Setting(2, low=1, high=4),
    "d_width": Setting(64, low=2, high=256),
    "g_layers": Setting(2, low=1, high=4),
    "g_width": Setting(64, low=2, high=256),
    "noise_dim": Setting(2, low=1, high=2),
    "noise": Setting("normal", ("uniform", "normal")),
    "batch_size": Setting(128, low=8, high=1024),
    "seed": Setting(0, low=0, high=9999),
    "layers": Setting(("real", "fake", "surface", "arrows"), LAYERS),
}


def defaults() -> dict[str, Any]:
    return {k: s.default for k, s in SETTINGS.items()}


def check(key: str, value: Any) -> tuple[Any, str | None]:
    """(the value as the setting's type, None), or (None, a reason code) if it is not allowed."""
    spec = SETTINGS.get(key)
    if spec is None:
        return None, "unknown_setting"
    if isinstance(spec.default, tuple):
        items = tuple(v for v in str(value).split(",") if v) if isinstance(value, str) else tuple(value)
        return (items, None) if all(v in spec.choices for v in items) else (None, "not_a_choice")
    if spec.choices:
        return (value, None) if value in spec.choices else (None, "not_a_choice")
    try:
        number = type(spec.default)(float(value)) if isinstance(spec.default, int) else float(value)
    except (TypeError, ValueError, OverflowError):
        return None, "not_a_number"
    if not math.isfinite(number) or (isinstance(spec.default, int) and float(value) != number):
        return None, "not_a_number"
    if not spec.low <= number <= spec.high:
        return None, "out_of_range"
    return number, None


def from_query(params: Mapping[str, Any]) -> tuple[dict[str, Any], list[tuple[str, str, str]]]:
    """The settings a link carries, on top of the defaults, and the problems of what was left out."""
    values, problems = defaults(), []
    for key, raw in params.items():
        raw = raw[-1] if isinstance(raw, list) and raw else raw
        value, why = check(key, raw)
        if why:
            problems.append((key, str(raw)[:40], why))
        else:
            values[key] = value
    return values, problems


def to_query(values: Mapping[str, Any]) -> dict[str, str]:
    """Every setting as text for a link (numbers in their shortest exact form, layers comma-separated)."""
    out = {}
    for key in SETTINGS:
        value = values[key]
        out[key] = ",".join(value) if isinstance(value, tuple) else f"{value:g}" if isinstance(value, float) \
            else str(value)
    return out


def make_config(values: Mapping[str, Any], target: str | None = None, target_params: dict | None = None,
                **base: Any) -> Toy2DConfig:
    """The training config of the settings. `target` and `target_params` replace the shape (a drawing);
    `base` holds settings no widget sets (e.g. those of a loaded game's card)."""
    v = values
    return Toy2DConfig(**{**base, "target": target or v["shape"], "target_params": dict(target_params or {}),
                          "loss": v["loss"], "optimizer": v["d_optimizer"], "g_optimizer": v["g_optimizer"],
                          "lr_d": float(v["lr_d"]), "lr_g": float(v["lr_g"]), "d_steps": int(v["d_steps"]),
                          "g_steps": int(v["g_steps"]), "d_hidden": (int(v["d_width"]),) * int(v["d_layers"]),
                          "g_hidden": (int(v["g_width"]),) * int(v["g_layers"]), "noise_dim": int(v["noise_dim"]),
                          "noise": v["noise"], "batch_size": int(v["batch_size"]), "seed": int(v["seed"])})


def values_of(config: Toy2DConfig, layers: tuple = SETTINGS["layers"].default) -> dict[str, Any]:
    """The settings that reproduce a config (e.g. a shipped game's), for the widgets."""
    return {"shape": config.target, "loss": config.loss, "d_optimizer": config.optimizer,
            "g_optimizer": config.g_optimizer or config.optimizer, "lr_d": config.lr_d, "lr_g": config.lr_g,
            "d_steps": config.d_steps, "g_steps": config.g_steps, "d_layers": len(config.d_hidden),
            "d_width": config.d_hidden[0], "g_layers": len(config.g_hidden), "g_width": config.g_hidden[0],
            "noise_dim": config.noise_dim, "noise": config.noise, "batch_size": config.batch_size,
            "seed": config.seed, "layers": tuple(layers)}


# the config fields the widgets set (make_config); a loaded game's other settings are kept beside them
WIDGET_FIELDS = ("target", "target_params", "loss", "optimizer", "g_optimizer", "lr_d", "lr_g", "d_steps", "g_steps",
                 "d_hidden", "g_hidden", "noise_dim", "noise", "batch_size", "seed")


def other_settings(config: Toy2DConfig) -> dict[str, Any]:
    """A config's settings that no widget sets and that differ from the playground's defaults (a shipped
    game's learning-rate schedule, its activations...): what make_config's `base` must keep."""
    plain = asdict(Toy2DConfig())
    return {k: v for k, v in asdict(config).items()
            if k not in WIDGET_FIELDS and k != "iterations" and v != plain[k]}  # iterations: a CLI run's length
