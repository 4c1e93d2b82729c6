"""Files: checkpoints (.safetensors, never pickle), typed model cards, a trainer's state, uploads, images, paths."""
