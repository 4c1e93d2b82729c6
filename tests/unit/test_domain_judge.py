"""The domain judge (handwritten or typeset, by shape): training it, and the translation measures built on it.
(The shipped judge against its card: tests/quality/test_shipped_domain_judge.py.)"""
import pytest
import torch
from torch import nn

from gan_core.cli import main
from gan_core.eval.domain_judge import JUDGE_NAME, load_judge
from gan_core.families.cyclegan.evaluate import (
    BARS,
    Judges,
    evaluate_translation,
    selection_key,
    source_digits,
)
from gan_core.io.checkpoints import read_card


class Identity(nn.Module):
    """A 'translator' that does nothing: the trap that a label-kept measure alone would reward."""

    def __init__(self):
        super().__init__()
        self.AB, self.BA = nn.Identity(), nn.Identity()
        self.dummy = nn.Parameter(torch.zeros(1))  # translate() asks for a parameter's device

    def parameters(self, recurse: bool = True):
        return iter([self.dummy])


def test_an_identity_translator_fails_the_bars_and_is_never_selected():
    G = Identity()
    G.AB.parameters = G.BA.parameters = G.parameters
    m = evaluate_translation(G, Judges.shipped(), n=300, seed=5)
    assert m["ab_change"] == 0 and m["ba_change"] == 0 and m["cycle_l1"] == 0
    assert m["ab_in_target"] == m["ab_untranslated_in_target"] < 0.05  # the judge sees handwriting still
    assert m["ba_in_target"] == m["ba_untranslated_in_target"] < 0.05
    assert m["ba_label_kept"] >= BARS["label_kept"]  # the trap: typeset digits stay readable to the MNIST classifier
    assert not m["bars"]["ab_in_target"] and not m["bars"]["ba_in_target"] and not m["bars_met"]
    assert m["ab_frechet_to_target"] == pytest.approx(m["ab_untranslated_frechet_to_target"])
    assert selection_key(m)[0] is False


def test_selection_puts_any_translator_in_the_target_domain_ahead():
    base = {f"{k}_judge_accuracy_on_target": 0.99 for k in ("ab", "ba")}
    translating = base | {"ab_in_target": 0.95, "ba_in_target": 0.95, "ab_label_kept": 0.6, "ba_label_kept": 0.7}
    copying = base | {"ab_in_target": 0.02, "ba_in_target": 0.5, "ab_label_kept": 1.0, "ba_label_kept": 1.0}
    assert selection_key(translating) > selection_key(copying)


def test_cli_trains_a_judge_and_writes_its_accuracy_per_domain(tmp_path):
    out = tmp_path / "judge"
    assert main(["train", "domain_judge", "--epochs", "3", "--typeset-train", "2000", "--out", str(out)]) == 0
    card = read_card(out)
    assert card["kind"] == "domain_judge" and card["config"]["blur_sigma"] == 1.0 and card["config"]["noise"] > 0
    m = card["metrics"]
    assert 0 <= m["handwritten_accuracy"] <= 1 and 0 <= m["typeset_accuracy"] <= 1
    assert m["handwritten_accuracy"] + m["typeset_accuracy"] > 1.6  # far better than a coin after 93 steps
    model, _ = load_judge(out)
    x, _ = source_digits("AB", 4, 0)
    assert model(torch.zeros(4, 1, 28, 28)).shape == (4, 2) and len(x) == 4
    assert JUDGE_NAME.name == "domain_judge"
