"""Where school data comes from. Each source is a package (or a module) that turns what it
reads into one `Snapshot`; `base` says what a reader is, `registry` which reader serves a
school or a file, and `http` is the JSON-over-HTTP client every API source shares. Sources know
nothing of the engine, the store, the CLI, the web app or the exports."""
