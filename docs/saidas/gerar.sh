#!/usr/bin/env bash
# Gera de novo as saídas que o livro mostra (docs/saidas/*.txt), rodando os
# programas de verdade. Uso, na raiz do workspace:
#     cargo build --workspace && bash docs/saidas/gerar.sh
# Portas, que mudam a cada execução, aparecem como PORTA. O teste
# `saidas_do_livro_sao_as_de_agora` (tests/professor/tests/livro.rs) confere que as
# saídas ainda são estas.
#
# A primeira compilação (docs/saidas/primeira_compilacao.txt) leva quase um
# minuto e só é gerada de novo com:
#     bash docs/saidas/gerar.sh --primeira-compilacao
# As medidas da página "Medindo" (docs/saidas/bench_*.txt) dependem da
# máquina e de ela estar quieta: só são geradas de novo com
#     bash docs/saidas/gerar.sh --medidas
set -euo pipefail
cd "$(dirname "$0")/../.."
S=docs/saidas

{
    python3 docs/experimentos/udp_dois_servidores.py SO_REUSEADDR
    python3 docs/experimentos/udp_dois_servidores.py SO_REUSEPORT
} >"$S/udp_dois_servidores.txt"

bash docs/experimentos/time_wait.sh >"$S/time_wait.txt"
# O sed do time_wait.sh roda num processo à parte: espera ele terminar de escrever.
sleep 0.5

# O pinger contra um servidor com 30 % de perda simulada e semente fixa: os
# mesmos pings se perdem a cada execução (só os tempos mudam). O servidor usa
# uma porta livre, que aparece como 12000, a do texto do livro.
log=$(mktemp)
target/debug/udp-echo servidor --endereco 127.0.0.1 --porta 0 --perda 0.3 --semente 42 >"$log" &
servidor=$!
for _ in $(seq 100); do [ -s "$log" ] && break; sleep 0.05; done
porta=$(head -1 "$log" | sed 's/.*://')
target/debug/udp-echo ping --porta "$porta" --contagem 10 --intervalo 200ms \
    | sed "s/127.0.0.1:$porta/127.0.0.1:12000/g" >docs/captura/ping-perda.txt || true
kill -INT "$servidor"
wait "$servidor" || true
rm -f "$log"

# O que o `professor kit` responde (a página do professor mostra), com a
# pasta de destino trocada pela do texto, ../kit-turma.
kit=$(mktemp -d)
target/debug/professor kit "$kit/kit-turma" 2>&1 | sed "s|$kit/kit-turma|../kit-turma|g" >"$S/kit.txt"
rm -rf "$kit"

if [[ "${1:-}" == "--medidas" ]]; then
    # Servidores e bench compilados com otimizações, o log do servidor
    # descartado (escrever no terminal também custa), 3 s por medida.
    cargo build --quiet --release -p udp-echo -p tcp-echo
    mede() { # programa, arquivo de saída, argumentos do bench...
        local programa=$1 saida=$2 log
        shift 2
        log=$(mktemp)
        "target/release/$programa" servidor --endereco 127.0.0.1 --porta 0 >"$log" &
        local servidor=$!
        for _ in $(seq 100); do [ -s "$log" ] && break; sleep 0.05; done
        local porta
        porta=$(head -1 "$log" | sed 's/.*://')
        "target/release/$programa" bench --porta "$porta" --duracao 3s "$@" 2>&1 \
            | sed "s/127.0.0.1:$porta/127.0.0.1:12000/g" >"$S/$saida" || true
        kill -INT "$servidor"
        wait "$servidor" || true
        rm -f "$log"
    }
    mede udp-echo bench_udp.txt
    mede udp-echo bench_udp_4x8.txt --clientes 4 --em-voo 8
    mede tcp-echo bench_tcp_ping.txt --modo ping
    mede tcp-echo bench_tcp_fluxo.txt --modo fluxo --mib 256
    mede tcp-echo bench_tcp_conexoes.txt --modo conexoes --conexoes 500
fi

if [[ "${1:-}" == "--primeira-compilacao" ]]; then
    # Uma cópia limpa do projeto em /tmp/sockets, como a de um aluno que
    # acabou de baixar: compila tudo do zero e sobe o servidor por um instante.
    rm -rf /tmp/sockets && mkdir /tmp/sockets
    git archive HEAD | tar -x -C /tmp/sockets
    setsid bash -c 'cd /tmp/sockets && exec cargo run -p udp-echo -- servidor' \
        >/tmp/sockets.out 2>/tmp/sockets.err &
    grupo=$!
    for _ in $(seq 600); do
        grep -q . /tmp/sockets.out 2>/dev/null && break
        sleep 0.5
    done
    kill -INT -- "-$grupo" 2>/dev/null || true
    wait "$grupo" 2>/dev/null || true
    head -n 1 /tmp/sockets.out >/tmp/sockets.pronto
    mv /tmp/sockets.pronto /tmp/sockets.out
    cat /tmp/sockets.err /tmp/sockets.out >"$S/primeira_compilacao.txt"
fi

echo "saídas geradas em $S:"
ls "$S"/*.txt
