#!/usr/bin/env bash
# Um servidor PostgreSQL descartável para os testes (lido por scripts/test.sh com `source`).
#
#   indaga_pg_start   cria um cluster novo numa pasta temporária (initdb), escutando só em 127.0.0.1
#                     numa porta livre, com o papel superusuário `indaga` e o banco `indaga`, e exporta
#                     INDAGA_TEST_POSTGRES=postgresql://indaga@127.0.0.1:PORTA/indaga
#   indaga_pg_stop    para o servidor (pg_ctl stop -m immediate) e apaga a pasta; chame num trap EXIT
#
# Um INDAGA_TEST_POSTGRES definido por você vale como está, e nada é iniciado. Sem PostgreSQL na
# máquina, ou se o servidor não sobe, só avisa: a variável fica sem definir e os testes do
# PostgreSQL são pulados (com uma mensagem deles). O initdb e o postgres não rodam como root: como
# root, rodam como o usuário `postgres` do pacote do Debian (ou `nobody`, se ele não existe).
#
# Rodado direto, `scripts/postgres-teste.sh COMANDO...` roda COMANDO com o servidor no ar e o para no fim.
set -euo pipefail

indaga_pg_dir=""
indaga_pg_bin=""
indaga_pg_user=""

indaga_pg_warn() { printf 'aviso: %s\n' "$*" >&2; }

# Imprime a pasta com initdb, pg_ctl e postgres: a de `pg_config --bindir`, se os tem (o pg_config do
# libpq-dev aponta para ela mesmo sem o servidor instalado), senão a mais nova de /usr/lib/postgresql,
# senão a do initdb no PATH. Nada, se não acha.
indaga_pg_bindir() {
  local dir candidates=()
  if command -v pg_config >/dev/null 2>&1; then
    dir=$(pg_config --bindir 2>/dev/null || true)
    [ -n "$dir" ] && candidates+=("$dir")
  fi
  while IFS= read -r dir; do
    candidates+=("$dir")
  done < <(printf '%s\n' /usr/lib/postgresql/*/bin 2>/dev/null | grep -v '\*' | sort -rV)
  if command -v initdb >/dev/null 2>&1; then
    candidates+=("$(dirname "$(command -v initdb)")")
  fi
  for dir in "${candidates[@]}"; do
    if [ -x "$dir/initdb" ] && [ -x "$dir/pg_ctl" ] && [ -x "$dir/postgres" ]; then
      echo "$dir"
      return 0
    fi
  done
  return 0
}

# O caminho de uma ferramenta do PostgreSQL: a da pasta achada, senão a do PATH.
indaga_pg_tool() {
  if [ -x "$indaga_pg_bin/$1" ]; then
    echo "$indaga_pg_bin/$1"
  else
    command -v "$1" 2>/dev/null || true
  fi
}

# Roda um comando como o dono do cluster (root não pode rodar o initdb nem o postgres), de dentro da
# pasta temporária, para que o usuário `postgres` não precise ler a pasta atual.
indaga_pg_run() {
  if [ "$(id -u)" -ne 0 ]; then
    (cd "$indaga_pg_dir" && "$@")
  elif command -v runuser >/dev/null 2>&1; then
    (cd "$indaga_pg_dir" && runuser -u "$indaga_pg_user" -- "$@")
  else
    # shellcheck disable=SC2016
    (cd "$indaga_pg_dir" && su "$indaga_pg_user" -s /bin/sh -c 'exec "$0" "$@"' -- "$@")
  fi
}

# Uma porta TCP livre em 127.0.0.1.
indaga_pg_free_port() {
  local port tries
  if command -v python3 >/dev/null 2>&1 &&
    port=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])' 2>/dev/null) &&
    [ -n "$port" ]; then
    echo "$port"
    return 0
  fi
  for tries in $(seq 1 50); do
    port=$((20000 + RANDOM % 40000))
    # Ninguém escuta na porta se a conexão é recusada.
    if ! (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then
      echo "$port"
      return 0
    fi
  done
  return 1
}

indaga_pg_log_tail() {
  local log
  for log in "$indaga_pg_dir/pg_ctl.log" "$indaga_pg_dir/postgres.log"; do
    [ -s "$log" ] || continue
    printf -- '--- últimas linhas de %s ---\n' "$log" >&2
    tail -n 20 "$log" >&2 || true
  done
}

indaga_pg_start() {
  if [ -n "${INDAGA_TEST_POSTGRES:-}" ]; then
    printf '==> Testes do PostgreSQL no servidor de INDAGA_TEST_POSTGRES (nenhum servidor temporário)\n' >&2
    export INDAGA_TEST_POSTGRES
    return 0
  fi
  indaga_pg_bin=$(indaga_pg_bindir)
  if [ -z "$indaga_pg_bin" ]; then
    indaga_pg_warn "PostgreSQL não encontrado (instale o pacote postgresql); os testes do PostgreSQL serão pulados"
    return 0
  fi
  local pg_isready createdb
  pg_isready=$(indaga_pg_tool pg_isready)
  createdb=$(indaga_pg_tool createdb)

  # A pasta: em /tmp se root (o usuário `postgres` precisa chegar nela); curta, porque o soquete
  # unix fica nela e o caminho de um soquete não passa de ~100 caracteres.
  local base=${TMPDIR:-/tmp}
  if [ "$(id -u)" -eq 0 ] || [ ${#base} -gt 60 ]; then
    base=/tmp
  fi
  if ! indaga_pg_dir=$(mktemp -d "$base/indaga-pg.XXXXXX"); then
    indaga_pg_dir=""
    indaga_pg_warn "não foi possível criar a pasta temporária do PostgreSQL; os testes do PostgreSQL serão pulados"
    return 0
  fi
  if [ "$(id -u)" -eq 0 ]; then
    indaga_pg_user=postgres
    id -u postgres >/dev/null 2>&1 || indaga_pg_user=nobody
    if ! chown "$indaga_pg_user:" "$indaga_pg_dir"; then
      indaga_pg_warn "não foi possível entregar $indaga_pg_dir ao usuário $indaga_pg_user; os testes do PostgreSQL serão pulados"
      indaga_pg_stop
      return 0
    fi
  fi

  printf '==> Iniciando um PostgreSQL temporário (%s) em %s\n' "$indaga_pg_bin" "$indaga_pg_dir" >&2
  if ! indaga_pg_run "$indaga_pg_bin/initdb" --pgdata="$indaga_pg_dir/data" --username=indaga --auth=trust \
    --encoding=UTF8 --no-locale --no-sync >"$indaga_pg_dir/initdb.log" 2>&1; then
    indaga_pg_warn "o initdb falhou; os testes do PostgreSQL serão pulados"
    tail -n 20 "$indaga_pg_dir/initdb.log" >&2 || true
    indaga_pg_stop
    return 0
  fi

  # A porta livre pode ser tomada por outro entre a escolha e o início: até 3 tentativas.
  local port="" attempt started=0
  for attempt in 1 2 3; do
    port=$(indaga_pg_free_port) || break
    if indaga_pg_run "$indaga_pg_bin/pg_ctl" start --pgdata="$indaga_pg_dir/data" --log="$indaga_pg_dir/postgres.log" \
      --wait --timeout=30 --silent \
      -o "-c listen_addresses=127.0.0.1 -c port=$port -c unix_socket_directories='$indaga_pg_dir' -c fsync=off -c synchronous_commit=off -c full_page_writes=off" \
      >>"$indaga_pg_dir/pg_ctl.log" 2>&1; then
      started=1
      break
    fi
    grep -q 'could not bind\|could not create listen socket' "$indaga_pg_dir/postgres.log" 2>/dev/null || break
  done
  if [ "$started" -ne 1 ]; then
    indaga_pg_warn "o PostgreSQL temporário não subiu; os testes do PostgreSQL serão pulados"
    indaga_pg_log_tail
    indaga_pg_stop
    return 0
  fi

  # Espera aceitar conexões pela TCP, até 30 s.
  local ready=0 deadline=$((SECONDS + 30))
  while [ "$SECONDS" -lt "$deadline" ]; do
    if [ -n "$pg_isready" ]; then
      "$pg_isready" --quiet --host=127.0.0.1 --port="$port" --username=indaga --dbname=postgres --timeout=2 && { ready=1; break; }
    else
      (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null && { ready=1; break; }
    fi
    sleep 0.2
  done
  if [ "$ready" -ne 1 ]; then
    indaga_pg_warn "o PostgreSQL temporário não aceitou conexões em 30 s; os testes do PostgreSQL serão pulados"
    indaga_pg_log_tail
    indaga_pg_stop
    return 0
  fi

  # O papel `indaga` já é o superusuário (initdb --username); falta o banco dele.
  local created=0
  if [ -n "$createdb" ]; then
    indaga_pg_run "$createdb" --host="$indaga_pg_dir" --port="$port" --username=indaga --owner=indaga indaga \
      >>"$indaga_pg_dir/postgres.log" 2>&1 && created=1
  fi
  if [ "$created" -ne 1 ]; then
    indaga_pg_warn "não foi possível criar o banco indaga no PostgreSQL temporário; os testes do PostgreSQL serão pulados"
    indaga_pg_log_tail
    indaga_pg_stop
    return 0
  fi

  export INDAGA_TEST_POSTGRES="postgresql://indaga@127.0.0.1:$port/indaga"
  printf '==> PostgreSQL temporário pronto: INDAGA_TEST_POSTGRES=%s\n' "$INDAGA_TEST_POSTGRES" >&2
  return 0
}

indaga_pg_stop() {
  [ -n "$indaga_pg_dir" ] || return 0
  if [ -f "$indaga_pg_dir/data/postmaster.pid" ]; then
    indaga_pg_run "$indaga_pg_bin/pg_ctl" stop --pgdata="$indaga_pg_dir/data" --mode=immediate --wait --timeout=30 --silent \
      >/dev/null 2>&1 || true
    # Se o pg_ctl não conseguiu, o próprio postmaster, pelo pid que ele gravou.
    local pid
    pid=$(head -n 1 "$indaga_pg_dir/data/postmaster.pid" 2>/dev/null || true)
    if [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null; then
      kill -QUIT "$pid" 2>/dev/null || true
      sleep 1
      kill -KILL "$pid" 2>/dev/null || true
    fi
  fi
  rm -rf "$indaga_pg_dir"
  indaga_pg_dir=""
  unset INDAGA_TEST_POSTGRES
  return 0
}

# Rodado direto (não com `source`): o servidor no ar só durante o comando dado.
if [ "${BASH_SOURCE[0]}" = "$0" ]; then
  [ $# -gt 0 ] || { printf 'uso: %s COMANDO [ARGUMENTOS...]\n' "$0" >&2; exit 2; }
  trap indaga_pg_stop EXIT
  trap 'exit 130' INT
  trap 'exit 143' TERM
  indaga_pg_start
  status=0
  "$@" || status=$?
  exit "$status"
fi
