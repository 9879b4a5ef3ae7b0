"""Starts moto's server for the test suite, with DynamoDB operations made isolated.

moto's server is threaded, and its TransactWriteItems snapshots whole tables and restores them
when a condition fails, so concurrent requests can undo each other's writes. DynamoDB
serializes conflicting writes and transactions; holding one lock per DynamoDB operation gives
moto the same guarantee. S3 and SQS are left as they are (SQS long polls must not block).
"""

import functools
import sys
import threading

from moto.dynamodb.models import DynamoDBBackend
from moto.server import main

_lock = threading.RLock()

for _name in (
    "put_item",
    "update_item",
    "delete_item",
    "get_item",
    "query",
    "scan",
    "transact_write_items",
    "transact_get_items",
    "batch_write_item",
    "batch_get_item",
):
    _original = getattr(DynamoDBBackend, _name)

    @functools.wraps(_original)
    def _isolated(self, *args, _original=_original, **kwargs):
        with _lock:
            return _original(self, *args, **kwargs)

    setattr(DynamoDBBackend, _name, _isolated)

if __name__ == "__main__":
    sys.exit(main())
