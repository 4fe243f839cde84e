"""The planner's stages, one module each: people, structures (subjects, classes, groups) and
relations (memberships, contact links). `engine/plan.py` runs them in the model's `ORDER`."""
