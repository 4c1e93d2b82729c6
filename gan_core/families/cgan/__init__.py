"""A conditional GAN on MNIST: the digit is an input of G and D."""
