"""The benchmark suite: ``python -m bench`` loads each case with wrk and prints one table.

Figures are produced by a run, never typed in; see ``bench/README.md``.
"""
