"""folio unlock / lock / status: the session agent (docs/CLI.md, "Session
agent"; docs/THREAT_MODEL.md, "The session agent").

Each test has its own XDG_RUNTIME_DIR, so its agents are its own; every agent
a test starts is ended in cleanup.
"""

import json
import os
import signal
import socket
import stat
import time
import unittest
from pathlib import Path

from folio_test import FolioTestCase, OTHER_PASSPHRASE, end_agents, main


def agent_alive(pid: int) -> bool:
    """True while `pid` runs (a zombie waiting for its reaper counts as ended)."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except (FileNotFoundError, ProcessLookupError):
        return False
    return fields[0] != "Z"


class AgentTest(FolioTestCase):

    def setUp(self):
        super().setUp()
        self.init_vault()
        self.entry = self.add("a line written before the unlock")
        self.pids = []
        self.addCleanup(end_agents, self.pids)

    def unlock(self, *options, vault=None):
        kw = {} if vault is None else {"vault": vault}
        r = self.folio("unlock", *options, **kw)
        self.assertOk(r)
        status = self.status(vault=vault)
        self.assertTrue(status["unlocked"], r.describe())
        self.pids.append(status["agent_pid"])
        return status["agent_pid"]

    def status(self, vault=None) -> dict:
        kw = {} if vault is None else {"vault": vault}
        r = self.folio("status", "--json", passphrase_file=None, **kw)
        self.assertIn(r.rc, (0, 1), r.describe())
        return json.loads(r.out)

    def no_secret(self, *args, **kw):
        """Runs folio with no passphrase source at all: only an agent can serve it."""
        return self.folio(*args, passphrase_file=None, **kw)

    def wait_until_gone(self, pid: int, seconds: float = 5):
        deadline = time.monotonic() + seconds
        while agent_alive(pid) and time.monotonic() < deadline:
            time.sleep(0.05)
        self.assertFalse(agent_alive(pid), f"the agent {pid} is still running")

    def sockets(self):
        folder = self.runtime / "folio"
        return sorted(p.name for p in folder.iterdir()) if folder.exists() else []

    # --- unlock once --------------------------------------------------------

    def test_commands_after_unlock_need_no_passphrase_and_print_nothing_extra(self):
        reference = self.folio("list")
        self.unlock()
        listed = self.no_secret("list")
        self.assertOk(listed)
        self.assertEqual(listed.out, reference.out)
        self.assertEqual(listed.err, "", "nothing extra when the agent served the command")
        added = self.no_secret("add", "--title", "after unlock", input="written while unlocked")
        self.assertOk(added)
        shown = self.no_secret("show", added.out.strip())
        self.assertOk(shown)
        self.assertIn("written while unlocked", shown.out)
        self.assertOk(self.no_secret("search", "unlocked"))

    def test_agent_socket_is_private(self):
        self.unlock()
        folder = self.runtime / "folio"
        self.assertEqual(stat.S_IMODE(folder.stat().st_mode), 0o700)
        [name] = self.sockets()
        sock = folder / name
        self.assertTrue(stat.S_ISSOCK(sock.stat().st_mode))
        self.assertEqual(stat.S_IMODE(sock.stat().st_mode) & 0o077, 0)

    def test_lock_ends_the_agent_and_commands_ask_again(self):
        pid = self.unlock()
        r = self.folio("lock", passphrase_file=None)
        self.assertOk(r)
        self.assertIn("locked", r.err)
        self.wait_until_gone(pid)
        self.assertEqual(self.sockets(), [])
        r = self.no_secret("list")
        self.assertFails(r, 9)  # no terminal to ask on
        self.assertIn("passphrase", r.err)
        wrong = self.write_secret_file("wrong", OTHER_PASSPHRASE + "\n")
        self.assertFails(self.folio("list", passphrase_file=wrong), 4)
        self.assertFalse(self.status()["unlocked"])

    def test_status_reports_the_timeouts(self):
        r = self.folio("status", passphrase_file=None)
        self.assertEqual(r.rc, 1, r.describe())
        self.assertEqual(r.out.strip(), "locked")
        self.unlock("--timeout", "5m", "--max-lifetime", "1h")
        s = self.status()
        self.assertLessEqual(s["idle_left"], 300)
        self.assertGreater(s["idle_left"], 250)
        self.assertLessEqual(s["lifetime_left"], 3600)
        r = self.folio("status", passphrase_file=None)
        self.assertOk(r)
        self.assertRegex(r.out, r"^unlocked for \d+s; locks after \d+m(\d+s)? without use, at the latest in \d+m")

    def test_unlock_twice_is_refused_and_keeps_the_first_agent(self):
        pid = self.unlock()
        r = self.folio("unlock")
        self.assertFails(r, 7)
        self.assertIn("already unlocked", r.err)
        self.assertEqual(self.status()["agent_pid"], pid)

    def test_unlock_with_a_wrong_passphrase_starts_nothing(self):
        wrong = self.write_secret_file("wrong", OTHER_PASSPHRASE + "\n")
        self.assertFails(self.folio("unlock", passphrase_file=wrong), 4)
        self.assertFalse(self.status()["unlocked"])
        self.assertEqual(self.sockets(), [])

    def test_bad_durations_are_refused(self):
        for args in (["--timeout", "0"], ["--timeout", "ten"], ["--timeout", "25h"],
                     ["--timeout", "2h", "--max-lifetime", "1h"]):
            with self.subTest(args=args):
                self.assertFails(self.folio("unlock", *args), 2)
        self.assertFalse(self.status()["unlocked"])

    # --- ends by itself -----------------------------------------------------

    def test_idle_timeout_locks(self):
        pid = self.unlock("--timeout", "2s")
        self.assertOk(self.no_secret("list"))  # use resets the idle clock
        self.wait_until_gone(pid, seconds=8)
        self.assertEqual(self.sockets(), [])
        self.assertFails(self.no_secret("list"), 9)

    def test_maximum_lifetime_locks_even_when_used(self):
        pid = self.unlock("--timeout", "2s", "--max-lifetime", "3s")
        deadline = time.monotonic() + 8
        while agent_alive(pid) and time.monotonic() < deadline:
            self.no_secret("list")
            time.sleep(0.5)
        self.assertFalse(agent_alive(pid))
        self.assertFails(self.no_secret("list"), 9)

    def test_sigterm_ends_the_agent_cleanly(self):
        pid = self.unlock()
        os.kill(pid, signal.SIGTERM)
        self.wait_until_gone(pid)
        self.assertEqual(self.sockets(), [], "the agent removes its socket on SIGTERM")

    def test_killed_agent_leaves_no_usable_socket_and_folio_recovers(self):
        pid = self.unlock()
        os.kill(pid, signal.SIGKILL)
        self.wait_until_gone(pid)
        self.assertEqual(len(self.sockets()), 1, "a killed agent cannot remove its socket")
        self.assertFails(self.no_secret("list"), 9)  # the stale socket serves nothing
        self.assertEqual(self.sockets(), [], "the stale socket was cleaned up")
        self.assertOk(self.folio("list"))
        self.unlock()
        self.assertOk(self.no_secret("list"))

    # --- panic, rekey, keys -------------------------------------------------

    def test_panic_while_unlocked_destroys_the_keyslots_and_stops_the_agent(self):
        pid = self.unlock()
        r = self.folio("panic", passphrase_file=None)
        self.assertOk(r)
        self.wait_until_gone(pid)
        self.assertFalse(self.vault.exists())
        self.assertEqual(self.sockets(), [])

    def test_agent_stops_serving_once_the_header_is_gone(self):
        """Even if it was not told (a vault destroyed by another means), the
        agent does not hand out keys the header no longer yields."""
        pid = self.unlock()
        os.rename(self.vault / "header", self.tmp / "header.moved")
        r = self.no_secret("list")
        self.assertNotEqual(r.rc, 0, r.describe())
        self.wait_until_gone(pid)

    def test_agent_ends_by_itself_when_the_keyslots_are_destroyed(self):
        """A panic from another session (another XDG_RUNTIME_DIR, so it
        cannot reach this agent) overwrites the header: with no request at
        all, the agent notices within a few seconds and ends, key and all."""
        pid = self.unlock()
        header = self.vault / "header"
        size = header.stat().st_size
        with open(header, "r+b") as f:
            f.write(os.urandom(size))
            f.flush()
            os.fsync(f.fileno())
        self.wait_until_gone(pid, seconds=5)
        self.assertEqual(self.sockets(), [], "it removed its socket")

    def test_agent_follows_a_rekey(self):
        self.unlock()
        self.assertOk(self.folio("rekey"))  # rekey always asks for the passphrase
        listed = self.no_secret("list")
        self.assertOk(listed)
        self.assertIn(self.entry, listed.out)

    def test_key_changing_commands_still_need_the_passphrase(self):
        self.unlock()
        for args in (["passwd"], ["rekey"], ["rm", "--yes", "--shred", self.entry]):
            with self.subTest(args=args):
                r = self.no_secret(*args)
                self.assertFails(r, 9)
                self.assertIn("passphrase", r.err)

    def test_no_agent_and_recovery_bypass_the_agent(self):
        self.unlock()
        self.assertFails(self.no_secret("--no-agent", "list"), 9)
        self.assertFails(self.no_secret("--recovery", "list"), 9)

    def test_two_vaults_unlocked_at_once(self):
        other = self.tmp / "other"
        self.init_vault(vault=other)
        self.add("in the other vault", vault=other)
        first = self.unlock()
        second = self.unlock(vault=other)
        self.assertNotEqual(first, second)
        self.assertEqual(len(self.sockets()), 2)
        self.assertIn("before the unlock", self.no_secret("search", "before").out)
        self.assertIn("other vault", self.no_secret("search", "other", vault=other).out)
        self.assertOk(self.folio("lock", passphrase_file=None, vault=other))
        self.wait_until_gone(second)
        self.assertOk(self.no_secret("list"))

    # --- other users and foreign sockets -------------------------------------

    def test_a_socket_owned_by_someone_else_is_not_used(self):
        if os.geteuid() != 0:
            self.skipTest("needs root to give the socket to another user")
        self.unlock()
        [name] = self.sockets()
        os.chown(self.runtime / "folio" / name, 65534, 65534)
        r = self.no_secret("list")
        self.assertFails(r, 9)
        self.assertIn("not yours", r.err)

    def test_a_folder_open_to_others_is_not_used(self):
        self.unlock()
        os.chmod(self.runtime / "folio", 0o755)
        r = self.no_secret("list")
        self.assertFails(r, 9)
        self.assertIn("not a private folder", r.err)
        os.chmod(self.runtime / "folio", 0o700)
        self.assertOk(self.no_secret("list"))

    def test_another_user_id_gets_nothing_from_the_agent(self):
        if os.geteuid() != 0:
            self.skipTest("needs root to connect as another user")
        self.unlock()
        [name] = self.sockets()
        path = str(self.runtime / "folio" / name)
        # Let uid 65534 reach the socket at all (the folder is 0700 otherwise).
        os.chmod(self.runtime, 0o711)
        os.chmod(self.runtime / "folio", 0o711)
        os.chmod(path, 0o777)
        read, write = os.pipe()
        child = os.fork()
        if child == 0:
            os.close(read)
            try:
                os.setgid(65534)
                os.setuid(65534)
                s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
                s.settimeout(5)
                s.connect(path)
                s.sendall(b"key\n")
                got = s.recv(100)
                os.write(write, b"reply:" + got)
            except Exception as e:  # noqa: BLE001 (the child reports everything)
                os.write(write, b"error:" + type(e).__name__.encode())
            os._exit(0)
        os.close(write)
        os.waitpid(child, 0)
        reply = os.read(read, 200)
        os.close(read)
        os.chmod(self.runtime, 0o700)
        os.chmod(self.runtime / "folio", 0o700)
        # The agent closes at once: the other uid reads nothing, or finds the
        # connection gone before or while it writes its request.
        self.assertIn(reply, (b"reply:", b"error:ConnectionResetError", b"error:BrokenPipeError"),
                      "the agent closes on another uid without a byte")
        self.assertOk(self.no_secret("list"), "the agent still serves its own user")

    def test_agent_serve_by_hand_is_refused(self):
        r = self.folio("agent-serve", passphrase_file=None)
        self.assertFails(r, 2)


if __name__ == "__main__":
    main()
