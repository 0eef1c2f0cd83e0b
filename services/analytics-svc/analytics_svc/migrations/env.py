from analytics_svc.adapters.tables import metadata
from debtflow_shared.migrations import run_env

run_env(metadata)
