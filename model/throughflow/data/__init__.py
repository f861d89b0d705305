"""Data shipped with the package (empirical calibration targets)."""
