"""Datasets: MNIST from the bundled IDX files (mnist.py), typeset digits (typeset.py), point distributions
(distributions.py)."""
