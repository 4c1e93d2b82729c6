"""Streamlit-side helpers shared by the lesson pages (the engine lives in gan_core)."""
