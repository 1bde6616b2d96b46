"""gunicorn settings for tests: each worker hashes passwords at test cost (argon2's strength
is not what those tests measure, and production cost under a loaded CI costs a minute)."""


def post_worker_init(worker):
    from argon2 import PasswordHasher

    from server.accounts import service

    service.hasher = PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1)
