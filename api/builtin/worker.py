"""Imported once by the engine pool's fork server (api/pipeline/cpu.py), never by the API.

Loading spaCy and running one tiny analysis here (parts of the pipeline and the rules load
on first use) means every engine worker is forked warm: a worker killed because its client
hung up (or its deadline passed) is replaced in a fraction of a second, not the seconds a
cold start takes.
"""

from api.builtin.engine import analyse
from api.model_ref import BUILTIN_MODEL
from api.pipeline.article import prepare_article
from api.pipeline.engine import AnalysisJob
from schemas.llm import ALL_TASKS

analyse(
    AnalysisJob(
        article=prepare_article("The mayor said the bridge will reopen on Monday.", None),
        model=BUILTIN_MODEL,
        tasks=ALL_TASKS,
        caller_claims=("The bridge will reopen",),
    )
)
