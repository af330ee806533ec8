"""Powertools logger and metrics, shared by every Lambda of the app."""

from __future__ import annotations

from aws_lambda_powertools import Logger, Metrics

from tandem.runtime.settings import settings

logger = Logger(service="tandem", level=settings().log_level)
metrics = Metrics(namespace="Tandem", service="tandem")
