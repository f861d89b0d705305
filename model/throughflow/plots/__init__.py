"""Figures for comparisons and briefs; they read stored results only."""
