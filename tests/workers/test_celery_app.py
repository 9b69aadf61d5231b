"""The Celery app's configuration and the sync error's trip through the result backend."""

from __future__ import annotations

from ringkas.settings import Settings
from ringkas.workers.celery_app import (
    JOBS_QUEUE,
    PROCESS_ARTICLES,
    SYNC_QUEUE,
    TRANSLATE_TEXT,
    make_celery,
)
from ringkas.workers.errors import SyncTaskError


def test_reliability_settings() -> None:
    settings = Settings(
        redis_url="redis://example:6379/3",
        task_soft_time_limit_s=30,
        task_time_limit_s=40,
        worker_max_tasks_per_child=7,
        worker_concurrency=3,
    )
    conf = make_celery(settings).conf

    assert conf.broker_url == conf.result_backend == "redis://example:6379/3"
    assert conf.task_acks_late and conf.task_reject_on_worker_lost
    assert conf.worker_prefetch_multiplier == 1
    assert (conf.task_soft_time_limit, conf.task_time_limit) == (30, 40)
    assert conf.worker_max_tasks_per_child == 7
    assert conf.worker_concurrency == 3
    assert conf.accept_content == ["json"] and conf.task_serializer == "json"
    assert conf.broker_connection_retry_on_startup


def test_tasks_route_to_their_queues_and_a_worker_consumes_both() -> None:
    app = make_celery(Settings())
    router = app.amqp.router

    assert router.route({}, PROCESS_ARTICLES)["queue"].name == JOBS_QUEUE
    assert router.route({}, TRANSLATE_TEXT)["queue"].name == SYNC_QUEUE
    assert {q.name for q in app.conf.task_queues} == {JOBS_QUEUE, SYNC_QUEUE}


def test_the_worker_app_registers_both_tasks() -> None:
    from ringkas.workers import tasks

    assert {PROCESS_ARTICLES, TRANSLATE_TEXT} <= set(tasks.app.tasks)


def test_sync_task_error_survives_the_json_result_backend() -> None:
    # The worker stores the exception as JSON; the API rebuilds it from type, module, args.
    backend = make_celery(Settings()).backend
    stored = backend.prepare_exception(SyncTaskError("model_error", "model 'x' is missing"))

    rebuilt = backend.exception_to_python(stored)

    assert isinstance(rebuilt, SyncTaskError)
    assert (rebuilt.kind, rebuilt.message) == ("model_error", "model 'x' is missing")


def test_broker_defaults_to_redis_url_and_can_be_rabbitmq() -> None:
    redis_url = "redis://example:6379/3"
    assert make_celery(Settings(redis_url=redis_url)).conf.broker_url == redis_url

    rabbit = "amqp://guest:guest@127.0.0.1:5672//"
    conf = make_celery(Settings(redis_url=redis_url, broker_url=rabbit)).conf

    assert conf.broker_url == rabbit
    assert conf.result_backend == redis_url  # job state and sync results stay in Redis


def test_visibility_timeout_is_a_setting_and_the_sweep_follows_it() -> None:
    conf = make_celery(
        Settings(broker_visibility_timeout_s=5, task_soft_time_limit_s=3, task_time_limit_s=4)
    ).conf

    assert conf.broker_transport_options == {
        "visibility_timeout": 5,
        "unacked_restore_interval": 1,
        "unacked_restore_throttle": 1,
    }
    default = make_celery(Settings()).conf.broker_transport_options
    assert default["visibility_timeout"] == 900 and default["unacked_restore_interval"] == 10
