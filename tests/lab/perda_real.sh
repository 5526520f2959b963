#!/usr/bin/env bash
# Perda de verdade, no kernel: UDP perde, TCP entrega tudo (e retransmite).
#
# Cria um namespace de rede (uma "máquina" isolada, só com a loopback), manda o
# nftables descartar PERDA % dos pacotes que chegam às portas dos servidores e
# roda, lá dentro:
#   1. o pinger UDP: cerca de PERDA % dos pings fica sem resposta;
#   2. uma transferência TCP grande: todos os bytes voltam, conferidos um a um,
#      e o contador de retransmissões do kernel (nstat) mostra o custo.
#
# Uso (Linux, como root ou com sudo; precisa de iproute2 e nftables):
#   sudo bash tests/lab/perda_real.sh            # PERDA=10 por padrão
#   sudo PERDA=30 PINGS=300 MIB=4 bash tests/lab/perda_real.sh
# BIN_DIR aponta para a pasta com udp-echo e tcp-echo já compilados; sem ela,
# o script compila com o cargo.
#
# Saída: 0 se tudo saiu como esperado; 1 se não; 2 se não pôde rodar aqui
# (sem root, sem `ip` ou sem `nft`), dizendo por quê.
set -euo pipefail

PERDA=${PERDA:-10}
PINGS=${PINGS:-200}
MIB=${MIB:-8}

nao_roda() { echo "perda_real: NÃO RODOU: $*" >&2; exit 2; }
[ "$(id -u)" = 0 ] || nao_roda "precisa de root (rode com sudo)"
command -v ip >/dev/null || nao_roda "falta o comando ip (pacote iproute2)"
command -v nft >/dev/null || nao_roda "falta o comando nft (pacote nftables)"

raiz=$(cd "$(dirname "$0")/../.." && pwd)
if [ -z "${BIN_DIR:-}" ]; then
  (cd "$raiz" && cargo build --quiet -p udp-echo -p tcp-echo)
  BIN_DIR="$raiz/target/debug"
fi

ns="lab-perda-$$"
trabalho=$(mktemp -d)
export NSTAT_HISTORY="$trabalho/nstat.historico"
limpa() {
  ip netns pids "$ns" 2>/dev/null | xargs -r kill 2>/dev/null || true
  ip netns del "$ns" 2>/dev/null || true
  rm -rf "$trabalho"
}
trap limpa EXIT
ip netns add "$ns" || nao_roda "não foi possível criar um namespace de rede (contêiner sem permissão?)"
ip netns exec "$ns" ip link set lo up
dentro() { ip netns exec "$ns" "$@"; }

# Sobe um servidor no namespace e devolve a porta que ele anunciou.
sobe() {
  local log="$trabalho/$1.log"
  dentro "$BIN_DIR/$1" servidor --endereco 127.0.0.1 --porta 0 >"$log" 2>&1 &
  for _ in $(seq 100); do
    if [ -s "$log" ]; then head -1 "$log" | awk '{print $NF}' | sed 's/.*://'; return; fi
    sleep 0.05
  done
  echo "o servidor $1 não subiu" >&2; exit 1
}
porta_udp=$(sobe udp-echo)
porta_tcp=$(sobe tcp-echo)

# A regra: no gancho de entrada, descarta PERDA % dos pacotes destinados aos
# servidores (só o sentido cliente → servidor; as respostas passam).
dentro nft -f - <<REGRAS || nao_roda "o nftables recusou a regra (kernel sem nf_tables?)"
table inet lab {
  chain entrada {
    type filter hook input priority 0; policy accept;
    th dport { $porta_udp, $porta_tcp } numgen random mod 100 < $PERDA counter drop
  }
}
REGRAS

echo "== nftables: descartando $PERDA % dos pacotes para as portas $porta_udp (UDP) e $porta_tcp (TCP)"
echo
echo "== UDP: $PINGS pings"
dentro "$BIN_DIR/udp-echo" ping --porta "$porta_udp" --contagem "$PINGS" --intervalo 5ms --timeout 0.2 \
  >"$trabalho/ping.txt" || true
grep -E "Tempo esgotado" "$trabalho/ping.txt" | head -3 || true
echo "..."
tail -3 "$trabalho/ping.txt"
perda_udp=$(grep -oE '[0-9]+,[0-9] % de perda' "$trabalho/ping.txt" | cut -d, -f1)

echo
echo "== TCP: $MIB MiB de ida e volta"
dentro nstat -n >/dev/null
dentro "$BIN_DIR/tcp-echo" bench --porta "$porta_tcp" --modo fluxo --mib "$MIB" --timeout 60 \
  >"$trabalho/fluxo.txt" 2>/dev/null || true
grep -E "certas|erradas|MiB" "$trabalho/fluxo.txt"
retransmitidos=$(dentro nstat -z TcpRetransSegs | awk '/TcpRetransSegs/ {print $2}')
echo "  segmentos retransmitidos pelo kernel: ${retransmitidos:-0}   (nstat TcpRetransSegs)"
echo
dentro nft list ruleset | grep -oE 'counter packets [0-9]+' | sed 's/^/== nftables descartou: /'

# Confere o que o laboratório quer mostrar.
ok=1
minimo=$(( PERDA / 3 )); maximo=$(( PERDA * 2 + 5 ))
if [ -z "$perda_udp" ] || [ "$perda_udp" -lt "$minimo" ] || [ "$perda_udp" -gt "$maximo" ]; then
  echo "FALHOU: a perda UDP (${perda_udp:-?} %) devia ficar perto de $PERDA %"; ok=0
fi
if ! grep -qE "respostas certas +1$" "$trabalho/fluxo.txt" || ! grep -qE "respostas erradas +0$" "$trabalho/fluxo.txt"; then
  echo "FALHOU: a transferência TCP devia voltar inteira e certa"; ok=0
fi
if [ "${retransmitidos:-0}" -le 0 ]; then
  echo "FALHOU: com perda, o TCP devia ter retransmitido"; ok=0
fi
if [ $ok = 1 ]; then
  echo
  echo "Resultado: o UDP perdeu ${perda_udp} % (descarte de $PERDA %); o TCP entregou os $MIB MiB inteiros, retransmitindo ${retransmitidos} segmentos."
  exit 0
fi
exit 1
