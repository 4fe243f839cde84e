"""What runs the syncs by itself: `schedule` (each school's next run and why), `serve` (the
web app with the scheduler and a pool of worker threads), and the distributed pair `worker`
(Celery) and `scheduler`."""

from __future__ import annotations

import datetime as dt
import json
import time
from typing import TYPE_CHECKING, Annotated

import typer
from rich.markup import escape
from rich.table import Table

from schoolsync.cli.common import app, err, fail, now, open_store, out
from schoolsync.cli.exit_codes import ExitCode
from schoolsync.cli.sandbox import refuse_busy_port

if TYPE_CHECKING:
    from schoolsync.jobs.runner import EmbeddedRunner
    from schoolsync.jobs.writeback_sender import WritebackSender


@app.command()
def schedule(
    as_json: Annotated[bool, typer.Option("--json", help="Print a JSON list.")] = False,
) -> None:
    """Every school's next sync and why (nightly window, daytime syncs, paused, revoked)."""
    from schoolsync.services.scheduling import next_runs

    with open_store(as_json=as_json) as (_settings, engine):
        runs = next_runs(engine, now())
    if as_json:
        print(json.dumps([run.to_json() for run in runs]))
        return
    if not runs:
        out.print("No schools yet: `schoolsync school add` adds one.")
        return
    table = Table("School", "Key", "Next run (school's time)", "Why")
    for run in runs:
        table.add_row(escape(run.school_name), run.school_key, run.local_time(), escape(run.why))
    out.print(table)


@app.command()
def serve(
    host: Annotated[str, typer.Option(help="Address to listen on.")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="Port.")] = 8000,
) -> None:
    """Serve the web app and the REST API (OpenAPI at /docs), with the scheduler and a pool of
    worker threads that sync every school on its schedule, until stopped."""
    import uvicorn

    from schoolsync.jobs.pace import paced_photos_reader, paced_reader
    from schoolsync.jobs.runner import EmbeddedRunner
    from schoolsync.jobs.writeback_sender import WritebackSender
    from schoolsync.services.sources import permissions_reader
    from schoolsync.services.syncing import notifier
    from schoolsync.services.webhooks import WebhookReceiver
    from schoolsync.services.writeback_sender import mailer_for
    from schoolsync.web.app import create_web_app

    refuse_busy_port(host, port)
    with open_store() as (settings, engine):
        notify = notifier(engine, settings)
        runner = EmbeddedRunner(
            engine,
            lambda: paced_reader(settings),
            notify,
            workers=settings.workers,
            every_seconds=settings.scheduler_every_seconds,
            busy_retry=dt.timedelta(seconds=settings.busy_retry_seconds),
            photos=paced_photos_reader(settings),
        )
        app_ = create_web_app(
            engine,
            lambda: paced_reader(settings),
            api_token=settings.api_token,
            notify=notify,
            runner=runner,
            permissions=permissions_reader(settings),
            settings=settings,
            webhooks=WebhookReceiver.from_settings(settings),
        )
        out.print(f"schoolsync on http://{host}:{port}/ (API at /api, its docs at /docs)")
        out.print(
            f"Scheduler on: every school syncs in its nightly window; {settings.workers} "
            "worker threads (`schoolsync schedule` shows what runs next)."
        )
        out.print("No account yet? `schoolsync user add EMAIL --role vendor-admin` makes one.")
        runner.start()
        # Late arrivals and early leavers, to the MIS: a pass every 2 s beside the syncs.
        sender = WritebackSender(engine, settings, mailer=mailer_for(settings))
        sender.start()
        interrupted = False
        try:
            # Our one log setup, not uvicorn's; no access log: a request line can carry a
            # searched pupil's name in its query string.
            config = uvicorn.Config(app_, host=host, port=port, log_config=None, access_log=False)
            # A Server, not uvicorn.run: run() swallows the Ctrl-C the server passes on once it
            # has shut the web app down, and the syncs under way are still to be stopped.
            uvicorn.Server(config).run()
        except KeyboardInterrupt:
            interrupted = True
        finally:
            _stop(runner, sender)
    raise typer.Exit(ExitCode.INTERRUPTED if interrupted else ExitCode.OK)


def _stop(runner: EmbeddedRunner, sender: WritebackSender) -> None:
    """Let the syncs under way finish, saying so; a second Ctrl-C ends them as interrupted."""
    running = runner.running()
    if running:
        err.print(
            f"Stopping: waiting for {running} sync{'s' if running != 1 else ''} to finish "
            "(Ctrl+C again to stop at once)"
        )
    else:
        err.print("Stopping: no sync under way.")
    try:
        sender.stop()
        runner.stop(timeout=None)
    except KeyboardInterrupt:
        stopped = runner.interrupt_running()
        err.print(f"Stopped at once: {stopped} sync(s) recorded as interrupted and queued again.")
        raise typer.Exit(ExitCode.INTERRUPTED) from None


@app.command()
def worker(
    concurrency: Annotated[
        int | None,
        typer.Option(help="Syncs at once in this worker (default: SCHOOLSYNC_WORKERS)."),
    ] = None,
    pool: Annotated[
        str, typer.Option(help="prefork (processes), threads, or solo (one at a time).")
    ] = "prefork",
    writebacks: Annotated[
        bool,
        typer.Option(
            "--writebacks/--no-writebacks",
            help="Also send attendance write-backs to the MIS (a pass every 2 s).",
        ),
    ] = True,
) -> None:
    """A Celery worker: runs the syncs `schoolsync scheduler` queues on SCHOOLSYNC_BROKER_URL,
    and sends the attendance write-backs that are due."""
    import os
    import socket

    from schoolsync.jobs.celery_app import make_celery, queues
    from schoolsync.services.store import close_all

    if pool not in ("prefork", "threads", "solo"):
        fail(f"--pool must be prefork, threads or solo, not {pool!r}", ExitCode.USAGE)
    with open_store() as (settings, _engine):
        celery = make_celery(settings)
    close_all()  # each process opens its own connections (a forked one must not share them)
    if writebacks:
        from schoolsync.jobs.celery_writebacks import WorkerWritebacks

        WorkerWritebacks(settings).attach()  # its thread starts once the worker is ready
    name = f"schoolsync-{os.getpid()}@{socket.gethostname()}"
    celery.worker_main(
        [
            "worker",
            f"--concurrency={concurrency or settings.workers}",
            f"--pool={pool}",
            f"--queues={','.join(queues(settings))}",
            f"--hostname={name}",
            f"--loglevel={settings.log_level}",
            "--without-gossip",
            "--without-mingle",
        ]
    )


@app.command()
def scheduler(
    once: Annotated[
        bool, typer.Option("--once", help="Queue what is due now, then exit (for cron and tests).")
    ] = False,
    every_school: Annotated[
        bool, typer.Option("--all", help="With --once: queue every school's night now.")
    ] = False,
    as_json: Annotated[bool, typer.Option("--json", help="With --once: print JSON.")] = False,
) -> None:
    """Queue due syncs for the Celery workers (and free the schools of dead runs), every
    SCHOOLSYNC_SCHEDULER_EVERY seconds until stopped, or once."""
    from schoolsync.jobs.celery_app import enqueue_due, make_celery

    if every_school and not once:
        fail("--all goes with --once", ExitCode.USAGE, as_json=as_json)
    with open_store(as_json=as_json) as (settings, engine):
        celery = make_celery(settings)
        if once:
            sent = enqueue_due(celery, settings, engine, now(), every=every_school)
            if as_json:
                print(json.dumps({"queued": sent}))
            else:
                out.print(f"Queued {sent} sync{'s' if sent != 1 else ''}.")
            return
        out.print(
            f"Scheduler on {settings.queue_name}: looking every "
            f"{settings.scheduler_every_seconds:g} s (Ctrl+C stops it)."
        )
        # The write-back sender runs here too (as on every worker): a pass every 2 s needs no
        # broker round trip, and its claims keep the other senders off its marks.
        from schoolsync.jobs.writeback_sender import WritebackSender
        from schoolsync.services.writeback_sender import mailer_for

        sender = WritebackSender(engine, settings, mailer=mailer_for(settings))
        sender.start()
        try:
            while True:
                enqueue_due(celery, settings, engine, now())
                time.sleep(settings.scheduler_every_seconds)
        finally:
            sender.stop()
