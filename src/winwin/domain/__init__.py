"""The pure core: score, audience policy, matching, cooperative games, clusters.

Imports only the standard library, numpy/scipy/igraph and its own types.
"""
