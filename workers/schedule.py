"""The service's schedule, run by RQ's own cron scheduler (`flask cron`)."""

from __future__ import annotations

from typing import Any

from rq import Queue
from rq.cron import CronJob, CronScheduler
from rq.serializers import JSONSerializer
from rq.utils import now

from workers import jobs

CATCH_UP_SECONDS = 60
# Time-based flags (overdue, follow_up_due): shortly after midnight, and every 6 hours in case one is missed.
TIME_FLAGS_CRON = "5 */6 * * *"


class JsonCronScheduler(CronScheduler):
    """RQ's CronScheduler enqueueing with the JSON serializer.

    RQ 2.12's CronJob.enqueue always builds a Queue with the default (pickle)
    serializer, which the service's JSON workers cannot read; this override
    enqueues the same due jobs through a JSON queue and keeps RQ's timing.
    """

    def enqueue_jobs(self) -> list[CronJob]:
        """Enqueue every due job on a JSON-serialising queue."""
        enqueue_time = now()
        enqueued: list[CronJob] = []
        for cron_job in self._cron_jobs:
            if cron_job.should_run() and cron_job.func is not None:
                queue = Queue(cron_job.queue_name, connection=self.connection, serializer=JSONSerializer)
                queue.enqueue(cron_job.func, *cron_job.args, **cron_job.kwargs, **cron_job.job_options)
                cron_job.set_enqueue_time(enqueue_time)
                enqueued.append(cron_job)
        return enqueued


def build_scheduler(queue: Queue, config: Any) -> JsonCronScheduler:
    """The cron scheduler with the catch-up sweep and the time-based flag sweep registered."""
    scheduler = JsonCronScheduler(connection=queue.connection, name=f"{config['QUEUE_NAME']}-cron")
    options = {"job_timeout": config["JOB_TIMEOUT_SECONDS"] * 10,
               "failure_ttl": config["JOB_FAILURE_TTL_SECONDS"]}
    scheduler.register(jobs.catch_up, queue.name, interval=CATCH_UP_SECONDS, **options)
    scheduler.register(jobs.sweep_time_flags, queue.name, cron=TIME_FLAGS_CRON, **options)
    return scheduler
