"""CycleGAN between handwritten (MNIST) and typeset digits, and the official photo models."""
