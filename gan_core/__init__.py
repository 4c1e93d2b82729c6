"""GAN Classroom engine: PyTorch models, trainers and the maths behind the lessons.

Never imports streamlit: the app, the CLI and the tests all drive the same code.
"""
