#!/usr/bin/env bash
# Monta os bancos públicos de desenvolvimento (eval/databases/<nome>/build.py → data/dev/<nome>.sqlite),
# sobre os quais `indaga eval eval/suite.yaml` mede a acurácia. Os dados vêm de pacotes do PyPI,
# com versão fixa e sha256 conferido (veja eval/databases/<nome>/SOURCE.md); nada é baixado de outro lugar.
#
#   scripts/dev-databases.sh            monta os que faltam ou cujo build.py mudou
#   scripts/dev-databases.sh --force    monta todos de novo
#
# Idempotente: um banco mais novo que o seu build.py não é refeito.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

force=0
case "${1:-}" in
  --force) force=1 ;;
  "") ;;
  *) echo "uso: scripts/dev-databases.sh [--force]" >&2; exit 2 ;;
esac

mkdir -p data/dev .cache/dev-data
built=0
for script in eval/databases/*/build.py; do
  name=$(basename "$(dirname "$script")")
  out="data/dev/$name.sqlite"
  if [ "$force" -eq 0 ] && [ -f "$out" ] && [ "$out" -nt "$script" ]; then
    continue
  fi
  printf '==> Montando o banco de desenvolvimento %s\n' "$name" >&2
  python3 "$script" --out "$out" --cache .cache/dev-data || {
    printf 'indaga: não foi possível montar %s (veja a mensagem acima); rode scripts/dev-databases.sh de novo\n' "$out" >&2
    exit 1
  }
  built=$((built + 1))
done
[ "$built" -gt 0 ] && printf '==> %d banco(s) de desenvolvimento prontos em data/dev/\n' "$built" >&2
exit 0
