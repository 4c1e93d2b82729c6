"""A semi-supervised GAN on MNIST: D is a 10-class classifier whose real/fake verdict is Z/(Z+1)."""
