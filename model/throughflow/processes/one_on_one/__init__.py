"""Pillar 1: what a volunteer mentor does for the mentee, one mechanism per module."""
