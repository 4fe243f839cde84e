"""schoolsync: keeps pupils, staff, classes and contacts in step with each school's MIS."""

__version__ = "0.1.0"
