"""The job code every runner shares: the embedded runner of `schoolsync serve` (threads) and
the Celery workers of `schoolsync worker` call the same functions.

    run_sync_job(settings, school_key, trigger, job_id=...)   one queued sync, idempotently
    plan_due(engine, now) / plan_all(engine, now)               what the scheduler queues
    recover(engine, now)                                        runs and jobs whose process died
"""
