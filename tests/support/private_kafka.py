"""A Kafka broker of a test's own, which the test may stop and start: the shared broker of the
session must never be stopped. It runs from the same cached jars and with the same settings as
the local infrastructure script, on free ports, with its data under the test's folder."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from support.stack import free_port

INFRA = Path(__file__).resolve().parents[2] / "deploy" / "local" / "infra.sh"


class PrivateKafka:
    def __init__(self, run_dir: Path, mongo_port: int) -> None:
        self.run_dir = run_dir
        self.port = free_port()
        self.env = {
            **os.environ,
            "MOTCUA_RUN": str(run_dir),
            "MOTCUA_KAFKA_PORT": str(self.port),
            "MOTCUA_KAFKA_CONTROLLER_PORT": str(free_port()),
            # The database answers already, so the script leaves it alone.
            "MOTCUA_MONGO_PORT": str(mongo_port),
            "PYTHON": sys.executable,
        }

    @property
    def bootstrap(self) -> str:
        return f"127.0.0.1:{self.port}"

    def start(self) -> None:
        """Start the broker (formatting its storage the first time) and wait until it answers
        a metadata request."""
        self._infra("start")

    def stop(self) -> None:
        """Controlled shutdown by the saved PID; its data stays for the next start."""
        self._infra("stop")

    def _infra(self, command: str) -> None:
        done = subprocess.run(
            ["bash", str(INFRA), command],
            env=self.env,
            capture_output=True,
            text=True,
            timeout=180,
            check=False,
        )
        if done.returncode != 0:
            log = self.run_dir / "kafka" / "kafka.log"
            tail = log.read_text(errors="replace")[-3000:] if log.exists() else ""
            raise RuntimeError(f"infra.sh {command} failed:\n{done.stderr}\n{tail}")
