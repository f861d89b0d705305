"""Analysis on top of runs: calibration checks (and, later, summaries and sensitivity)."""
