"""Streamlit page tests (AppTest): every lesson renders, reacts to its widgets and survives bad input."""
