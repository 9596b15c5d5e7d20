"""`cmake --install` (issue 17, packaging) puts exactly folio's files in the
FHS places under a prefix: the binary, the man page, the bash and zsh
completion, the documents; nothing of the tests, benchmarks or fuzzers. The
installed binary runs and its completion script is the one it prints.
"""

import os
import shutil
import subprocess
import tempfile
import unittest
from pathlib import Path

from folio_test import FOLIO_BIN, main

BUILD = Path(FOLIO_BIN).resolve().parent
EXPECTED = {
    "bin/folio",
    "share/man/man1/folio.1.gz",
    "share/bash-completion/completions/folio",
    "share/zsh/vendor-completions/_folio",
    "share/doc/folio/README.md",
    "share/doc/folio/CLI.md",
    "share/doc/folio/THREAT_MODEL.md",
    "share/doc/folio/FORMAT.md",
    "share/locale/zh_CN/LC_MESSAGES/folio.mo",
}


class InstallTest(unittest.TestCase):

    def setUp(self):
        if shutil.which("cmake") is None:
            self.skipTest("cmake is not installed")
        if not (BUILD / "cmake_install.cmake").exists():
            self.skipTest(f"{BUILD} is not a CMake build tree")
        self.prefix = Path(tempfile.mkdtemp(prefix="folio-install-"))
        self.addCleanup(shutil.rmtree, self.prefix, ignore_errors=True)

    def test_install_puts_exactly_folios_files_in_the_fhs_places(self):
        r = subprocess.run(["cmake", "--install", str(BUILD), "--prefix", str(self.prefix)],
                           capture_output=True, timeout=120)
        self.assertEqual(r.returncode, 0, r.stdout + r.stderr)
        files = {str(p.relative_to(self.prefix)) for p in self.prefix.rglob("*") if not p.is_dir()}
        self.assertEqual(files, EXPECTED)
        binary = self.prefix / "bin" / "folio"
        self.assertTrue(os.access(binary, os.X_OK))
        env = {"PATH": "/usr/bin:/bin", "LANG": "C.UTF-8", "HOME": str(self.prefix)}
        for name in ("ASAN_OPTIONS", "UBSAN_OPTIONS", "LSAN_OPTIONS"):
            if name in os.environ:
                env[name] = os.environ[name]
        version = subprocess.run([str(binary), "version"], capture_output=True, env=env, timeout=30)
        self.assertEqual(version.returncode, 0, version.stderr)
        self.assertTrue(version.stdout.startswith(b"folio "))
        for shell, path in (("bash", "share/bash-completion/completions/folio"),
                            ("zsh", "share/zsh/vendor-completions/_folio")):
            printed = subprocess.run([str(binary), "__completion", shell], capture_output=True, env=env,
                                     timeout=30)
            self.assertEqual(printed.returncode, 0, printed.stderr)
            self.assertEqual((self.prefix / path).read_bytes(), printed.stdout, path)
        self.assertEqual(oct((self.prefix / "share/man/man1/folio.1.gz").stat().st_mode & 0o777), "0o644")
        # The installed binary finds its translations under its own prefix.
        zh = subprocess.run([str(binary), "--vault", str(self.prefix / "none"), "show", "zzzz"],
                            capture_output=True, env={**env, "LANG": "zh_CN.UTF-8", "LANGUAGE": "zh_CN"},
                            timeout=30)
        self.assertEqual(zh.returncode, 3, zh.stderr)
        self.assertIn("folio: 错误: ", zh.stderr.decode("utf-8"))


if __name__ == "__main__":
    main()
