"""Specs of the Keras and torch forms (``momentum_lab.tf``, ``momentum_lab.torch``) for the property test."""

from __future__ import annotations

from _api_cases import Registry

REGISTRY = Registry()
