"""debtflow's benchmarks: figures for issue notes, never assertions in tests."""
