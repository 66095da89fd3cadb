"""Bulk jobs on arq + Redis: the job store, item execution, the worker, webhooks.

Flow: POST /v1/jobs (or `stancewire batch --queue`) validates every item, writes the job's
record and enqueues one arq job per item (arq job id `<job>:<index>`, so an item is queued
once). `stancewire worker` processes take items from their engine's queue, run them through
the same Analyzer as /v1/analyze and record each result with HSETNX: an item re-run after
its worker died is recorded once. arq re-runs an item whose worker vanished (its in-progress
key expires `job_item_timeout_s + 12` s after it started); transient errors are retried
with a backoff, anything else becomes the item's problem.
"""
