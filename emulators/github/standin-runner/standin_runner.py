#!/usr/bin/env python3
"""A stand-in for GitHub's self-hosted runner, for the GitHub emulator (python3 standard library only).

GitHub's runner cannot be downloaded where ironbots is tested, so this one speaks the emulator's side of the
JIT handshake (emulators/github/actions-api.ts) instead of GitHub's protocol, and behaves like the real one
where an agent can see it: started as `run.sh --jitconfig <encoded>` (or with ACTIONS_RUNNER_INPUT_JITCONFIG),
it waits for one job whose labels it has, runs each step's script with bash in a process group of its own
(output streamed to the job's log and to stdout), heartbeats every second, kills the step when the run is
cancelled, reports success, failure or cancelled, and exits 0 after its one job. A configuration the
emulator rejects (unknown, deleted or expired runner) ends it with a message on stderr and exit status 2.
"""

import base64
import json
import os
import signal
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.request

HEARTBEAT_SECONDS = 1.0
ACQUIRE_WAIT_SECONDS = 20
KILL_GRACE_SECONDS = 3.0


class Rejected(Exception):
    """The emulator refused this runner's credentials or its request (a 4xx that retrying cannot fix)."""

    def __init__(self, status, message):
        super().__init__(message)
        self.status = status


def say(line):
    sys.stdout.write(line + "\n")
    sys.stdout.flush()


def stamp():
    return time.strftime("%Y-%m-%d %H:%M:%SZ", time.gmtime())


class Emulator:
    """The runner's HTTP calls: JSON in and out, Bearer token, 4xx as Rejected, the rest as OSError."""

    def __init__(self, config):
        self.base = config["url"].rstrip("/")
        self.token = config["token"]

    def call(self, method, path, body=None, content_type="application/json", timeout=30):
        data = None
        if body is not None:
            data = body if isinstance(body, bytes) else json.dumps(body).encode()
        request = urllib.request.Request(self.base + path, data=data, method=method)
        request.add_header("Authorization", "Bearer " + self.token)
        if data is not None:
            request.add_header("Content-Type", content_type)
        try:
            with urllib.request.urlopen(request, timeout=timeout) as response:
                text = response.read().decode("utf-8", "replace")
                return response.status, (json.loads(text) if text.strip() else None)
        except urllib.error.HTTPError as error:
            text = error.read().decode("utf-8", "replace")
            try:
                message = json.loads(text).get("message", text)
            except ValueError:
                message = text
            if 400 <= error.code < 500:
                raise Rejected(error.code, message) from None
            raise OSError("HTTP %d: %s" % (error.code, message)) from None


def decode_config(encoded):
    try:
        config = json.loads(base64.b64decode(encoded.strip(), validate=True).decode("utf-8"))
        if not all(isinstance(config.get(k), str) for k in ("url", "token", "runnerName")):
            raise ValueError("url, token and runnerName are required")
        return config
    except (ValueError, UnicodeDecodeError) as error:
        raise SystemExit("standin runner: the JIT configuration cannot be read: %s" % error) from None


class Job:
    """One acquired job: its log buffer, heartbeat thread and the step running now."""

    def __init__(self, emulator, assignment):
        self.emulator = emulator
        self.id = assignment["jobId"]
        self.assignment = assignment
        self.lock = threading.Lock()
        self.pending = []
        self.cancelled = False
        self.lost = None
        self.done = threading.Event()
        self.step = None

    def log(self, text):
        sys.stdout.write(text)
        sys.stdout.flush()
        with self.lock:
            self.pending.append(text)

    def _exchange(self):
        """Sends what the log has gathered, or asks for the job's state: both are heartbeats."""
        with self.lock:
            text, self.pending = "".join(self.pending), []
        try:
            if text:
                _, state = self.emulator.call(
                    "POST", "/_runner/jobs/%d/log" % self.id, text.encode(), "text/plain; charset=utf-8"
                )
            else:
                _, state = self.emulator.call("GET", "/_runner/jobs/%d" % self.id)
        except OSError:
            # Not delivered: kept for the next beat, as the real runner retries its uploads.
            if text:
                with self.lock:
                    self.pending.insert(0, text)
            return
        except Rejected as error:
            self.lost = error
            self._kill()
            return
        if state and state.get("cancelled") and not self.cancelled:
            self.cancelled = True
            say("The run was canceled: stopping the step")
            self._kill()

    def heartbeat(self):
        while True:
            self._exchange()
            if self.done.wait(HEARTBEAT_SECONDS):
                return

    def flush(self):
        for _ in range(10):
            with self.lock:
                if not self.pending:
                    return
            self._exchange()
            if self.lost:
                return

    def _kill(self):
        step = self.step
        if step is None or step.poll() is not None:
            return
        try:
            os.killpg(step.pid, signal.SIGTERM)
        except ProcessLookupError:
            return

        def later():
            if step.poll() is None:
                try:
                    step.wait(KILL_GRACE_SECONDS)
                except subprocess.TimeoutExpired:
                    try:
                        os.killpg(step.pid, signal.SIGKILL)
                    except ProcessLookupError:
                        pass

        threading.Thread(target=later, daemon=True).start()

    def run_steps(self, work_dir, env):
        for number, step in enumerate(self.assignment["steps"], start=1):
            if self.cancelled or self.lost:
                break
            name = step.get("name") or "Run step %d" % number
            self.log("##[group]%s\n%s\n##[endgroup]\n" % (name, step["run"]))
            with tempfile.NamedTemporaryFile("w", suffix=".sh", dir=work_dir, delete=False) as script:
                script.write(step["run"])
            try:
                self.step = subprocess.Popen(
                    ["bash", "--noprofile", "--norc", "-e", "-o", "pipefail", script.name],
                    cwd=work_dir,
                    env=env,
                    stdin=subprocess.DEVNULL,
                    stdout=subprocess.PIPE,
                    stderr=subprocess.STDOUT,
                    start_new_session=True,
                )
                if self.cancelled:
                    self._kill()
                for raw in iter(self.step.stdout.readline, b""):
                    self.log(raw.decode("utf-8", "replace"))
                code = self.step.wait()
            finally:
                os.unlink(script.name)
            if self.cancelled:
                return "cancelled"
            if code != 0:
                self.log("##[error]Process completed with exit code %d.\n" % code)
                return "failure"
        return "cancelled" if self.cancelled else "success"


def acquire(emulator, name):
    """Waits for a job as long as it takes (the real runner listens until one comes)."""
    said_unreachable = False
    while True:
        try:
            status, assignment = emulator.call(
                "POST", "/_runner/acquire?wait=%d" % ACQUIRE_WAIT_SECONDS, b"", timeout=ACQUIRE_WAIT_SECONDS + 15
            )
        except OSError as error:
            if not said_unreachable:
                say("%s: cannot reach %s (%s); retrying" % (stamp(), emulator.base, error))
                said_unreachable = True
            time.sleep(1)
            continue
        if status == 200 and assignment:
            return assignment


def main(argv):
    encoded = os.environ.get("ACTIONS_RUNNER_INPUT_JITCONFIG", "")
    args = list(argv)
    while args:
        arg = args.pop(0)
        if arg == "--jitconfig" and args:
            encoded = args.pop(0)
        elif arg.startswith("--jitconfig="):
            encoded = arg.split("=", 1)[1]
        elif arg in ("--once", "--ephemeral"):
            pass
        else:
            sys.stderr.write("standin runner: unknown argument %s (usage: run.sh --jitconfig <encoded>)\n" % arg)
            return 2
    if not encoded:
        sys.stderr.write("standin runner: no JIT configuration: pass --jitconfig <encoded> or set ACTIONS_RUNNER_INPUT_JITCONFIG\n")
        return 2
    config = decode_config(encoded)
    emulator = Emulator(config)
    name = config["runnerName"]
    say("\u221a Connected to GitHub")
    say("%s: Listening for Jobs" % stamp())
    try:
        assignment = acquire(emulator, name)
    except Rejected as error:
        sys.stderr.write(
            "standin runner %s: the JIT configuration was rejected (HTTP %d): %s\n" % (name, error.status, error)
        )
        return 2
    job = Job(emulator, assignment)
    say("%s: Running job: %d" % (stamp(), job.id))
    # run.sh says where the runner is installed; the work folder is under it, as the real runner's _work.
    root = os.environ.get("STANDIN_RUNNER_ROOT") or os.getcwd()
    repository = assignment.get("repository", "")
    work_dir = os.path.join(root, "_work", repository.split("/")[-1] or "job", repository.split("/")[-1] or "job")
    os.makedirs(work_dir, exist_ok=True)
    env = dict(os.environ)
    env.pop("ACTIONS_RUNNER_INPUT_JITCONFIG", None)
    env.pop("STANDIN_RUNNER_ROOT", None)
    env.update(
        {
            "CI": "true",
            "GITHUB_ACTIONS": "true",
            "GITHUB_REPOSITORY": repository,
            "GITHUB_SHA": assignment.get("headSha", ""),
            "GITHUB_RUN_ID": str(assignment.get("runId", "")),
            "GITHUB_WORKSPACE": work_dir,
            "RUNNER_NAME": name,
            "RUNNER_OS": "Linux",
        }
    )
    beat = threading.Thread(target=job.heartbeat, daemon=True)
    beat.start()
    try:
        conclusion = job.run_steps(work_dir, env)
    finally:
        job.done.set()
        beat.join()
    job.flush()
    if job.lost:
        sys.stderr.write("standin runner %s: the job was taken away (HTTP %d): %s\n" % (name, job.lost.status, job.lost))
        return 1
    for attempt in range(10):
        try:
            emulator.call("POST", "/_runner/jobs/%d/complete" % job.id, {"conclusion": conclusion})
            break
        except OSError as error:
            say("%s: reporting the result failed (%s); retrying" % (stamp(), error))
            time.sleep(1)
        except Rejected as error:
            sys.stderr.write("standin runner %s: the result was refused (HTTP %d): %s\n" % (name, error.status, error))
            return 1
    else:
        sys.stderr.write("standin runner %s: could not report the result\n" % name)
        return 1
    say("%s: Job %s completed with result: %s" % (stamp(), job.id, {"success": "Succeeded", "failure": "Failed", "cancelled": "Canceled"}[conclusion]))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
