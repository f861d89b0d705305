"""Pillar 3: the ecosystem of learning labs and employer support, one mechanism per module."""
