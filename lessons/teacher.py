"""The teacher's board: every student of a class, live, and who finished which challenge (GAN_TEACHER_CODE)."""
import streamlit as st

from class_board.store import Refused, check_class_code
from class_board.teacher import TeacherGate
from gan_core.challenges import CHALLENGES
from ui.class_session import store
from ui.words import BOARD_REFUSALS, CHALLENGE_WORDS, GATE_WORDS

st.title("Teacher's board")
gate = st.session_state.setdefault("teacher_gate", TeacherGate())
if not gate.enabled:
    st.info(GATE_WORDS["disabled"], icon=":material/lock:")
    st.stop()
if not st.session_state.get("teacher_ok"):
    with st.form("teacher_login"):
        code = st.text_input("Teacher code", type="password", key="teacher_code")
        if st.form_submit_button("Open the board"):
            answer = gate.try_code(code)
            st.session_state["teacher_ok"] = answer == "ok"
            if answer != "ok":
                st.error(GATE_WORDS[answer], icon=":material/block:")
            else:
                st.rerun()
    st.stop()

class_code = st.text_input("Class code", key="teacher_class", max_chars=12,
                           help="The code your students type into *Join a class* in the sidebar.")
if not class_code:
    st.stop()
try:
    check_class_code(class_code)
except Refused as exc:
    st.error(BOARD_REFUSALS.get(str(exc), str(exc)), icon=":material/block:")
    st.stop()


@st.fragment(run_every=2.0)
def live_board() -> None:
    """Every student's lesson, run state, step, main measure and challenges, redrawn every 2 s."""
    rows = store().board(class_code)
    st.caption(f"**{len(rows)}** student{'s' if len(rows) != 1 else ''} in class **{class_code.upper()}**")
    st.dataframe([{"nickname": r["nickname"], "lesson": r["lesson"], "state": r["state"], "step": r["step"],
                   "measure": r["measure"], "challenges done": len(r["challenges"])} for r in rows],
                 hide_index=True, width="stretch", key="teacher_board")
    for key, challenge in CHALLENGES.items():
        done = store().results(class_code, key)
        if done:
            st.markdown(f"**{CHALLENGE_WORDS[key][0]}** ({challenge.lesson}): {len(done)} finished")
            st.dataframe([{"nickname": d["nickname"], "steps": d["step"],
                           "settings": ", ".join(f"{k}={v}" for k, v in sorted(d["settings"].items()))
                           if isinstance(d["settings"], dict) else str(d["settings"])} for d in done],
                         hide_index=True, width="stretch", key=f"teacher_done_{key}")


live_board()
showing = store().shows_results(class_code)
shown = st.toggle("Show the class results to students", value=showing, key="teacher_show",
                  help="Each student then sees, under each challenge, how many steps the class needed: no names.")
if shown != showing:
    store().show_results(class_code, shown)
c1, c2 = st.columns(2)
c1.download_button("Export the board (CSV)", store().csv(class_code), file_name=f"class_{class_code.upper()}.csv",
                   mime="text/csv", key="teacher_csv", icon=":material/download:")
if c2.button("Reset the class", key="teacher_reset", icon=":material/restart_alt:"):
    store().reset(class_code)
    st.rerun()
