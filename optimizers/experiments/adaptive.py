"""Experiments of adaptive optimizers: RMSProp, Adam, bias correction and AdamW."""

from __future__ import annotations
