"""What the pages call the engine's things: loss names, and why a run stopped.

The engine returns names and reason codes with numbers; the words a student reads live here.
No Streamlit in this module, so tests can check the wording directly.
"""
from __future__ import annotations

LOSS_TITLES = {
    "minimax": "Minimax (saturating)",
    "non_saturating": "Non-saturating",
    "wasserstein": "Wasserstein (weight clipping)",
    "least_squares": "Least squares",
    "hinge": "Hinge",
    "wasserstein_gp": "Wasserstein (gradient penalty)",
}

MODE_COLLAPSE_TARGETS = {
    "ring": "2-D ring: 8 Gaussians on the unit circle (std 0.01)",
    "grid": "2-D grid: 25 Gaussians at {-4,-2,0,2,4}² (std 0.05)",
    "two_mode": "1-D mixture of two Gaussians",
    "three_mode": "1-D mixture of three Gaussians",
}

MODE_COLLAPSE_METHODS = {
    "vanilla": "Vanilla GAN (collapses)",
    "pacgan": "PacGAN (packing, m = 4)",
    "minibatch_std": "Mini-batch standard deviation",
    "minibatch_disc": "Mini-batch discrimination",
    "wgan_gp": "WGAN-GP (gradient penalty)",
    "wgan_clip": "WGAN (weight clipping)",
    "unrolled": "Unrolled GAN (5 steps)",
    "replay": "Experience replay",
    "label_tricks": "Label flipping + smoothing",
    "sharp_minibatch_std": "Mini-batch std + sharper network",
}

DCGAN_NETWORKS = {
    "book": "Keras book: dense→7×7×256, ConvT 128 (s2) → 64 (s1) → 1 (s2); D convs 32/64/128",
    "small": "Slides: dense→7×7×128, ConvT 64 (k5 s2) → 1 (k5 s2); D convs 64/128 with dropout 0.4",
    "infogan": "InfoGAN layout: G FC 1024 → FC 7×7×128 → ConvT 64 (k4 s2) → 1 (k4 s2), BN + ReLU; "
               "D convs 64/128 (k4 s2) → FC 1024 → logit, spectral norm on every layer, leaky ReLU 0.1",
    "infogan_half": "InfoGAN layout at half width: G FC 512 → FC 7×7×64 → ConvT 32 (k4 s2) → 1 (k4 s2), BN + "
                    "ReLU; D convs 32/64 (k4 s2) → FC 512 → logit, spectral norm on every layer, leaky ReLU 0.1",
    "tiny": "CPU network: dense→7×7×64 (BN, ReLU), ConvT 32 (k4 s2, BN, ReLU) → 1 (k4 s2, tanh); "
            "D convs 32/64/128 (BN after the first), leaky ReLU 0.2",
}

ATTRIBUTE_UNITS = {"thickness": "ink mass (white-pixel units)", "slant": "slant (shear, + leans right)"}

_DIVERGED = {
    "d_loss_not_finite": "the discriminator loss became NaN or infinite",
    "g_loss_not_finite": "the generator loss became NaN or infinite",
    "d_loss_huge": "the discriminator loss became huge",
    "g_loss_huge": "the generator loss became huge",
    "samples_not_finite": "the generator's outputs became NaN or infinite",
    "samples_huge": "the generator's outputs exploded",
}


def divergence(info: dict | None) -> str:
    """A diverged run's explanation for a student, from the trainer's reason code and numbers."""
    if not info:
        return ""
    why = _DIVERGED.get(info["reason"], info["reason"].replace("_", " "))
    return (f"Training diverged after step {info['step']}: {why}. This usually means a learning rate is too "
            f"high (G {info['lr_g']:g}, D {info['lr_d']:g}). The last good state (step {info['step']}) is kept; "
            f"lower the learning rate and press Reset.")


WORKER_LOST = ("The process that trained this run stopped, so the run is gone (the server started a new one). "
               "Press **Reset** to train again; the picture below is the run's last state.")


# --- "Inside the game (2-D)" --------------------------------------------------------------------
SHAPE_TITLES = {
    "line": "A line",
    "two_gaussians": "Two Gaussians",
    "circle": "A ring",
    "three_regions": "Three disjoint regions",
    "ring": "8 Gaussians on a ring (mode collapse)",
    "grid": "25 Gaussians on a grid (mode collapse)",
    "drawn": "Draw your own",
}

LAYER_TITLES = {
    "real": "Real samples",
    "fake": "Generated samples",
    "surface": "D's decision surface",
    "manifold": "G's manifold",
    "arrows": "G's gradients",
}

STEP_TITLES = {"d": "D only", "g": "G only", "both": "One full iteration"}

OPTIMIZER_TITLES = {"adam": "Adam", "sgd": "SGD (momentum 0.9)", "rmsprop": "RMSProp"}

NOISE_TITLES = {"uniform": "Uniform on [0, 1]", "normal": "Gaussian N(0, 1)"}

# (title, one sentence) per slow-motion phase code (gan_core.families.toy.slow_motion.PHASES)
PHASE_WORDS = {
    "make_fakes": ("G makes fakes", "G turns a batch of noise vectors z into fake points; they are detached, so D's "
                                    "update that follows cannot change G."),
    "d_judges": ("D judges reals and fakes", "D scores a real batch and the fake batch: the colour of every point "
                                             "is D's verdict on it."),
    "d_loss": ("D's loss", "D's loss adds up how wrong those verdicts are: reals should score high, fakes low."),
    "d_update": ("D's gradients and update", "D steps down its loss's gradient: the surface shifts (the dashed "
                                              "line is where the boundary was before the update)."),
    "make_fakes_again": ("G makes fakes again", "G makes a new batch of fakes from fresh noise, this time keeping "
                                                "track of how each point depends on G's weights."),
    "frozen_d_judges": ("D (frozen) judges them", "The updated D scores the new fakes; D is frozen, so G's update "
                                                  "that follows cannot change D."),
    "g_loss": ("G's loss", "G's loss is low when D takes the fakes for real; each arrow is −∂L_G/∂x, where that loss "
                           "pushes its point."),
    "g_update": ("G's gradients and update", "G steps its weights down the gradient, which flows back through "
                                             "the frozen D. The red lines show where each point moved (magnified): "
                                             "mostly along its arrow, but G moves all its points at once, through "
                                             "shared weights."),
}

OVERVIEW_PARTS = {"noise": "noise z", "G": "G", "fakes": "fake samples", "reals": "real samples", "D": "D",
                  "predictions": "D's predictions", "d_loss": "D loss", "g_loss": "G loss"}

LINK_PROBLEMS = {
    "unknown_setting": "is not a setting of this page",
    "not_a_choice": "is not one of the choices",
    "not_a_number": "is not a number of the right kind",
    "out_of_range": "is outside the allowed range",
}


def link_notice(problems: list[tuple[str, str, str]]) -> str:
    """What the page says about the parts of a link it could not use (it opened with the defaults there)."""
    items = "; ".join(f"`{key}={value}` {LINK_PROBLEMS.get(why, why)}" for key, value, why in problems)
    return f"Some settings in this link were ignored, and their defaults used instead: {items}."


SGAN_GENERATOR_LOSSES = {
    "feature_matching": "Feature matching: ‖mean f(x) − mean f(G(z))‖² on D's last hidden layer",
    "non_saturating": "Non-saturating: −log D(G(z))",
}

SGAN_NETWORKS = {
    "mlp": "Salimans et al.'s MLPs: D 784-1000-500-250-250-250-10, G 100-500-500-784",
    "mlp_small": "smaller MLPs for live training: D 784-500-250-250-10, G 100-256-256-784",
}


# --- challenges (gan_core/challenges.py): title, the task, and the names of the measures the engine reports ----
CHALLENGE_WORDS = {
    "gaussian_gan.seed_paper_fit": (
        "Fit the seminar's network",
        "With the **Seed paper** preset, reach a generated mean and std within 0.05 of N(4, 1.25) and W1 < 0.05, "
        "changing only k (D steps), the learning rates and D's input.",
        {"mean_error": "|mean − 4|", "std_error": "|std − 1.25|", "w1": "W1"}),
    "minimax.value_at_equilibrium": (
        "Find the equilibrium",
        "Move G until V(D*, G) is within 0.01 of −log 4, then say why D* = ½ there.",
        {"value_gap": "|V(D*, G) + log 4|", "answered": "answered right"}),
    "mode_collapse.every_mode": (
        "Catch all eight",
        "On the ring, capture 8/8 modes with at least 80% high-quality samples within 3,000 steps, with a cure of "
        "your choice.",
        {"modes_captured": "modes captured", "hq_fraction": "high-quality samples", "steps": "steps"}),
    "inside_game.default_fails": (
        "Break the default GAN",
        "Draw a distribution that the default settings fail on: JS > 0.3 after 2,000 steps.",
        {"js": "JS divergence", "steps": "steps"}),
    "inside_game.fit_the_drawing": (
        "Then fit it",
        "Find settings that fit your drawing: JS < 0.1.",
        {"js": "JS divergence", "steps": "steps"}),
    "dcgan_mnist.score_6": (
        "Digits that count",
        "Train until the page measures an MNIST score of 6.",
        {"mnist_score": "score measured", "steps": "at step"}),
    "dcgan_mnist.score_6_sooner": (
        "Faster than the default",
        "Reach score 6 in fewer steps than the page's defaults need (763).",
        {"mnist_score": "score measured", "steps": "at step"}),
    "semi_supervised_gan.twenty_labels": (
        "Twenty labels",
        "With 20 labels (2 per class), beat the supervised baseline by at least 15 points of test accuracy.",
        {"sgan_test": "SGAN, test", "baseline_test": "baseline, test", "lead": "lead"}),
}
CHALLENGE_REASONS = {
    "setting_changed": "This run changed a setting the challenge keeps fixed: Reset with the allowed changes only.",
    "diverged": "This run diverged: Reset and try gentler settings.",
    "other_data": "This challenge is on the ring of eight: pick it as the real data.",
    "not_a_drawing": "This challenge is on your own drawing: draw the real data first.",
    "other_labels": "This challenge uses 20 labels: set 2 labels per class.",
}
MINIMAX_WHY = {  # the minimax challenge's question: why D* = 1/2 at the equilibrium
    "p_g_equals_p_data": "p_g = p_data, so D*(x) = p_data / (p_data + p_g) = ½ everywhere",
    "d_is_untrained": "D has not been trained yet",
    "loss_is_zero": "the generator's loss is zero there",
}
BOARD_REFUSALS = {  # class_board/store.py's Refused codes
    "nickname_empty": "Type a nickname.",
    "nickname_too_long": "A nickname has at most 20 characters.",
    "nickname_characters": "A nickname may hold letters, digits, spaces, '-', '_' and '.', nothing else.",
    "class_code": "A class code is 3 to 12 letters or digits: ask your teacher for it.",
    "unknown_student": "This seat is no longer on the board (the class was reset): join again.",
    "not_done": "The engine has not confirmed this challenge.",
    "state": "Unknown run state.",
}
GATE_WORDS = {  # class_board/teacher.py's answers
    "disabled": "The teacher's board is off on this server: start it with GAN_TEACHER_CODE set to a code of your "
                "choice.",
    "wrong": "That is not the teacher code.",
    "locked": "Too many wrong codes: wait a minute and try again.",
}
