"""The attachment tests run in the sharing world: the app with the demo network and the
members of Kuusi, Lab (its partner) and Gran (its competitor), on both databases, and the
same app on a free port for the browser."""

from e2e.sharing.conftest import app_world, sharing_server  # noqa: F401  (fixtures)
