# The attendance write-back tables live in their own module (tables.py is at its size limit);
# importing it here registers them on `tables.metadata` wherever any part of the store is used.
from schoolsync.store import attendance_tables as _attendance_tables  # noqa: F401
