#!/usr/bin/env bash
# TIME_WAIT e SO_REUSEADDR: quem fecha primeiro, e quem liga a opção.
#
# Uso (na raiz do workspace, depois de `cargo build`):
#     bash docs/experimentos/time_wait.sh
#
# Três rodadas numa porta livre (escolhida pelo sistema; o número muda a cada
# vez). Em cada uma: um servidor atende uma conexão, é parado, e tentamos
# ligar um servidor de novo na mesma porta, na hora.
set -u
cd "$(dirname "$0")/../.."
# O binário do tcp-echo; os testes passam o caminho do deles em TCP_ECHO.
SERVIDOR_RUST=${TCP_ECHO:-target/debug/tcp-echo}
CLIENTE_RUST=$SERVIDOR_RUST
[ -x "$SERVIDOR_RUST" ] || { echo "rode cargo build antes" >&2; exit 2; }
# A porta muda a cada vez; na saída ela aparece como PORTA.
exec > >(sed -E 's/:[0-9]{4,5}\b/:PORTA/g')

porta_livre() { python3 -c 'import socket; s=socket.socket(); s.bind(("",0)); print(s.getsockname()[1])'; }
espera_porta() { for _ in $(seq 50); do ss -tln "sport = :$1" | grep -q LISTEN && return; sleep 0.1; done; }
time_wait() { ss -tan state time-wait "( sport = :$1 or dport = :$1 )" | tail -n +2 | wc -l; }
lado() {  # quem ficou em TIME_WAIT: o lado do servidor (porta local = a do servidor) ou o do cliente
    if ss -tan state time-wait "sport = :$1" | tail -n +2 | grep -q .; then echo "servidor"; else echo "cliente"; fi
}
# Tenta ligar um servidor (o comando dado) e mostra o que ele respondeu: a
# linha de pronto ou a do erro. Espera essa linha, e não um tempo fixo: numa
# máquina ocupada o python3 pode levar mais de um segundo só para começar. O
# limite de 20 s só evita travar; depois o servidor é parado.
saida_tenta=$(mktemp)
trap 'rm -f "$saida_tenta"' EXIT
tenta() {
    : >"$saida_tenta"
    "$@" >"$saida_tenta" 2>&1 &
    local pid=$!
    for _ in $(seq 200); do
        grep -qE 'ready to receive|pronto para receber' "$saida_tenta" && break
        kill -0 "$pid" 2>/dev/null || break
        sleep 0.1
    done
    kill "$pid" 2>/dev/null; wait "$pid" 2>/dev/null
    # O nosso servidor diz tudo na primeira linha; o Python, na última (o erro
    # vem depois do traceback).
    if [ "$1" = python3 ]; then tail -n 1 "$saida_tenta"; else head -n 1 "$saida_tenta"; fi
}
tenta_rust() { tenta "$SERVIDOR_RUST" servidor --porta "$1"; }
tenta_notas() { tenta python3 docs/notas/tcp_servidor.py "$1"; }
# Um cliente como o das notas, que demora um pouco para fechar: assim o servidor
# das notas, que fecha logo depois de responder, fecha sempre primeiro.
cliente_notas() {
    python3 -c 'import socket,sys,time
c=socket.create_connection(("127.0.0.1",int(sys.argv[1]))); c.send(b"ola"); print("resposta:", c.recv(1024))
time.sleep(0.3); c.close()' "$1"
}

echo "== 1. servidor das notas (sem SO_REUSEADDR), que fecha primeiro"
P=$(porta_livre)
python3 docs/notas/tcp_servidor.py "$P" >/dev/null & PID=$!
espera_porta "$P"
cliente_notas "$P"
sleep 0.2; kill "$PID"; wait "$PID" 2>/dev/null
echo "conexões em TIME_WAIT na porta: $(time_wait "$P"), do lado do $(lado "$P")"
echo "o nosso servidor (com SO_REUSEADDR) tenta a mesma porta:"
tenta_rust "$P"

echo
echo "== 2. o nosso servidor, com o nosso cliente, que fecha primeiro"
P=$(porta_livre)
"$SERVIDOR_RUST" servidor --porta "$P" >/dev/null 2>&1 & PID=$!
espera_porta "$P"
"$CLIENTE_RUST" cliente --porta "$P" ola 2>/dev/null | sed 's/^/resposta: /'
echo "com ele ainda rodando, um segundo servidor nosso tenta a mesma porta:"
tenta_rust "$P"
sleep 0.2; kill -INT "$PID"; wait "$PID" 2>/dev/null
echo "conexões em TIME_WAIT na porta: $(time_wait "$P"), do lado do $(lado "$P")"
echo "o servidor das notas (sem SO_REUSEADDR) tenta a mesma porta:"
tenta_notas "$P"

echo
echo "== 3. o nosso servidor fecha primeiro (--ocioso 1, cliente parado)"
P=$(porta_livre)
"$SERVIDOR_RUST" servidor --porta "$P" --ocioso 1 >/dev/null 2>&1 & PID=$!
espera_porta "$P"
python3 -c 'import socket,sys,time
c=socket.create_connection(("127.0.0.1",int(sys.argv[1]))); time.sleep(2); c.close()' "$P"
sleep 0.2; kill -INT "$PID"; wait "$PID" 2>/dev/null
echo "conexões em TIME_WAIT na porta: $(time_wait "$P"), do lado do $(lado "$P")"
echo "o nosso servidor (com SO_REUSEADDR) tenta a mesma porta:"
tenta_rust "$P"
echo "o servidor das notas (sem SO_REUSEADDR) tenta a mesma porta:"
tenta_notas "$P"
