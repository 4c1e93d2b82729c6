"""GAN Classroom: `streamlit run app.py`."""
from __future__ import annotations

import os
from pathlib import Path

import streamlit as st

from class_board.teacher import ENV_VAR as TEACHER_CODE
from ui import class_session, live, timing
from ui.lessons import LESSONS, SECTIONS
from ui.resources import device_label

# A local favicon: a :material/...: page icon would be fetched from a font CDN, which fails offline.
st.set_page_config(page_title="GAN Classroom", page_icon=str(Path(__file__).parent / "ui" / "favicon.png"),
                   layout="wide")

home = st.Page("lessons/home.py", title="Home", icon=":material/home:", default=True)
nav = {"": [home]}
for section in SECTIONS:
    pages = [st.Page(lesson.path, title=lesson.title, icon=lesson.icon)
             for lesson in LESSONS if lesson.section == section]
    if pages:
        nav[section] = pages
if os.environ.get(TEACHER_CODE):  # no code, no teacher page
    nav["Class"] = [st.Page("lessons/teacher.py", title="Teacher's board", icon=":material/co_present:")]

live.pool()  # start the trainer worker processes now, so that the first Start does not wait for them
page = st.navigation(nav)
st.sidebar.markdown(f":material/memory: **Training on:** {device_label()}")
class_session.sidebar()
with timing.timed("run", page.url_path or "home"):  # $GAN_TIMING_LOG: server time per click
    page.run()
