"""The test suite, one folder per part of the project:

- unit/     the engine (gan_core): trainers, losses, data, checkpoints, CLI, metrics, theory, latent, uploads
- pages/    the Streamlit pages (lessons/, ui/) through AppTest, bad input included
- quality/  the shipped weights in pretrained/ against their bars and model cards
- e2e/      a real server and a real browser (Playwright): one xdist worker runs them all
- golden/   the numbers recorded before the engine was restructured, and their test
- support/  helpers the tests share (fixtures shared by all are in conftest.py)
"""
