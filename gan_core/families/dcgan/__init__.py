"""An unconditional DCGAN on MNIST."""
