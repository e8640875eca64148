"""Measuring synthetic data: classification metrics, intrinsic quality, utility experiments."""
