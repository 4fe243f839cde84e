"""First connection: matching a school's MIS to the accounts and classes its product already
had. Pure: `names` (how alike two names are), `pupils` (which existing account each MIS person
is), `classes` (what to do with each MIS class), `sets` (the sets-versus-forms warning)."""
