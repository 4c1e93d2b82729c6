"""Model families, one folder each (networks, config, presets, trainer, family.py), and their registry."""
