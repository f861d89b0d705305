"""Policy briefs from stored results: inputs, tables, content, rendering (see :mod:`throughflow.brief`)."""
