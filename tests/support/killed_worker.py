"""The page test of a trainer worker that dies mid-run, shared by every live page hosted in the workers."""
import os
import signal


def kill_the_worker_then_reset(at, key: str) -> None:
    """Start the run under `key`, kill its worker: the page says so and stops; Reset and Start train again."""
    at.button(key=f"{key}_start").click().run()
    os.kill(at.session_state[key].trainer.pid, signal.SIGKILL)
    at.run()
    assert any("process that trained this run stopped" in e.value for e in at.error)
    assert at.button(key=f"{key}_start").disabled and not at.session_state[key].running
    at.button(key=f"{key}_reset").click().run()
    at.button(key=f"{key}_start").click().run()
    at.run()
    assert at.session_state[key].snapshot.step > 0 and not at.error and not at.exception
