"""The mutation check: named mistakes in the visibility rule and the score must fail the tests.

Each mutant is one exact text replacement in one source file: a level's clause, an
exclusion kind, the agreement hold, topic inheritance, the reshare chain, the
competition guard (in the pure rule ``sharing/audience.py``, in its SQL twin
``sharing/visibility.py`` and in the reshare lineage that twin reads,
``sharing/lineage.py``) and the score formula (``assessments/score.py``). For each
mutant the script copies ``src/``, ``tests/`` and ``pyproject.toml`` to a temporary
directory (the working tree is never touched), applies the replacement there and runs
a chosen set of fast tests on SQLite only, stopping at the first failure. A mutant the
tests let pass "survives"; the script exits 1 if any survives, if a replacement no
longer matches its file exactly once, or if the tests fail on the unmutated copy.

    python tools/mutants.py            # every mutant, two at a time
    python tools/mutants.py --list     # names only
    python tools/mutants.py --only sql.direct-still-partner --jobs 1
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor, as_completed
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
AUDIENCE = "src/winwin/sharing/audience.py"
TWIN = "src/winwin/sharing/visibility.py"
LINEAGE = "src/winwin/sharing/lineage.py"
SCORE = "src/winwin/assessments/score.py"

# The tests each mutant must fail, fastest and most pointed first (pytest stops at the
# first failure, so a killed mutant costs only the tests before it).
SQL_TESTS = (
    "tests/integration/sharing/test_feed_corner_cases.py",
    "tests/integration/sharing/test_feed_changes.py",
    "tests/integration/sharing/test_feed_consistency.py",
)
RULE_TESTS = (
    "tests/unit/sharing/test_audience.py",
    "tests/unit/sharing/test_audience_guard.py",
    *SQL_TESTS,
)
SCORE_TESTS = ("tests/unit/assessments/test_score.py",)
TESTS = {AUDIENCE: RULE_TESTS, TWIN: SQL_TESTS, LINEAGE: SQL_TESTS, SCORE: SCORE_TESTS}
# Seconds before a mutant's run is stopped (a mutant that hangs counts as killed).
TIMEOUT = 600


@dataclass(frozen=True)
class Mutant:
    name: str
    path: str
    old: str
    new: str


def m(name: str, path: str, old: str, new: str) -> Mutant:
    return Mutant(name, path, old, new)


MUTANTS: tuple[Mutant, ...] = (
    # --- the pure rule: levels -----------------------------------------------------------
    m(
        "rule.public-admits-nobody",
        AUDIENCE,
        'if level == "public":\n        return Decision(True, "The item is public.")',
        'if level == "public":\n        return Decision(False, "The item is public.")',
    ),
    m(
        "rule.network-admits-nobody",
        AUDIENCE,
        'return Decision(True, f"{viewer} belongs to the network.")',
        'return Decision(False, f"{viewer} belongs to the network.")',
    ),
    m(
        "rule.partners-admits-everyone",
        AUDIENCE,
        "if viewer in network.partners_of(owner):\n            return Decision(True",
        "if viewer in network.orgs:\n            return Decision(True",
    ),
    m("rule.direct-ignores-names", AUDIENCE, "if viewer not in item.audience.orgs:", "if False:"),
    m(
        "rule.direct-named-need-not-be-partner",
        AUDIENCE,
        "if viewer not in network.partners_of(owner):\n            return Decision(\n"
        '                False, f"{viewer} is named',
        'if False:\n            return Decision(\n                False, f"{viewer} is named',
    ),
    m(
        "rule.circle-admits-non-members",
        AUDIENCE,
        "if viewer in network.circles[circle]:",
        "if True:",
    ),
    m(
        "rule.secret-admits-everyone",
        AUDIENCE,
        'return Decision(False, f"The item is secret to {owner}.")',
        'return Decision(True, f"The item is secret to {owner}.")',
    ),
    m(
        "rule.owner-not-special",
        AUDIENCE,
        "if viewer == item.owner:\n        return Decision(True",
        "if False:\n        return Decision(True",
    ),
    m(
        "rule.anonymous-sees-every-level",
        AUDIENCE,
        'if item.audience.level != "public":\n            return Decision(False, "Only public',
        'if False:\n            return Decision(False, "Only public',
    ),
    # --- the pure rule: exclusions -------------------------------------------------------
    m(
        "rule.exclusions-ignored",
        AUDIENCE,
        "if item.exclude:\n        exclusion = _excluded_by(",
        "if False:\n        exclusion = _excluded_by(",
    ),
    m(
        "rule.competitors-exclusion-dropped",
        AUDIENCE,
        "if org.key in network.competitors_of(item.owner):",
        "if False:",
    ),
    m("rule.org-exclusion-dropped", AUDIENCE, "if org.key == exclusion.value:", "if False:"),
    m(
        "rule.country-exclusion-dropped",
        AUDIENCE,
        "if org.ever_in_country(exclusion.value):",
        "if False:",
    ),
    m(
        "rule.cluster-exclusion-dropped",
        AUDIENCE,
        'elif kind == "cluster" and org.ever_in_cluster(exclusion.value):',
        'elif kind == "cluster" and False:',
    ),
    m(
        "rule.country-not-sticky",
        AUDIENCE,
        "return self.country == country or country in self.past_countries",
        "return self.country == country",
    ),
    m(
        "rule.cluster-not-sticky",
        AUDIENCE,
        "return self.cluster == cluster or cluster in self.past_clusters",
        "return self.cluster == cluster",
    ),
    # --- the pure rule: agreement hold, topics, chain, guard --------------------------------
    m(
        "rule.hold-dropped",
        AUDIENCE,
        "for other, topic in _holds(network, item, topics):\n            if viewer != other:",
        "for other, topic in _holds(network, item, topics):\n            if False:",
    ),
    m(
        "rule.hold-dropped-for-anonymous",
        AUDIENCE,
        "if hold and _holds(network, item, topics):",
        "if False:",
    ),
    m(
        "rule.hold-ignores-inherited-topics",
        AUDIENCE,
        "shared = topics & secret",
        "shared = item.topics & secret",
    ),
    m(
        "rule.reshares-inherit-no-topics",
        AUDIENCE,
        "inherited = chain[i].topics or inherited",
        "inherited = chain[i].topics",
    ),
    m(
        "rule.chain-not-checked",
        AUDIENCE,
        "if not _own(network, viewer, items[i], chain.topics[i]).visible:",
        "if False:",
    ),
    m(
        "rule.chain-nearest-original-only",
        AUDIENCE,
        "for i in range(1, len(items)):\n        if not _own(",
        "for i in range(1, min(2, len(items))):\n        if not _own(",
    ),
    m(
        "rule.missing-original-not-broken",
        AUDIENCE,
        'broken = f"The original item {current.reshare_of} does not exist."',
        "broken = None",
    ),
    m(
        "rule.guard-dropped",
        AUDIENCE,
        "return min(sensitive) if sensitive else None",
        "return None",
    ),
    m(
        "rule.guard-ignores-inherited-topics",
        AUDIENCE,
        "sensitive = network.sensitive_among(topics)\n    return min(",
        "sensitive = network.sensitive_among(item.topics)\n    return min(",
    ),
    m(
        "rule.guard-dropped-for-anonymous",
        AUDIENCE,
        "if hold and network.competitors_of(item.owner):",
        "if False:",
    ),
    # --- the SQL twin: levels ----------------------------------------------------------------
    m(
        "sql.network-admits-nobody",
        TWIN,
        'item.level == "network",\n        item.level == "public",',
        'item.level == "never",\n        item.level == "public",',
    ),
    m(
        "sql.public-admits-no-organisation",
        TWIN,
        'item.level == "public",\n        and_(item.level == "partners"',
        'item.level == "never",\n        and_(item.level == "partners"',
    ),
    m(
        "sql.anonymous-sees-every-level",
        TWIN,
        'item.level == "public", not_(_held(item, True)), not_(_guarded(item, True, forms))',
        'item.level != "secret", not_(_held(item, True)), not_(_guarded(item, True, forms))',
    ),
    m(
        "sql.partners-admits-everyone",
        TWIN,
        'and_(item.level == "partners", _partners(item.owner_id, VIEWER_ID)),',
        'and_(item.level == "partners"),',
    ),
    m(
        "sql.direct-ignores-names",
        TWIN,
        "exists_in(audience, audience.item_id == item.id, audience.org_id == VIEWER_ID),\n",
        "",
    ),
    m(
        "sql.direct-named-need-not-be-partner",
        TWIN,
        "audience.org_id == VIEWER_ID),\n            _partners(item.owner_id, VIEWER_ID),\n",
        "audience.org_id == VIEWER_ID),\n",
    ),
    m("sql.circle-admits-non-members", TWIN, "member.org_id == VIEWER_ID,\n", ""),
    m("sql.circle-admits-invited", TWIN, 'member.status == "member",\n', ""),
    m(
        "sql.owner-not-special",
        TWIN,
        "item.owner_id == VIEWER_ID,\n        and_(\n            base,",
        "item.owner_id == -1,\n        and_(\n            base,",
    ),
    # --- the SQL twin: exclusions -------------------------------------------------------------
    m("sql.exclusions-ignored", TWIN, "not_(_excluded(item)),\n", ""),
    m(
        "sql.competitors-exclusion-dropped",
        TWIN,
        'and_(ex.kind == "competitors",',
        'and_(ex.kind == "never",',
    ),
    m(
        "sql.org-exclusion-dropped",
        TWIN,
        'and_(ex.kind == "org", ex.value == VIEWER_KEY)',
        'and_(ex.kind == "never", ex.value == VIEWER_KEY)',
    ),
    m(
        "sql.country-exclusion-dropped",
        TWIN,
        'and_(ex.kind == "country",',
        'and_(ex.kind == "never",',
    ),
    m(
        "sql.cluster-exclusion-dropped",
        TWIN,
        'and_(ex.kind == "cluster",',
        'and_(ex.kind == "never",',
    ),
    m(
        "sql.country-not-sticky",
        TWIN,
        'or_(ex.value == VIEWER_COUNTRY, _ever("country", ex.value))',
        "ex.value == VIEWER_COUNTRY",
    ),
    m(
        "sql.cluster-not-sticky",
        TWIN,
        'or_(ex.value == VIEWER_CLUSTER, _ever("cluster", ex.value))',
        "ex.value == VIEWER_CLUSTER",
    ),
    # --- the SQL twin: agreement hold, topics, chain, guard -----------------------------------
    m("sql.hold-dropped", TWIN, "not_(_held(item, False)),\n", ""),
    m(
        "sql.hold-dropped-for-anonymous",
        TWIN,
        'item.level == "public", not_(_held(item, True)), ',
        'item.level == "public", ',
    ),
    m(
        "sql.hold-admits-one-side-only",
        TWIN,
        "where += [pact.a_id != VIEWER_ID, pact.b_id != VIEWER_ID]",
        "where += [pact.a_id != VIEWER_ID]",
    ),
    m(
        "sql.hold-first-test-reads-one-side",
        TWIN,
        "item.owner_id.in_(select(party.b_id).where(*_active(party, anonymous))),\n",
        "",
    ),
    m(
        "sql.hold-reads-one-side-of-the-owner",
        TWIN,
        "or_(pact.a_id == item.owner_id, pact.b_id == item.owner_id)",
        "pact.a_id == item.owner_id",
    ),
    m(
        "sql.hold-ignores-inherited-topics",
        TWIN,
        "secret.agreement_id == pact.id, topic.item_id == topic_source(item)",
        "secret.agreement_id == pact.id, topic.item_id == item.id",
    ),
    m(
        "sql.reshares-inherit-no-topics",
        TWIN,
        "return case((item.reshare_of_id.is_(None), item.id), "
        "else_=func.coalesce(inherited, item.id))",
        "return item.id",
    ),
    m(
        "sql.lineage-stores-no-topic-source",
        LINEAGE,
        "source = next((c for c in chain if c in with_topics), item_id)",
        "source = item_id",
    ),
    m(
        "sql.chain-not-checked",
        TWIN,
        "rule = and_(_admits(item, anonymous, forms), or_(item.reshare_of_id.is_(None), chain_ok))",
        "rule = _admits(item, anonymous, forms)",
    ),
    m(
        "sql.chain-nearest-original-only",
        TWIN,
        "line.item_id == item.id,\n",
        "line.item_id == item.id,\n                line.depth == 1,\n",
    ),
    m("sql.guard-dropped", TWIN, "not_(_guarded(item, False, forms)),\n", ""),
    m("sql.guard-dropped-for-anonymous", TWIN, ", not_(_guarded(item, True, forms))", ""),
    m(
        "sql.guard-ignores-inherited-topics",
        TWIN,
        "topic.item_id == topic_source(item), topic.topic.in_(forms)",
        "topic.item_id == item.id, topic.topic.in_(forms)",
    ),
    # --- the score -----------------------------------------------------------------------------
    m(
        "score.side-drops-impact-attraction",
        SCORE,
        "score = 50.0 * (a * e + i * t)\n    gains = _gains",
        "score = 50.0 * (a * e)\n    gains = _gains",
    ),
    m(
        "score.side-drops-accessibility-energy",
        SCORE,
        "score = 50.0 * (a * e + i * t)\n    gains = _gains",
        "score = 50.0 * (i * t)\n    gains = _gains",
    ),
    m(
        "score.side-pairs-swapped",
        SCORE,
        "score = 50.0 * (a * e + i * t)\n    gains = _gains",
        "score = 50.0 * (a * t + i * e)\n    gains = _gains",
    ),
    m(
        "score.side-scale",
        SCORE,
        "score = 50.0 * (a * e + i * t)\n    gains = _gains",
        "score = 100.0 * (a * e + i * t)\n    gains = _gains",
    ),
    m(
        "score.side-sum-not-product",
        SCORE,
        "score = 50.0 * (a * e + i * t)\n    gains = _gains",
        "score = 25.0 * (a + e + i + t)\n    gains = _gains",
    ),
    m(
        "score.array-drops-impact-attraction",
        SCORE,
        "score = 50.0 * (a * e + i * t)\n    gains = np.stack",
        "score = 50.0 * (a * e)\n    gains = np.stack",
    ),
    m(
        "score.array-pairs-swapped",
        SCORE,
        "score = 50.0 * (a * e + i * t)\n    gains = np.stack",
        "score = 50.0 * (a * t + i * e)\n    gains = np.stack",
    ),
    m(
        "score.r-arithmetic-mean",
        SCORE,
        "return math.sqrt(a.score * b.score)",
        "return (a.score + b.score) / 2",
    ),
    m(
        "score.r-one-side",
        SCORE,
        "return math.sqrt(a.score * b.score)",
        "return math.sqrt(a.score * a.score)",
    ),
    m("score.r-other-side", SCORE, "return math.sqrt(a.score * b.score)", "return b.score"),
    m(
        "score.r-without-second-side",
        SCORE,
        "if a is None or b is None:\n        return None\n    return math.sqrt",
        "if a is None:\n        return None\n    return math.sqrt",
    ),
    m("score.normalise-scale", SCORE, "    n = (x - 1) / (k - 1)\n", "    n = x / k\n"),
    m("score.normalise-reverse-ignored", SCORE, "return 1.0 - n if reverse else n", "return n"),
    m(
        "score.factor-mean-is-max",
        SCORE,
        "math.fsum(v) / len(v) if v else None",
        "max(v) if v else None",
    ),
    m(
        "score.lever-ties-go-last",
        SCORE,
        "if gains[k] > gains[best]:",
        "if gains[k] >= gains[best]:",
    ),
    m(
        "score.gain-of-accessibility",
        SCORE,
        "return (50.0 * e * (1.0 - a), 50.0 * a * (1.0 - e)",
        "return (50.0 * a * (1.0 - e), 50.0 * a * (1.0 - e)",
    ),
)


def copy_tree(into: Path) -> None:
    ignore = shutil.ignore_patterns("__pycache__", "*.pyc", ".hypothesis")
    shutil.copytree(ROOT / "src", into / "src", ignore=ignore)
    shutil.copytree(ROOT / "tests", into / "tests", ignore=ignore)
    shutil.copy(ROOT / "pyproject.toml", into / "pyproject.toml")


def apply(mutant: Mutant, root: Path) -> None:
    path = root / mutant.path
    text = path.read_text()
    found = text.count(mutant.old)
    if found != 1:
        raise SystemExit(f"mutant {mutant.name}: its text occurs {found} times in {mutant.path}")
    path.write_text(text.replace(mutant.old, mutant.new))


def run_tests(root: Path, tests: tuple[str, ...]) -> tuple[bool, str]:
    """Run ``tests`` against the copy in ``root`` on SQLite only: (passed, last lines)."""
    env = {**os.environ, "PYTHONPATH": str(root / "src"), "WINWIN_REQUIRE_POSTGRES": "0"}
    env.pop("WINWIN_TEST_POSTGRES_URL", None)
    command = [
        sys.executable,
        "-m",
        "pytest",
        "-q",
        "-x",
        "-p",
        "no:randomly",
        "-p",
        "no:cacheprovider",
        "-m",
        "not browser and not postgres",
        "-k",
        "not postgresql",
        *tests,
    ]
    try:
        done = subprocess.run(
            command, cwd=root, env=env, capture_output=True, text=True, timeout=TIMEOUT
        )
    except subprocess.TimeoutExpired:
        return False, f"stopped after {TIMEOUT} s"
    lines = (done.stdout + done.stderr).strip().splitlines()
    return done.returncode == 0, "\n".join(lines[-3:])


def imported_from_copy(root: Path) -> bool:
    env = {**os.environ, "PYTHONPATH": str(root / "src")}
    out = subprocess.run(
        [sys.executable, "-c", "import winwin.sharing.audience as a; print(a.__file__)"],
        env=env,
        capture_output=True,
        text=True,
        check=True,
    ).stdout.strip()
    return out.startswith(str(root))


def check(mutant: Mutant | None, tests: tuple[str, ...]) -> tuple[bool, str, float]:
    started = time.monotonic()
    with tempfile.TemporaryDirectory(prefix="winwin-mutant-") as tmp:
        root = Path(tmp)
        copy_tree(root)
        if mutant is not None:
            apply(mutant, root)
        elif not imported_from_copy(root):
            raise SystemExit("the tests would import winwin from outside the copy")
        passed, tail = run_tests(root, tests)
    return passed, tail, time.monotonic() - started


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--only", action="append", help="run only this mutant (repeatable)")
    parser.add_argument("--jobs", type=int, default=2, help="mutants run at once (default 2)")
    parser.add_argument("--list", action="store_true", help="print the mutants' names")
    args = parser.parse_args()
    chosen = [x for x in MUTANTS if not args.only or x.name in args.only]
    if args.only and len(chosen) != len(set(args.only)):
        parser.error(f"unknown mutant in {args.only}")
    if args.list:
        print("\n".join(x.name for x in chosen))
        return 0
    for mutant in chosen:  # every replacement must still match its file, before any run
        found = (ROOT / mutant.path).read_text().count(mutant.old)
        if found != 1:
            print(f"mutant {mutant.name}: its text occurs {found} times in {mutant.path}")
            return 1
    started = time.monotonic()
    groups = sorted({TESTS[x.path] for x in chosen})
    with ThreadPoolExecutor(max_workers=max(1, args.jobs)) as pool:
        baseline = list(pool.map(lambda tests: check(None, tests), groups))
        for tests, (passed, tail, _) in zip(groups, baseline, strict=True):
            if not passed:
                print(f"the unmutated tests fail ({' '.join(tests)}):\n{tail}")
                return 1
        futures = {pool.submit(check, x, TESTS[x.path]): x for x in chosen}
        results = []
        for future in as_completed(futures):
            mutant = futures[future]
            passed, _tail, seconds = future.result()
            results.append((mutant, passed))
            verdict = "SURVIVED" if passed else "killed"
            print(f"{verdict:8}  {seconds:5.1f} s  {mutant.name}", flush=True)
    survivors = sorted((x for x, passed in results if passed), key=lambda x: x.name)
    print(
        f"{len(results) - len(survivors)} of {len(results)} mutants killed, "
        f"{len(survivors)} survived, in {time.monotonic() - started:.0f} s"
    )
    for mutant in survivors:
        print(f"survived: {mutant.name} ({mutant.path}: {mutant.old!r} -> {mutant.new!r})")
    return 1 if survivors else 0


if __name__ == "__main__":
    sys.exit(main())
