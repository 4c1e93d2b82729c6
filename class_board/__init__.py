"""The class board (issue 33): the store every replica shares, and the teacher's key. No streamlit here."""
