"""The network map as the page draws it: inline SVG coordinates, colours and marks.

Computed here, drawn by ``templates/insight/_map.html`` (inline SVG, no external
asset). Edges are two paths (the reader's own ties, and the rest), each written as
trails through the organisations' centres, so a map of thousands of ties stays a small
page; each organisation is one focusable circle, drawn over the ends and joins of its
lines.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from winwin.insight.cluster_views import NetworkMap
from winwin.insight.network_map import Indices, trails

SIZE = 1000
"""The drawing's width and height in SVG user units."""

PALETTE = (
    "#1f77b4",
    "#d95f02",
    "#2ca02c",
    "#9467bd",
    "#b8860b",
    "#17becf",
    "#e7298a",
    "#8c564b",
    "#1b9e77",
    "#7570b3",
)
"""Colours of the largest communities (by position); smaller ones are grey."""
OTHER = "#9aa3ab"

FEW_NODES = 60
"""Maps of at most this many organisations outline every declared cluster and name
every organisation."""
OUTLINE_MIN_MEMBERS = 3
"""On larger maps only clusters with at least this many members drawn are outlined..."""
MAX_OUTLINES = 12
"""...and at most this many of them, the largest (the reader's own cluster always)."""


@dataclass(frozen=True)
class Legend:
    community: int
    colour: str
    shown: int


def colour_of(community: int | None) -> str:
    if community is None or community >= len(PALETTE):
        return OTHER
    return PALETTE[community]


def _xy(value: float) -> float:
    return round(value * SIZE, 1)


def _path(centres: list[str], a: Indices, b: Indices) -> str:
    """The edges as one SVG path: each trail (``network_map.trails``) a moveto and then
    its points, which SVG reads as lines from point to point."""
    return "".join("M" + " ".join(centres[i] for i in walk) for walk in trails(a, b))


def _outlined(network: NetworkMap, own_cluster: str | None) -> set[str]:
    """The declared clusters to outline: all on a small map; on a larger one the
    ``MAX_OUTLINES`` largest with at least ``OUTLINE_MIN_MEMBERS`` members drawn, and
    the reader's own cluster, so that outlines never bury the map."""
    sizes = network.outline_members or {c: len(p) for c, p in network.outlines}
    if len(network.nodes) <= FEW_NODES:
        return set(sizes)
    big = sorted(
        (c for c, count in sizes.items() if count >= OUTLINE_MIN_MEMBERS),
        key=lambda c: (-sizes[c], c),
    )
    chosen = set(big[:MAX_OUTLINES])
    if own_cluster is not None and own_cluster in sizes:
        chosen.add(own_cluster)
    return chosen


def drawing(network: NetworkMap) -> dict[str, Any]:
    """What the template draws: nodes, the two edge paths, outlines and the legend."""
    n = len(network.nodes)
    # Smaller circles as the map fills, never below what a pointer can still hit.
    radius = round(max(3.0, min(10.0, 260 / max(n, 1) ** 0.5)), 1)
    ties = sum(1 for node in network.nodes if node.role == "tie")
    # Every name while they fit; else the reader and, while few, its own ties.
    labelled = n <= FEW_NODES
    label_ties = ties <= 16
    me = next((node.key for node in network.nodes if node.role == "self"), None)
    nodes = [
        {
            # Enter on one of the reader's ties opens the overlap with it.
            "href": f"/org/overlap/{node.key}?org={me}" if me and node.role == "tie" else None,
            "key": node.key,
            "name": node.name,
            "x": _xy(node.x),
            "y": _xy(node.y),
            "colour": colour_of(node.community),
            "community": None if node.community is None else node.community + 1,
            "cluster": node.cluster,
            "role": node.role,
            "label": labelled or node.role == "self" or (label_ties and node.role == "tie"),
        }
        for node in network.nodes
    ]
    centres = [f"{_xy(node.x)} {_xy(node.y)}" for node in network.nodes]
    edges = network.edges
    own_cluster = next((node.cluster for node in network.nodes if node.role == "self"), None)
    drawn = _outlined(network, own_cluster)
    outlines = []
    for cluster, points in network.outlines:
        if not points or cluster not in drawn:
            continue
        bottom = max(points, key=lambda p: (p[1], -p[0]))
        outlines.append(
            {
                "cluster": cluster,
                "points": " ".join(f"{_xy(x)},{_xy(y)}" for x, y in points),
                "single": len(points) == 1,
                "x": _xy(bottom[0]),
                "y": _xy(bottom[1]),
            }
        )
    shown: dict[int, int] = {}
    for node in network.nodes:
        if node.community is not None:
            shown[node.community] = shown.get(node.community, 0) + 1
    legend = [
        Legend(c + 1, colour_of(c), count) for c, count in sorted(shown.items()) if c < len(PALETTE)
    ]
    return {
        "size": SIZE,
        "radius": radius,
        # Room for the labels of the outermost organisations.
        "pad": max(radius * 3, 80.0),
        "nodes": nodes,
        "own_path": _path(centres, edges.a[edges.own], edges.b[edges.own]),
        "rest_path": _path(centres, edges.a[~edges.own], edges.b[~edges.own]),
        "outlines": outlines,
        "outlines_left": sum(1 for _, points in network.outlines if points) - len(outlines),
        "legend": legend,
        "grey": any(
            node.community is None or node.community >= len(PALETTE) for node in network.nodes
        ),
        "left_out": network.left_out,
        "scope": network.scope,
        "ties": len(network.edges),
    }
