"""GAN Classroom: `streamlit run app.py`."""
from __future__ import annotations

import streamlit as st

from ui.lessons import LESSONS, SECTIONS
from ui.resources import device_label

st.set_page_config(page_title="GAN Classroom", page_icon=":material/school:", layout="wide")

home = st.Page("pages/home.py", title="Home", icon=":material/home:", default=True)
nav = {"": [home]}
for section in SECTIONS:
    pages = [st.Page(l.path, title=l.title, icon=l.icon) for l in LESSONS if l.section == section]
    if pages:
        nav[section] = pages

page = st.navigation(nav)
st.sidebar.markdown(f":material/memory: **Training on:** {device_label()}")
page.run()
