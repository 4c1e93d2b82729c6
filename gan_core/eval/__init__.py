"""How generated digits are graded: the digit readers, the evaluator, the domain judge, metrics, attributes."""
