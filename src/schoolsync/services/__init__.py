"""The service layer: what a person can ask of schoolsync, whoever asks.

The CLI, the web app and the workers call these functions and nothing below them: none of them
opens a store, wires a reader or reads the environment on its own. Each function takes the
`Settings` or the engine it needs and explicit arguments, returns plain values and raises only
errors from `schoolsync.errors`; none prints, prompts or reads `os.environ`.

    store.py     the engine for a database, migrated once per process
    sources.py   which reader serves a school or a file (the one place that wires readers)
    schools.py   add, connect, list; settings read, checked and updated; class dependents
    syncing.py   run a sync, import a file, the dry run
    manual.py    the manual sync's steps, for the CLI's prompts and the stateless web wizard
                 and API (the choices themselves are `engine/choices.py`)
    holds.py     what waits for approval; approving some of it
    demo.py      the demo's sandbox school
    reports.py   runs, issues, one run in detail, the export
    overview.py  the schools overview (vendor staff), keyset-paginated
    history.py   a school's MIS sync page: runs in words, the chart, what waits, issues CSVs
    run_page.py  one run as its page and the API show it
    people.py    a school's people and classes
    accounts.py  the web app's and the API's accounts, logins, sessions and API tokens
    handle.py    the store's type as the web app holds it (imports SQLAlchemy; the CLI does not)

The web app (`web/`) imports no store and no SQLAlchemy and opens no connection
(tests/services/test_layers.py).
"""
