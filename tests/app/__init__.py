"""AppTest page tests (a package, so module names cannot clash with tests/e2e)."""
