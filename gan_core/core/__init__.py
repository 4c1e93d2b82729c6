"""The one GAN loop and what every family shares: config, games, snapshots, presets, a long run's cadence."""
