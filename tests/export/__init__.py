"""Tests of `dualalign export`."""
