"""Logging for the task worker that keeps readers' details out of the logs."""

import logging


class WithoutTraceback(logging.Filter):
    """Drop the traceback from a record, keeping the exception's type.

    Django logs each failed task with its traceback, whose last line can hold a reader's
    email address (an SMTP server refusing it says which). The whole traceback is kept
    with the task in the database, where staff read it in the admin.
    """

    def filter(self, record):
        if record.exc_info and record.exc_info[0] is not None:
            record.msg = f"{record.msg} ({record.exc_info[0].__name__})"
        record.exc_info = None
        record.exc_text = None
        return True
