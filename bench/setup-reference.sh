#!/usr/bin/env bash
# Builds the Python reference environment the encoder is compared with: sentence-transformers on
# CPU-only torch, and onnxruntime. Only for producing the parity fixture and for benchmarks;
# neither the product nor its tests need it. Idempotent, and silent when there is nothing to do
# (scripts/bench.sh runs it every time).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
venv=.venv-reference
if [ ! -x "$venv/bin/python" ]; then
  python3 -m venv "$venv"
fi
if ! "$venv/bin/python" -c "import sentence_transformers, torch, onnxruntime, tokenizers" 2>/dev/null; then
  echo "==> Instalando o ambiente de referência (torch CPU, sentence-transformers, onnxruntime)" >&2
  "$venv/bin/python" -m pip install --quiet --upgrade pip
  "$venv/bin/python" -m pip install --quiet "torch==2.13.0+cpu" "sentence-transformers==6.2.0" "onnxruntime==1.31.1" "onnx"
  "$venv/bin/python" -c "import torch, sentence_transformers, onnxruntime; print('torch', torch.__version__, '| sentence-transformers', sentence_transformers.__version__, '| onnxruntime', onnxruntime.__version__)" >&2
fi
