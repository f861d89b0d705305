"""Pillar 2: the mentoring organisation and its activities, one mechanism per module."""
