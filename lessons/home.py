"""Home: what each lesson shows, and where training will run."""
import streamlit as st

from ui.lessons import LESSONS, SECTIONS
from ui.resources import device_label

st.title("GAN Classroom")
st.markdown(
    "A **generative adversarial network** is two networks in a game: a *generator* G turns random "
    "noise z into samples, and a *discriminator* D tries to tell those samples from real data. "
    "Each lesson below lets you move the pieces yourself and watch the game play out — live."
)
st.info(f"Live training on this server runs on: **{device_label()}**", icon=":material/memory:")

for section in SECTIONS:
    lessons = [lesson for lesson in LESSONS if lesson.section == section]
    if not lessons:
        continue
    st.subheader(section)
    for lesson in lessons:
        st.page_link(lesson.path, label=lesson.title, icon=lesson.icon)
        st.caption(lesson.summary)
