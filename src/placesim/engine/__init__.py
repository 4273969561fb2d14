"""The population engine: rules, state arrays and the numba scheduler."""
