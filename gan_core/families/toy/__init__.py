"""1-D and 2-D GANs on known distributions (the 1-D lessons, the 2-D playground, mode collapse)."""
