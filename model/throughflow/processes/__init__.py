"""The monthly submodels, one module each, as vectorised functions over the model's arrays.

Each process takes the model and the month and draws only from its own random stream
(``model.streams[<name>]``) and, for per-agent decisions, from counter-based numbers fixed by
(process, month, agent) (``model.uniforms``, see :mod:`throughflow.randomness`), so switching
one process on or off leaves the random numbers of the others unchanged (common random
numbers across scenarios).
"""
