#!/usr/bin/env bash
# Captura o que realmente passa pela rede em uma troca do udp-echo e em uma
# do tcp-echo, e grava a saída do tcpdump em docs/captura/udp.txt e tcp.txt.
#
# Uso (na raiz do workspace ou em qualquer lugar):
#     sudo docs/captura/capturar.sh
#
# Precisa de Linux, bash, cargo e tcpdump (Debian/Ubuntu: apt-get install -y
# tcpdump). O tcpdump precisa de root: o script usa sudo se não for root.
# Cada etapa tem tempo-limite, e os processos em segundo plano são sempre
# encerrados no fim, mesmo em caso de erro ou Ctrl+C.

set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
OUT="$ROOT/docs/captura"
FRASE="olá mundo"

if [[ $(uname -s) != Linux ]]; then
    echo "capturar.sh: este script só funciona no Linux (interface 'lo')." >&2
    exit 1
fi
if ! command -v tcpdump >/dev/null 2>&1 && [[ ! -x /usr/sbin/tcpdump ]]; then
    echo "capturar.sh: tcpdump não encontrado; instale com: apt-get install -y tcpdump" >&2
    exit 1
fi
TCPDUMP=$(command -v tcpdump || echo /usr/sbin/tcpdump)
SUDO=()
if [[ $(id -u) -ne 0 ]]; then
    SUDO=(sudo)
fi

echo "Compilando o workspace..."
(cd "$ROOT" && cargo build --quiet -p udp-echo -p tcp-echo)
BIN="$ROOT/target/debug"

WORK=$(mktemp -d)
PIDS=()
cleanup() {
    local pid
    for pid in "${PIDS[@]}"; do
        kill -TERM "$pid" 2>/dev/null || true
    done
    for pid in "${PIDS[@]}"; do
        wait "$pid" 2>/dev/null || true
    done
    rm -rf "$WORK"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# Espera (no máximo ~5 s) até o arquivo $1 conter o texto $2.
wait_for() {
    local i
    for i in $(seq 50); do
        if grep -q -- "$2" "$1" 2>/dev/null; then
            return 0
        fi
        sleep 0.1
    done
    echo "capturar.sh: tempo esgotado esperando '$2' em $1" >&2
    return 1
}

# capture udp|tcp: servidor em porta livre, tcpdump nessa porta, um cliente.
capture() {
    local proto=$1
    local server_log="$WORK/$proto-servidor.log"
    local dump="$WORK/$proto.txt"
    local dump_err="$WORK/$proto-tcpdump.err"

    # 1. O servidor, só no loopback, em uma porta que o sistema escolhe.
    timeout 60 "$BIN/$proto-echo" servidor --endereco 127.0.0.1 --porta 0 \
        >"$server_log" 2>&1 &
    local server_pid=$!
    PIDS+=("$server_pid")
    wait_for "$server_log" "pronto para receber"
    local port
    port=$(sed -n '1s/.*://p' "$server_log")

    # 2. O tcpdump, filtrando essa porta; -l escreve cada linha na hora.
    timeout -s INT 30 "${SUDO[@]}" "$TCPDUMP" -i lo -n -l "$proto port $port" \
        >"$dump" 2>"$dump_err" &
    local dump_pid=$!
    PIDS+=("$dump_pid")
    wait_for "$dump_err" "listening on"

    # 3. Uma troca do cliente.
    echo "$proto: porta $port; resposta do cliente:"
    timeout 20 "$BIN/$proto-echo" cliente --porta "$port" "$FRASE"

    # 4. Dá tempo aos últimos pacotes (FIN/ACK) e encerra o tcpdump.
    sleep 1
    kill -INT "$dump_pid" 2>/dev/null || true
    wait "$dump_pid" 2>/dev/null || true
    kill -TERM "$server_pid" 2>/dev/null || true
    wait "$server_pid" 2>/dev/null || true

    if [[ ! -s "$dump" ]]; then
        echo "capturar.sh: o tcpdump não capturou nada; veja $dump_err" >&2
        cat "$dump_err" >&2
        return 1
    fi
    # Ao ser interrompido, o tcpdump pode deixar uma linha em branco no fim.
    grep -v '^$' "$dump" >"$OUT/$proto.txt"
    echo "$proto: $(wc -l <"$OUT/$proto.txt") pacotes gravados em docs/captura/$proto.txt"
}

capture udp
capture tcp
