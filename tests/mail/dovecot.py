"""A private Dovecot (IMAP + POP3) on loopback for the poller's tests: own config, ports, user and maildir.

Each pytest process starts its own server in a fresh directory, so xdist workers never share a mailbox.
Messages are delivered by IMAP APPEND, as a mail server's delivery agent would store them.
"""

from __future__ import annotations

import contextlib
import grp
import imaplib
import os
import pwd
import re
import shutil
import signal
import socket
import subprocess
import tempfile
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

DOVECOT = shutil.which("dovecot") or "/usr/sbin/dovecot"
USER = "helpdesk"
_LIST_LINE = re.compile(r'^\(.*?\) (?:"[^"]*"|NIL) (.+)$')
PASSWORD = "mailbox-secret-0123"  # noqa: S105 (a throw-away test account on loopback)


def available() -> bool:
    return Path(DOVECOT).exists() and shutil.which("openssl") is not None


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@dataclass
class Ports:
    imap: int
    imaps: int
    pop3: int
    pop3s: int


class Dovecot:
    """One Dovecot process. ``stop()`` kills it like a crash; ``start()`` brings it back on the same ports."""

    def __init__(self) -> None:
        # Not under pytest's tmp_path: when run as root Dovecot's unprivileged processes must reach the files.
        self.root = Path(tempfile.mkdtemp(prefix="sportello-dovecot-"))
        self.root.chmod(0o755)
        self.ports = Ports(_free_port(), _free_port(), _free_port(), _free_port())
        self.process: subprocess.Popen[bytes] | None = None
        self._system_user, self._login_user = _service_users()
        self._write_files()

    # --- lifecycle -------------------------------------------------------------------------------

    def start(self) -> None:
        with (self.root / "dovecot.out").open("ab") as log:
            self.process = subprocess.Popen(  # noqa: S603 (fixed arguments)
                [DOVECOT, "-F", "-c", str(self.root / "dovecot.conf")], stdout=log, stderr=log, start_new_session=True
            )
        deadline = time.monotonic() + 15
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"dovecot exited: {self.log()}")
            if all(_listening(port) for port in (self.ports.imap, self.ports.pop3, self.ports.imaps)):
                return
            time.sleep(0.05)
        raise RuntimeError(f"dovecot did not start: {self.log()}")

    def alive(self) -> bool:
        running = self.process is not None and self.process.poll() is None
        return running and _listening(self.ports.imap) and _listening(self.ports.pop3)

    def stop(self) -> None:
        if self.process is None:
            return
        # A crash, not a clean shutdown (that is what the poller must survive): the master and the
        # imap/pop3 processes it forked, all in the process group it leads.
        with contextlib.suppress(ProcessLookupError):
            os.killpg(self.process.pid, signal.SIGKILL)
        self.process.wait(10)
        self.process = None
        deadline = time.monotonic() + 10
        while any(_listening(port) for port in (self.ports.imap, self.ports.pop3)) and time.monotonic() < deadline:
            time.sleep(0.05)

    def close(self) -> None:
        self.stop()
        shutil.rmtree(self.root, ignore_errors=True)

    def log(self) -> str:
        return (
            "".join(path.read_text(errors="replace")[-3000:] for path in self.root.glob("*.log") if path.exists())
            + (self.root / "dovecot.out").read_text(errors="replace")[-2000:]
        )

    # --- the mailbox -----------------------------------------------------------------------------

    def imap(self) -> imaplib.IMAP4:
        client = imaplib.IMAP4("127.0.0.1", self.ports.imap)
        client.login(USER, PASSWORD)
        return client

    def deliver(self, raw: bytes, folder: str = "INBOX") -> None:
        """Store one message in ``folder``, unread."""
        with _session(self) as client:
            client.create(folder)
            status, detail = client.append(folder, "", None, raw)
            assert status == "OK", detail

    def count(self, folder: str = "INBOX") -> int:
        """Messages in ``folder`` that are not flagged deleted."""
        with _session(self) as client:
            status, data = client.select(folder, readonly=True)
            if status != "OK":
                return 0
            found = client.search(None, "UNDELETED")[1][0].split()
            return len(found)

    def seen(self, folder: str = "INBOX") -> int:
        with _session(self) as client:
            client.select(folder, readonly=True)
            return len(client.search(None, "SEEN")[1][0].split())

    def empty(self) -> None:
        """Delete every message in every folder (between tests that share the server)."""
        with _session(self) as client:
            for line in client.list()[1]:
                found = _LIST_LINE.match(line.decode() if isinstance(line, bytes) else "")
                name = found[1] if found else "INBOX"
                status, data = client.select(name if name.startswith('"') else f'"{name}"')
                if status == "OK" and data[0] != b"0":
                    client.store("1:*", "+FLAGS.SILENT", r"(\Deleted)")
                    client.expunge()

    # --- files -----------------------------------------------------------------------------------

    def _write_files(self) -> None:
        mail = self.root / "mail"
        mail.mkdir()
        account = pwd.getpwnam(self._system_user)
        passwd = f"{USER}:{{PLAIN}}{PASSWORD}:{account.pw_uid}:{account.pw_gid}::{mail}/{USER}::\n"
        (self.root / "passwd").write_text(passwd)
        _self_signed_certificate(self.root)
        (self.root / "dovecot.conf").write_text(self._config())
        os.chown(mail, account.pw_uid, account.pw_gid)

    def _config(self) -> str:
        uid = pwd.getpwnam(self._system_user).pw_uid
        return f"""
base_dir = {self.root}/run
state_dir = {self.root}/state
log_path = {self.root}/dovecot.log
protocols = imap pop3
listen = 127.0.0.1
default_internal_user = {self._system_user}
default_internal_group = {grp.getgrgid(pwd.getpwnam(self._system_user).pw_gid).gr_name}
default_login_user = {self._login_user}
first_valid_uid = {min(uid, 500)}
last_valid_uid = 0
disable_plaintext_auth = no
auth_mechanisms = plain login
ssl = yes
ssl_cert = <{self.root}/cert.pem
ssl_key = <{self.root}/key.pem
mail_location = maildir:~/Maildir
pop3_uidl_format = %08Xu%08Xv
passdb {{
  driver = passwd-file
  args = scheme=PLAIN username_format=%u {self.root}/passwd
}}
userdb {{
  driver = passwd-file
  args = username_format=%u {self.root}/passwd
}}
{_login_service("imap", self.ports.imap, self.ports.imaps)}
{_login_service("pop3", self.ports.pop3, self.ports.pop3s)}
service anvil {{
  chroot =
}}
service stats {{
  unix_listener stats-reader {{
    user = {self._system_user}
  }}
  unix_listener stats-writer {{
    user = {self._system_user}
  }}
}}
"""


@contextlib.contextmanager
def _session(server: Dovecot) -> Iterator[imaplib.IMAP4]:
    client = server.imap()
    try:
        yield client
    finally:
        with contextlib.suppress(imaplib.IMAP4.error, OSError):
            client.logout()


def _login_service(protocol: str, plain: int, tls: int) -> str:
    """Listeners on loopback: one plain (STARTTLS offered) and one implicit TLS; no chroot (we may not be root)."""
    return (
        f"service {protocol}-login {{\n  chroot =\n"
        f"  inet_listener {protocol} {{\n    address = 127.0.0.1\n    port = {plain}\n  }}\n"
        f"  inet_listener {protocol}s {{\n    address = 127.0.0.1\n    port = {tls}\n    ssl = yes\n  }}\n"
        "}"
    )


def _service_users() -> tuple[str, str]:
    """(internal user, login user): Debian's own when we are root, else ourselves."""
    if os.geteuid() == 0:
        return "dovecot", "dovenull"
    me = pwd.getpwuid(os.geteuid()).pw_name
    return me, me


def _listening(port: int) -> bool:
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=0.2):
            return True
    except OSError:
        return False


def _self_signed_certificate(root: Path) -> None:
    subprocess.run(  # noqa: S603 (fixed arguments)
        [  # noqa: S607
            "openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2", "-subj", "/CN=127.0.0.1",
            "-addext", "subjectAltName=IP:127.0.0.1,DNS:localhost",
            "-keyout", str(root / "key.pem"), "-out", str(root / "cert.pem"),
        ],
        check=True,
        capture_output=True,
    )  # fmt: skip
    (root / "key.pem").chmod(0o600)
