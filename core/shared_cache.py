"""The shared cache (CACHE_URL) as a cache, not a dependency: while Valkey or Redis cannot be
reached, every read is a miss and every write is skipped, with a warning in the log, so the
site keeps answering (rendering each page, counting no allauth rate limit) instead of
failing every request. It serves from the cache again as soon as the server is back."""

import logging

from django.core.cache.backends.base import DEFAULT_TIMEOUT
from django.core.cache.backends.redis import RedisCache
from redis.exceptions import RedisError

logger = logging.getLogger(__name__)


def _unavailable(operation: str, error: Exception) -> None:
    logger.warning("Shared cache unavailable (%s): %s", operation, type(error).__name__)


class TolerantRedisCache(RedisCache):
    def get(self, key, default=None, version=None):
        try:
            return super().get(key, default, version)
        except RedisError as error:
            _unavailable("get", error)
            return default

    def get_many(self, keys, version=None):
        try:
            return super().get_many(keys, version)
        except RedisError as error:
            _unavailable("get_many", error)
            return {}

    def set(self, key, value, timeout=DEFAULT_TIMEOUT, version=None):
        try:
            return super().set(key, value, timeout, version)
        except RedisError as error:
            _unavailable("set", error)

    def add(self, key, value, timeout=DEFAULT_TIMEOUT, version=None):
        try:
            return super().add(key, value, timeout, version)
        except RedisError as error:
            _unavailable("add", error)
            return False

    def incr(self, key, delta=1, version=None):
        try:
            return super().incr(key, delta, version)
        except RedisError as error:
            _unavailable("incr", error)
            raise ValueError("the shared cache is unavailable") from error

    def delete(self, key, version=None):
        try:
            return super().delete(key, version)
        except RedisError as error:
            _unavailable("delete", error)
            return False
