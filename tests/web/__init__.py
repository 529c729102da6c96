"""Tests of the web board, the REST API and the authentication they share with the CLI."""
