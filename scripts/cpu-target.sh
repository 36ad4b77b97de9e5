# Para qual processador compilar o codificador (lido por scripts/setup.sh e scripts/bench.sh com `source`).
#
# O Package.swift lê INDAGA_CPU: skylake-avx512 (AVX-512, vetores de 16 floats), haswell (AVX2 + FMA,
# o padrão) ou baseline (SSE2, qualquer x86-64). Sem INDAGA_CPU definido por quem roda, escolhemos
# pelo que o /proc/cpuinfo diz desta máquina; fora do x86-64 ele não vale e fica sem definir.
# As flags pedidas são as de tudo que `-target-cpu` deixa o compilador usar, as mesmas que
# CPUFeatures.requiredFlags (Sources/MiniLM/MiniLMEncoder.swift) confere ao abrir o codificador.

indaga_haswell_flags=(avx2 fma bmi1 bmi2 abm movbe f16c popcnt)
indaga_avx512_flags=(avx512f avx512cd avx512bw avx512dq avx512vl)

# Imprime o INDAGA_CPU que este processador aguenta, ou nada fora do x86-64.
indaga_cpu_detect() {
  [ "$(uname -m)" = x86_64 ] || return 0
  local flags flag
  flags=" $(grep -m1 '^flags' /proc/cpuinfo 2>/dev/null | cut -d: -f2) "
  for flag in "${indaga_haswell_flags[@]}"; do
    [[ "$flags" == *" $flag "* ]] || { echo baseline; return 0; }
  done
  for flag in "${indaga_avx512_flags[@]}"; do
    [[ "$flags" == *" $flag "* ]] || { echo haswell; return 0; }
  done
  echo skylake-avx512
}

# Define e exporta INDAGA_CPU pela máquina, se quem roda não o definiu; e põe em indaga_cpu_label
# o nome do que será compilado, para a linha "Compilando o indaga (release, AVX-512)".
indaga_cpu_choose() {
  local given=${INDAGA_CPU:-}
  if [ -z "$given" ]; then
    INDAGA_CPU=$(indaga_cpu_detect)
    if [ -n "$INDAGA_CPU" ]; then export INDAGA_CPU; else unset INDAGA_CPU; fi
  fi
  if [ "$(uname -m)" != x86_64 ]; then
    indaga_cpu_label=$(uname -m)
  else
    case "${INDAGA_CPU:-haswell}" in
      skylake-avx512) indaga_cpu_label=AVX-512 ;;
      baseline) indaga_cpu_label=SSE2 ;;
      *) indaga_cpu_label=AVX2 ;;  # o padrão do Package.swift para qualquer outro valor
    esac
  fi
  [ -n "$given" ] && indaga_cpu_label+=", INDAGA_CPU=$given como você pediu"
  return 0
}
