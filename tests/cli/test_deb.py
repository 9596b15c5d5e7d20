"""The Debian package (issue 17, done-means 3): `cpack -G DEB` from the build
tree makes folio_<version>_<arch>.deb with Debian dependencies, which
`apt-get install ./folio_*.deb` installs on this machine; the installed
folio passes its selftest and a short session in a throwaway vault, `man
folio` finds its page, bash completes from the installed script; and after
`apt-get purge` none of the files `dpkg -L folio` listed is left.

Needs root (or passwordless sudo), apt-get, dpkg and cpack; skipped in the
sanitizer build (FOLIO_SANITIZED=1), whose binary is not one to install, and
when a folio package is already installed (this test does not touch one it
did not install). Whatever fails, the package is purged again (finally).
Other tests run meanwhile: they use $FOLIO_BIN, never /usr/bin/folio.
"""

import glob
import os
import re
import shutil
import subprocess
import tempfile
import unittest
from pathlib import Path
from typing import List

import folio_test
from folio_test import FOLIO_BIN, FolioTestCase, main

BUILD = Path(FOLIO_BIN).resolve().parent
INSTALLED = "/usr/bin/folio"
APT_ENV = {"PATH": "/usr/sbin:/usr/bin:/sbin:/bin", "DEBIAN_FRONTEND": "noninteractive", "LANG": "C.UTF-8"}


def as_root() -> List[str]:
    """The prefix that runs a command as root, or None when there is none."""
    if os.geteuid() == 0:
        return []
    if shutil.which("sudo") and subprocess.run(["sudo", "-n", "true"], capture_output=True).returncode == 0:
        return ["sudo", "-n"]
    return None


def installed(package: str) -> bool:
    r = subprocess.run(["dpkg-query", "-W", "-f=${Status}", package], capture_output=True)
    return r.returncode == 0 and b"install ok installed" in r.stdout


def man_pages_excluded() -> str:
    """The dpkg path-exclude line that drops man pages, if there is one."""
    for cfg in glob.glob("/etc/dpkg/dpkg.cfg.d/*"):
        try:
            for line in Path(cfg).read_text(errors="replace").splitlines():
                if line.strip().startswith("path-exclude") and "/usr/share/man" in line:
                    return f"{cfg}: {line.strip()}"
        except OSError:
            continue
    return ""


class DebTest(FolioTestCase):

    def setUp(self):
        if os.environ.get("FOLIO_SANITIZED") == "1":
            self.skipTest("sanitizer build: its binary is not packaged")
        self.root = as_root()
        if self.root is None:
            self.skipTest("needs root or passwordless sudo to install a package")
        for tool in ("apt-get", "dpkg", "dpkg-deb", "cpack", "dpkg-shlibdeps"):
            if shutil.which(tool) is None:
                self.skipTest(f"{tool} is not installed (scripts/deps.sh test installs dpkg-dev)")
        if not (BUILD / "CPackConfig.cmake").exists():
            self.skipTest(f"{BUILD} has no CPackConfig.cmake")
        if installed("folio"):
            self.skipTest("a folio package is already installed here; this test leaves it alone")
        super().setUp()

    # The session runs the installed binary, not $FOLIO_BIN.
    def argv(self, args, vault=folio_test.DEFAULT, passphrase_file=folio_test.DEFAULT):
        argv = super().argv(args, vault, passphrase_file)
        argv[0] = INSTALLED
        return argv

    def run_root(self, *argv: str, timeout: float = 120) -> subprocess.CompletedProcess:
        return subprocess.run([*self.root, *argv], capture_output=True, env=APT_ENV, timeout=timeout)

    def build_deb(self) -> Path:
        out = self.tmp / "deb"
        out.mkdir()
        r = subprocess.run(["cpack", "--config", str(BUILD / "CPackConfig.cmake"), "-G", "DEB", "-B", str(out)],
                           capture_output=True, cwd=BUILD, timeout=300)
        self.assertEqual(r.returncode, 0, (r.stdout + r.stderr).decode(errors="replace"))
        debs = sorted(out.glob("*.deb"))
        self.assertEqual(len(debs), 1, debs)
        arch = subprocess.run(["dpkg", "--print-architecture"], capture_output=True, text=True).stdout.strip()
        self.assertRegex(debs[0].name, rf"^folio_\d+\.\d+\.\d+_{arch}\.deb$")
        return debs[0]

    def check_control(self, deb: Path):
        fields = subprocess.run(["dpkg-deb", "-f", str(deb)], capture_output=True, text=True, check=True).stdout
        self.assertRegex(fields, r"(?m)^Package: folio$")
        self.assertRegex(fields, r"(?m)^Section: utils$")
        self.assertRegex(fields, r"(?m)^Maintainer: .+<.+@.+>$")
        self.assertRegex(fields, r"(?m)^Description: .+\n .+")
        depends = re.search(r"(?m)^Depends: (.*)$", fields).group(1)
        for lib in ("libc6", "libsodium23", "libsqlcipher0", "libssl3", "libutf8proc2", "libexiv2-27",
                    "libzxcvbn0", "zlib1g"):
            self.assertIn(lib, depends)
        contents = subprocess.run(["dpkg-deb", "-c", str(deb)], capture_output=True, text=True, check=True).stdout
        paths = [line.split()[-1].lstrip(".") for line in contents.splitlines()]
        for path in ("/usr/bin/folio", "/usr/share/man/man1/folio.1.gz",
                     "/usr/share/locale/zh_CN/LC_MESSAGES/folio.mo",
                     "/usr/share/bash-completion/completions/folio", "/usr/share/zsh/vendor-completions/_folio"):
            self.assertIn(path, paths)
        for path in paths:
            self.assertNotRegex(path, r"unit_tests|fuzz|bench|/include/|\.a$", "nothing but folio's own files")

    def test_the_deb_installs_works_and_removes_cleanly(self):
        deb = self.build_deb()
        self.check_control(deb)
        files: List[str] = []
        try:
            r = self.run_root("apt-get", "install", "-y", "-q", "--no-install-recommends", str(deb), timeout=180)
            self.assertEqual(r.returncode, 0, (r.stdout + r.stderr).decode(errors="replace"))
            listed = subprocess.run(["dpkg", "-L", "folio"], capture_output=True, text=True, check=True).stdout
            files = [p for p in listed.splitlines() if p and not os.path.isdir(p)]
            self.assertIn(INSTALLED, files)

            self.assertOk(self.folio("selftest", vault=None, passphrase_file=None))
            self.init_vault()
            entry = self.add("签证面试在星期四。\nVisa interview on Thursday.", "-t", "visa")
            listing = self.folio("list")
            self.assertOk(listing)
            self.assertIn(entry, listing.out)
            found = self.folio("search", "面试")
            self.assertOk(found)
            self.assertIn(entry, found.out)

            # In Chinese, from the package's own catalogue.
            missing = self.folio("show", "zzzz", env=self.env(LANG="zh_CN.UTF-8", LANGUAGE="zh_CN"))
            self.assertEqual(missing.rc, 3, missing.describe())
            self.assertIn("folio: 错误: ", missing.err)

            excluded = man_pages_excluded()
            if excluded:
                print(f"skipping the man check: dpkg excludes man pages ({excluded})")
            elif shutil.which("man"):
                where = subprocess.run(["man", "-w", "folio"], capture_output=True, text=True, env=APT_ENV)
                self.assertEqual(where.stdout.strip(), "/usr/share/man/man1/folio.1.gz", where.stderr)
                page = subprocess.run(["man", "folio"], capture_output=True, env={**APT_ENV, "MANWIDTH": "80"})
                self.assertIn(b"encrypted journal", page.stdout)

            program = ('source /usr/share/bash-completion/completions/folio; '
                       'COMP_WORDS=(folio checklist s); COMP_CWORD=2; _folio; printf "%s\\n" "${COMPREPLY[@]}"')
            done = subprocess.run(["bash", "--norc", "--noprofile", "-c", program], capture_output=True, text=True)
            self.assertEqual(sorted(done.stdout.split()), ["save-template", "show"], done.stderr)
        finally:
            purge = self.run_root("apt-get", "purge", "-y", "-q", "folio", timeout=180)
            if installed("folio"):
                self.run_root("dpkg", "--purge", "folio")
        self.assertEqual(purge.returncode, 0, (purge.stdout + purge.stderr).decode(errors="replace"))
        self.assertFalse(installed("folio"))
        self.assertTrue(files, "dpkg -L folio listed the files")
        self.assertEqual([f for f in files if os.path.lexists(f)], [], "left after apt-get purge")


if __name__ == "__main__":
    main()
