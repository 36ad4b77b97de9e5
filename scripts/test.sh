#!/usr/bin/env bash
# Roda todos os testes. Instala antes o que faltar (pacotes e pesos), então funciona num clone novo.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
scripts/setup.sh --deps-only
command -v swift >/dev/null 2>&1 || export PATH="/opt/swift/usr/bin:$PATH"
exec swift test "$@"
