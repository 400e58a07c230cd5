"""The exit codes of `govrules`, one meaning each, so that CI can tell a breach from a crash.

0 nothing denied; 1 something denied or a duty overdue (a breach); 2 unusable input (a bad
rulebook, a bad action or event: every good one is still judged); 3 govrules itself failed (a bug,
never read as a breach); 130 interrupted (Ctrl-C); 143 terminated (SIGTERM).
"""

import signal

EXIT_OK, EXIT_DENIED, EXIT_INPUT, EXIT_CRASH = 0, 1, 2, 3
EXIT_INTERRUPTED, EXIT_TERMINATED = 128 + signal.SIGINT, 128 + signal.SIGTERM  # 130, 143: the shell's way


class Terminated(BaseException):
    """SIGTERM, raised in the main thread so that the command unwinds (and ends its workers)."""
