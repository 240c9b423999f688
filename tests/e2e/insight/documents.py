"""Documents shared by the insight end-to-end tests."""

from __future__ import annotations

NETWORK = {
    "format": "winwin/1",
    "organizations": [
        {
            "key": "kemi",
            "name": "Kemi Oy",
            "cluster": "chemistry",
            "roles": ["supplier"],
            "capabilities": ["barrier coatings"],
            "values": ["circular economy"],
        },
        {
            "key": "pinta",
            "name": "Pinta Oy",
            "cluster": "chemistry",
            "roles": ["supplier"],
            "capabilities": ["barrier coatings"],
        },
        {
            "key": "kuusi",
            "name": "Kuusi Paper Oy",
            "cluster": "forest",
            "roles": ["customer"],
            "needs": ["barrier coatings"],
            "values": ["circular economy"],
        },
        {
            "key": "gran",
            "name": "Gran AB",
            "cluster": "forest",
            "roles": ["customer"],
            "needs": ["barrier coatings"],
        },
        {"key": "pakkaus", "name": "Pakkaus Oy", "cluster": "packaging", "roles": ["customer"]},
        {"key": "kauppa", "name": "Kauppa Oy", "roles": ["customer"]},
        {"key": "metsa", "name": "Metsä Oy", "cluster": "chemistry", "roles": ["customer"]},
    ],
    "ties": [
        {"kind": "supplies", "from": "pinta", "to": "kuusi"},
        {"kind": "supplies", "from": "kuusi", "to": "pakkaus"},
        {"kind": "supplies", "from": "kuusi", "to": "metsa"},
        {"kind": "supplies", "from": "pakkaus", "to": "kauppa"},
        {"kind": "supplies", "from": "metsa", "to": "kauppa"},
        {"kind": "partners", "from": "kemi", "to": "pinta"},
    ],
    "competitors": [["kemi", "gran"]],
}

CROSSED_GAME = {
    "suppliers": {
        "a": {"capacity": 1, "prefers": ["x", "y"]},
        "b": {"capacity": 1, "prefers": ["y", "x"]},
    },
    "customers": {
        "x": {"capacity": 1, "prefers": ["b", "a"]},
        "y": {"capacity": 1, "prefers": ["a", "b"]},
    },
}

AIRPORT = {"type": "airport", "costs": {"small": 1, "medium": 2, "large": 4}}
TABLE = {
    "type": "table",
    "players": ["a", "b", "c"],
    "values": {"": 0, "a": 0, "b": 0, "c": 0, "a,b": 1, "a,c": 1, "b,c": 0, "a,b,c": 1},
}
SYNERGY = {
    "type": "synergy",
    "standalone": {"mill": 10, "lab": 2, "port": 4},
    "synergy": [["mill", "lab", 6], ["mill", "port", 2]],
}
