"""Hostile input at the edge (issue 5): limits, introspection, CSRF, CORS, masking.

Submodules are imported directly (``gateway.edge.config``, ``.rules``, ``.view``,
``.stack``) so that ``gateway.schema`` can use ``rules`` without an import cycle.
"""
