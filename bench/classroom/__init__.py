"""The parts of bench/classroom_load.py, the classroom load test (see its docstring)."""
