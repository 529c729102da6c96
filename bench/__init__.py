"""On-demand benchmarks for dondoc (issue 6); never collected by the test suite.

Run ``python -m bench`` (full, ~10 minutes) or ``python -m bench --quick``.
"""
