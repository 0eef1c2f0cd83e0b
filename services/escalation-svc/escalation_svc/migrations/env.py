from debtflow_shared.migrations import run_env
from escalation_svc.adapters.tables import metadata

run_env(metadata)
