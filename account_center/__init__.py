"""A self-service account center for Django sites that sign users in with Logto."""

# The one place the version is written: pyproject.toml reads it (setuptools' dynamic version),
# and so do the docs and CHANGELOG.md's check.
__version__ = "0.1.0"
