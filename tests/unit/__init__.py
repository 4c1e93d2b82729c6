"""Engine unit tests (gan_core): fast and seeded; a few minutes-long training runs are marked long_running."""
