#!/usr/bin/env bash
# Roda todos os testes. Instala antes o que faltar (pacotes e pesos), então funciona num clone novo.
# Os testes do PostgreSQL rodam num servidor temporário (scripts/postgres-teste.sh), parado no fim.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
scripts/setup.sh --deps-only
command -v swift >/dev/null 2>&1 || export PATH="/opt/swift/usr/bin:$PATH"

source scripts/postgres-teste.sh

# O servidor PostgreSQL (pacote postgresql do Debian), só para os testes; se não dá para instalar,
# os testes do PostgreSQL são pulados.
if [ -z "${INDAGA_TEST_POSTGRES:-}" ] && [ -z "$(indaga_pg_bindir)" ] &&
  ! dpkg-query -W -f='${Status}' postgresql 2>/dev/null | grep -q 'install ok installed'; then
  printf '==> Instalando pacotes do sistema: postgresql\n' >&2
  sudo=()
  [ "$(id -u)" -eq 0 ] || sudo=(sudo)
  if [ ${#sudo[@]} -gt 0 ] && ! command -v sudo >/dev/null 2>&1; then
    printf 'aviso: falta o pacote postgresql e não há sudo; os testes do PostgreSQL serão pulados (instale-o como root)\n' >&2
  elif ! { "${sudo[@]}" env DEBIAN_FRONTEND=noninteractive apt-get update -qq &&
    "${sudo[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends postgresql >/dev/null; }; then
    printf 'aviso: não foi possível instalar o pacote postgresql; os testes do PostgreSQL serão pulados\n' >&2
  fi
fi

trap indaga_pg_stop EXIT
trap 'exit 130' INT
trap 'exit 143' TERM
indaga_pg_start
status=0
swift test "$@" || status=$?
exit "$status"
