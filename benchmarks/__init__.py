"""Momentum Lab benchmarks: ``python -m benchmarks`` (or ``make bench``).

Every ``benchmarks/bench_*.py`` module defines ``run(quick=False)`` returning a list of :class:`Row`.
The runner measures them all in one run and prints one table of ratios, so the figures compare code
measured on the same machine under the same load.
"""
