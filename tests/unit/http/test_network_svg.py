"""The map's drawing: outlines that do not bury a large map, and Enter's targets."""

from __future__ import annotations

from winwin.insight import network_svg
from winwin.insight.cluster_views import MapNode, NetworkMap
from winwin.insight.network_map import MapEdges


def _map(n: int, clusters: dict[str, int], own: str | None = None) -> NetworkMap:
    nodes: list[MapNode] = []
    members: dict[str, list[tuple[float, float]]] = {}
    names = [c for c, size in clusters.items() for _ in range(size)]
    for i in range(n):
        cluster = names[i] if i < len(names) else None
        role = "self" if i == 0 else ("tie" if i == 1 else "other")
        if i == 0 and own is not None:
            cluster = own
        point = (i / n, (i * 7 % n) / n)
        nodes.append(MapNode(f"o{i}", f"O {i}", point[0], point[1], 0, cluster, role))
        if cluster:
            members.setdefault(cluster, []).append(point)
    return NetworkMap(
        nodes=nodes,
        edges=MapEdges.empty(),
        outlines=sorted(members.items()),
        left_out=0,
        scope="own",
        key=("stamp", False, "o0", 0, 2500),
        outline_members={c: len(p) for c, p in members.items()},
    )


def test_a_small_map_outlines_every_declared_cluster() -> None:
    drawn = network_svg.drawing(_map(20, {"a": 1, "b": 2, "c": 5}))
    assert [o["cluster"] for o in drawn["outlines"]] == ["a", "b", "c"]
    assert drawn["outlines_left"] == 0


def test_a_large_map_outlines_only_the_largest_clusters_and_the_reader_s_own() -> None:
    sizes = {f"c{i:02d}": 3 + i for i in range(20)} | {"tiny": 2, "solo": 1}
    drawn = network_svg.drawing(_map(600, sizes, own="solo"))
    outlined = {o["cluster"] for o in drawn["outlines"]}
    largest = {f"c{i:02d}" for i in range(20 - network_svg.MAX_OUTLINES, 20)}
    assert outlined == largest | {"solo"}
    assert drawn["outlines_left"] == len(sizes) - len(outlined)


def test_enter_on_a_tie_opens_the_overlap_with_it() -> None:
    drawn = network_svg.drawing(_map(5, {}))
    hrefs = {node["key"]: node["href"] for node in drawn["nodes"]}
    assert hrefs["o1"] == "/org/overlap/o1?org=o0"
    assert hrefs["o0"] is None and hrefs["o2"] is None
