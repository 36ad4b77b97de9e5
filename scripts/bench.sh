#!/usr/bin/env bash
# Mede o indaga numa tabela só: compila em release, prepara a referência em Python se faltar e roda
# `indaga bench all --reference` (o codificador ao lado do PyTorch e do onnxruntime, a recuperação, o
# caminho da pergunta sem o modelo, a partida da conversa e a memória máxima de cada medida).
#
#   scripts/bench.sh                       tudo, com a referência em Python
#   scripts/bench.sh --seconds 5 --json    as opções vão para `indaga bench all` (veja --help)
#   INDAGA_BENCH_REFERENCE=0 scripts/bench.sh   sem a referência (não instala o torch)
#
# A tabela vai para a saída padrão; a compilação e o progresso, para a saída de erro.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
scripts/setup.sh --deps-only
command -v swift >/dev/null 2>&1 || export PATH="/opt/swift/usr/bin:$PATH"

# O mesmo processador que scripts/setup.sh escolhe, para não recompilar (nem medir outro binário).
source scripts/cpu-target.sh
indaga_cpu_choose
echo "==> Compilando o indaga (release, $indaga_cpu_label)" >&2
swift build -c release --product indaga >&2

reference=(--reference)
if [ "${INDAGA_BENCH_REFERENCE:-1}" = 0 ]; then
  reference=()
elif ! bench/setup-reference.sh; then
  echo "==> Não foi possível preparar a referência em Python (bench/setup-reference.sh); medindo só o indaga" >&2
  reference=()
fi
exec .build/release/indaga bench all "${reference[@]}" "$@"
