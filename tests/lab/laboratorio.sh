#!/usr/bin/env bash
# O laboratório do kernel: o que as notas dizem do UDP e do TCP, visto de
# verdade, com números e gráficos. Três experimentos, num namespace de rede
# (uma "máquina" isolada, só com a loopback, MTU de 1500 bytes como numa
# rede Ethernet), com o nftables descartando pacotes de propósito:
#
#   perda             UDP e TCP com 0, 1 e 5 % de descarte (ou as taxas de
#                     PERDAS): o que chega, o que é retransmitido ("não é
#                     confiável" × "confiável").
#   congestionamento  a janela de congestionamento (cwnd) ao longo do tempo:
#                     a partida lenta, a queda a cada perda, a subida depois;
#                     e a vazão contra a taxa de perda ("controle de
#                     congestionamento").
#   fluxo             um leitor que para: a janela anunciada vai a zero, o
#                     write de quem envia fica parado, e tudo volta quando o
#                     leitor volta ("controle de flow").
#
# Uso (Linux; precisa de iproute2 e nftables):
#   bash tests/lab/laboratorio.sh                    # os três
#   bash tests/lab/laboratorio.sh congestionamento   # só um (ou dois)
#   PERDAS=30 bash tests/lab/laboratorio.sh perda    # outra taxa de perda
#   LIVRO=1 bash tests/lab/laboratorio.sh            # e grava os gráficos,
#                                                    # as saídas e as tabelas do livro
# Sem root, o script se roda de novo dentro de um namespace de usuário e de
# rede só dele (`unshare --user --map-root-user --net`), onde ele é root só
# para a rede dele; onde o kernel não deixa, diz isso numa linha. Com sudo,
# usa um namespace de rede com nome (`ip netns`).
# Variáveis (com o padrão): SAIDA=target/laboratorio (onde ficam as tabelas e
# os gráficos), PERDAS="0 1 5" (as taxas do experimento 1, em %), PINGS=200,
# MIB=4 (cada transferência dos experimentos 1 e 2), REPETICOES=3 (quantas
# transferências em cada ponto da vazão contra a perda; vale a mediana),
# FLUXO_MIB=64, PAUSA=1 (segundos parados no experimento 3), TAXA=100mbit (a
# capacidade do enlace do experimento 2), ATRASO=10 (ms, só onde há netem).
# BIN_DIR: a pasta com udp-echo, tcp-echo e avaliacao já compilados; sem ela,
# o script compila com o cargo (os programas de rede com --release).
# GRAFICO: o programa que desenha os gráficos (padrão: BIN_DIR/professor).
#
# Saída: 0 se tudo saiu como esperado; 1 se não; 2 se não pôde rodar aqui
# (sem root, sem `ip`, sem `nft`), dizendo por quê: "NÃO RODOU: motivo".
set -euo pipefail

PERDAS=${PERDAS:-0 1 5}
PINGS=${PINGS:-200}
MIB=${MIB:-4}
REPETICOES=${REPETICOES:-3}
FLUXO_MIB=${FLUXO_MIB:-64}
PAUSA=${PAUSA:-1}
TAXA=${TAXA:-100mbit}
ATRASO=${ATRASO:-10}

nao_roda() { echo "laboratorio: NÃO RODOU: $*" >&2; exit 2; }
command -v ip >/dev/null || nao_roda "falta o comando ip (pacote iproute2)"
command -v nft >/dev/null || nao_roda "falta o comando nft (pacote nftables)"
command -v tc >/dev/null || nao_roda "falta o comando tc (pacote iproute2)"
command -v nstat >/dev/null || nao_roda "falta o comando nstat (pacote iproute2)"

experimentos=("$@")
[ ${#experimentos[@]} -gt 0 ] || experimentos=(perda congestionamento fluxo)
for e in "${experimentos[@]}"; do
  case "$e" in perda | congestionamento | fluxo) ;; *)
    echo "experimento desconhecido: $e (use perda, congestionamento ou fluxo)" >&2; exit 1 ;;
  esac
done

raiz=$(cd "$(dirname "$0")/../.." && pwd)
# Com sudo, o que o script compila e grava fica com o dono de quem chamou:
# arquivos de root em target/ atrapalhariam o próximo `cargo build` dele.
quem=${SUDO_USER:-}
[ "$quem" != root ] || quem=""
if [ -z "${BIN_DIR:-}" ]; then
  compila="cd '$raiz' && cargo build --quiet --release -p udp-echo -p tcp-echo && cargo build --quiet -p professor"
  if [ -n "$quem" ]; then sudo -u "$quem" -H bash -lc "$compila"; else bash -c "$compila"; fi
  BIN_DIR="$raiz/target/release"
  GRAFICO=${GRAFICO:-$raiz/target/debug/professor}
fi
GRAFICO=${GRAFICO:-$BIN_DIR/professor}
SAIDA=${SAIDA:-target/laboratorio}
cd "$raiz"
mkdir -p "$SAIDA"
SAIDA=$(cd "$SAIDA" && pwd)

# Sem root: o mesmo script, de novo, num namespace de usuário e de rede novo,
# em que o usuário é root só ali dentro (a loopback dele, o firewall dele).
if [ "$(id -u)" != 0 ] && [ -z "${LAB_NAMESPACE:-}" ]; then
  command -v unshare >/dev/null || nao_roda "sem root e sem o comando unshare (pacote util-linux)"
  unshare --user --map-root-user --net true 2>/dev/null \
    || nao_roda "sem root, e este kernel não deixa um usuário comum criar namespaces (kernel.unprivileged_userns_clone ou user.max_user_namespaces); rode com sudo, numa máquina virtual Linux ou no WSL2"
  exec unshare --user --map-root-user --net \
    env LAB_NAMESPACE=1 BIN_DIR="$BIN_DIR" GRAFICO="$GRAFICO" SAIDA="$SAIDA" bash "$0" "$@"
fi

ns="lab-$$"
trabalho=$(mktemp -d)
export NSTAT_HISTORY="$trabalho/nstat.historico"
if [ -n "${LAB_NAMESPACE:-}" ]; then
  # Já dentro do namespace do unshare: tudo o que o script roda está nele, e
  # ele some quando o último processo sai.
  limpa() {
    jobs -p | xargs -r kill 2>/dev/null || true
    rm -rf "$trabalho"
  }
  trap limpa EXIT
  dentro() { "$@"; }
else
  limpa() {
    ip netns pids "$ns" 2>/dev/null | xargs -r kill 2>/dev/null || true
    ip netns del "$ns" 2>/dev/null || true
    rm -rf "$trabalho"
  }
  trap limpa EXIT
  ip netns add "$ns" || nao_roda "não foi possível criar um namespace de rede (contêiner sem permissão?)"
  dentro() { ip netns exec "$ns" "$@"; }
fi
dentro ip link set lo up
# A loopback normal aceita pacotes de 64 KiB; com 1500 bytes, como na
# Ethernet, cada segmento TCP leva 1448 bytes de dados e a janela de
# congestionamento conta os mesmos segmentos de uma rede de verdade.
dentro ip link set lo mtu 1500

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

# ANCHOR: descarta
# descarta PERMIL: o nftables descarta PERMIL em cada mil pacotes que chegam
# às portas dos servidores, sorteando cada um (só o sentido cliente →
# servidor: os dados do bench e as confirmações dele; o eco volta inteiro).
# Na loopback, um "pacote" TCP pode ser um bloco de vários segmentos que o
# kernel ainda não dividiu (GSO): descartá-lo perde todos juntos. No
# experimento 2, o tbf divide os blocos grandes antes do nftables. Os pacotes
# TCP com dados (mais de 100 bytes) são contados duas vezes: todos os que
# chegam (a primeira regra, que só conta) e os descartados (a segunda), que
# têm de ser retransmitidos.
descarta() {
  dentro nft delete table inet lab 2>/dev/null || true
  dentro nft -f - <<REGRAS \
    || nao_roda "o nftables recusou a regra (kernel sem nf_tables?)"
table inet lab {
  chain entrada {
    type filter hook input priority 0; policy accept;
    udp dport $porta_udp numgen random mod 1000 < $1 drop
    tcp dport $porta_tcp meta length > 100 counter
    tcp dport $porta_tcp meta length > 100 numgen random mod 1000 < $1 counter drop
    tcp dport $porta_tcp meta length <= 100 numgen random mod 1000 < $1 drop
  }
}
REGRAS
}
# ANCHOR_END: descarta

# Quantos pacotes TCP com dados chegaram à porta do servidor (dados_chegados)
# e quantos o nftables descartou (dados_descartados) desde o último `descarta`.
contador() {
  dentro nft list chain inet lab entrada | grep -oE 'counter packets [0-9]+' | sed -n "$1p" | cut -d' ' -f3
}
dados_chegados() { contador 1; }
dados_descartados() { contador 2; }

# Uma porcentagem em milésimos (0,5 → 5) e em texto (0.5 → "0,5").
permil() { awk -v p="$1" 'BEGIN { printf "%d", p * 10 + 0.5 }'; }
texto() { echo "$1" | tr . ,; }
# A taxa do tc em texto: 100mbit → 100 Mbit/s.
taxa=$(echo "$TAXA" | sed -E 's/^([0-9.]+)([kmg]?)bit$/\1 \u\2bit\/s/')

# fluxo_tcp MIB [opções do bench...]: uma transferência; grava a saída em
# $trabalho/fluxo.txt e devolve o valor de uma chave da linha RESULTADO.
fluxo_tcp() {
  local mib=$1; shift
  dentro "$BIN_DIR/tcp-echo" bench --porta "$porta_tcp" --modo fluxo --mib "$mib" --timeout 30 \
    --formato chave-valor "$@" \
    >"$trabalho/fluxo.txt" 2>"$trabalho/fluxo.err" || true
}
resultado() { grep -oE "(^| )$1=[^ ]+" "$trabalho/fluxo.txt" | head -1 | cut -d= -f2; }

ok=1
falhou() { echo "FALHOU: $*"; }

# ---------------------------------------------------------------------------
experimento_perda() {
  echo "== 1. UDP e TCP com perda: $PINGS pings UDP e $MIB MiB de ida e volta pelo TCP"
  echo "   (controle de congestionamento: $(dentro sysctl -n net.ipv4.tcp_congestion_control), o padrão desta máquina)"
  echo
  printf '%-8s | %-32s | %s\n' "descarte" "UDP (ping)" "TCP (bench --modo fluxo)"
  echo "descarte_pct,udp_pct,tcp_pct,retransmitidos" >"$SAIDA/perda.csv"
  for perda in $PERDAS; do
    descarta "$(permil "$perda")"
    dentro "$BIN_DIR/udp-echo" ping --porta "$porta_udp" --contagem "$PINGS" --intervalo 5ms --timeout 0.2 \
      >"$trabalho/ping.txt" || true
    local recebidos
    recebidos=$(grep -oE '[0-9]+ recebidos' "$trabalho/ping.txt" | cut -d' ' -f1)
    dentro nstat -n >/dev/null
    fluxo_tcp "$MIB"
    local contadores retrans dsack certos bytes mibs chegados descartados
    contadores=$(dentro nstat -z TcpRetransSegs TcpExtTCPDSACKRecvSegs)
    retrans=$(echo "$contadores" | awk '/TcpRetransSegs/ {print $2}')
    # Os avisos de "recebi duas vezes" (D-SACK): retransmissões desnecessárias.
    dsack=$(echo "$contadores" | awk '/TcpExtTCPDSACKRecvSegs/ {print $2}')
    chegados=$(dados_chegados)
    descartados=$(dados_descartados)
    certos=$(resultado respondidos); bytes=$(resultado bytes); mibs=$(resultado mib_por_segundo)
    printf '%-8s | %-32s | %s\n' "$perda %" \
      "$((PINGS - ${recebidos:-0})) de $PINGS sem resposta" \
      "$((${bytes:-0} / 1048576)) de $MIB MiB certos, pacotes de dados: ${chegados:-0}, descartados: ${descartados:-0}, segmentos retransmitidos: ${retrans:-0}, desnecessários (D-SACK): ${dsack:-0}, $(texto "${mibs:-0}") MiB/s"
    # Só conta como entregue a transferência que voltou inteira e certa.
    local tcp_pct=0
    if [ "${certos:-0}" = 1 ]; then tcp_pct=$(awk -v b="${bytes:-0}" -v m="$MIB" 'BEGIN { print 100 * b / (m * 1048576) }'); fi
    echo "$perda,$(awk -v r="${recebidos:-0}" -v p="$PINGS" 'BEGIN { print 100 * r / p }'),$tcp_pct,${retrans:-0}" >>"$SAIDA/perda.csv"
    # Sem descarte, nada se perde; numa máquina muito ocupada, um ping pode
    # passar dos 200 ms de tempo-limite (1 em cada 100 é tolerado).
    if [ "$perda" = 0 ] && [ "${recebidos:-0}" -lt $((PINGS - PINGS / 100)) ]; then
      falhou "sem descarte, todos os pings deviam voltar"
    fi
    if [ "$perda" = 5 ] && [ "${recebidos:-$PINGS}" -ge "$PINGS" ]; then
      falhou "com 5 % de descarte, algum ping devia se perder"
    fi
    # Com descarte, a perda do UDP fica perto dele: entre um terço e o dobro
    # (mais 5 pontos), uma faixa que o sorteio de 200 pings quase nunca deixa.
    local perdidos_pct
    perdidos_pct=$(( 100 * (PINGS - ${recebidos:-0}) / PINGS ))
    if [ "$(permil "$perda")" -gt 0 ] && {
         awk -v q="$perdidos_pct" -v p="$perda" 'BEGIN { exit !(q < int(p / 3) || q > p * 2 + 5) }'; }; then
      falhou "a perda UDP ($perdidos_pct %) devia ficar perto dos $perda % de descarte"
    fi
    if [ "${certos:-0}" != 1 ] || [ "${bytes:-0}" != $((MIB * 1048576)) ]; then
      falhou "com $perda %, a transferência TCP devia voltar inteira e certa"
    fi
    # Um pacote de dados descartado tem de ter sido retransmitido: a
    # transferência voltou inteira. (Com poucos pacotes, o sorteio pode não
    # pegar nenhum; aí não há o que retransmitir.)
    if [ "${chegados:-0}" -le 0 ]; then
      falhou "o nftables não contou nenhum pacote TCP com dados (as regras pegam a porta certa?)"
    fi
    if [ "${descartados:-0}" -gt 0 ] && [ "${retrans:-0}" -le 0 ]; then
      falhou "com $perda %, o nftables descartou ${descartados} pacote(s) de dados do TCP, e o TCP devia ter retransmitido"
    fi
  done
  "$GRAFICO" grafico perda --saida "$SAIDA/perda.svg" \
    --titulo "UDP e TCP com pacotes descartados" "$SAIDA/perda.csv" >/dev/null
  echo
  echo "O UDP entrega o que chega e esquece o resto; o TCP entrega tudo, retransmitindo."
  echo "Gráfico: $SAIDA/perda.svg"
}

# ---------------------------------------------------------------------------
experimento_congestionamento() {
  # ANCHOR: enlace
  # O algoritmo dos livros, o Reno, só neste namespace: a máquina pode usar
  # outro (o BBR, por exemplo, não trata uma perda avulsa como sinal de
  # congestionamento, e a janela quase não reage ao descarte sorteado).
  local padrao
  padrao=$(dentro sysctl -n net.ipv4.tcp_congestion_control)
  dentro sysctl -qw net.ipv4.tcp_congestion_control=reno \
    || nao_roda "o kernel não deixou escolher o controle de congestionamento reno"
  # Um enlace com capacidade limitada e uma fila, como a saída de um roteador.
  local enlace="enlace de $taxa"
  if dentro tc qdisc add dev lo root netem \
      delay "${ATRASO}ms" rate "$TAXA" limit 1000 2>/dev/null; then
    enlace+=" com atraso de $ATRASO ms em cada sentido (netem)"
  else
    dentro tc qdisc add dev lo root tbf rate "$TAXA" burst 16kb latency 20ms \
      || nao_roda "o kernel não tem o tbf (sch_tbf) para limitar o enlace"
    enlace+=" com uma fila de até 20 ms (tbf); sem atraso fixo:"
    enlace+=" este kernel não tem o netem (sch_netem)"
  fi
  # ANCHOR_END: enlace
  echo "== 2. Controle de congestionamento: Reno, $enlace"
  echo
  descarta 0
  fluxo_tcp "$MIB" --tcp-info "$SAIDA/cwnd-0.csv"
  descarta 5
  fluxo_tcp "$MIB" --tcp-info "$SAIDA/cwnd-0,5.csv"
  descarta 20
  fluxo_tcp "$MIB" --tcp-info "$SAIDA/cwnd-2.csv"
  "$GRAFICO" grafico congestionamento --saida "$SAIDA/partida-lenta.svg" \
    --titulo "Partida lenta e a primeira perda (Reno, $taxa, sem descarte)" \
    "sem descarte=$SAIDA/cwnd-0.csv" >"$trabalho/partida.txt"
  "$GRAFICO" grafico congestionamento --saida "$SAIDA/congestionamento.svg" \
    --titulo "A janela de congestionamento com perda (Reno, $taxa)" \
    "descarte de 0,5 %=$SAIDA/cwnd-0,5.csv" "descarte de 2 %=$SAIDA/cwnd-2.csv" >"$trabalho/cwnd.txt"
  grep -v RESUMO "$trabalho/partida.txt" "$trabalho/cwnd.txt" | cut -d: -f2-
  local linha
  linha=$(grep "RESUMO rotulo=descarte_de_2_%" "$trabalho/cwnd.txt")
  local max min quedas
  max=$(echo "$linha" | grep -oE 'cwnd_max=[0-9.]+' | cut -d= -f2)
  min=$(echo "$linha" | grep -oE 'cwnd_min=[0-9.]+' | cut -d= -f2)
  quedas=$(echo "$linha" | grep -oE 'quedas=[0-9]+' | cut -d= -f2)
  if [ "${quedas:-0}" -lt 1 ] || ! awk -v a="${min:-0}" -v b="${max:-0}" 'BEGIN { exit !(a * 2 <= b) }'; then
    falhou "com 2 % de descarte, a cwnd devia cair pelo menos à metade (máx ${max:-?}, mín ${min:-?})"
  fi

  echo
  echo "Vazão contra a perda (a mediana de $REPETICOES transferências de $MIB MiB de ida e volta em cada taxa):"
  local controles=(reno)
  if [ "$padrao" != reno ] && dentro sysctl -qw net.ipv4.tcp_congestion_control="$padrao" 2>/dev/null; then
    controles+=("$padrao")
  fi
  echo "controle,perda_pct,mib_por_s" >"$SAIDA/vazao.csv"
  for controle in "${controles[@]}"; do
    dentro sysctl -qw net.ipv4.tcp_congestion_control="$controle"
    local linha_vazao="  $controle:"
    for perda in 0 0.5 1 2 5 10; do
      descarta "$(permil "$perda")"
      # Uma transferência só pode dar azar (um tempo esgotado de 200 ms numa
      # de 0,7 s derruba a média): vale a mediana de REPETICOES.
      local medidas=() mibs
      for _ in $(seq "$REPETICOES"); do
        fluxo_tcp "$MIB"
        medidas+=("$(resultado mib_por_segundo)")
      done
      mibs=$(printf '%s\n' "${medidas[@]}" | sed 's/^$/0/' | sort -g \
        | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }')
      echo "$controle,$perda,${mibs:-0}" >>"$SAIDA/vazao.csv"
      linha_vazao+="  $(texto "$perda") % → $(texto "${mibs:-0}") MiB/s"
    done
    echo "$linha_vazao"
  done
  local nomes
  nomes=$(printf '%s e ' "${controles[@]}")
  "$GRAFICO" grafico vazao --saida "$SAIDA/vazao.svg" \
    --titulo "Vazão contra a perda (${nomes% e }, $taxa)" "$SAIDA/vazao.csv" >/dev/null
  dentro tc qdisc del dev lo root
  dentro sysctl -qw net.ipv4.tcp_congestion_control="$padrao"
  descarta 0
  echo
  echo "Gráficos: $SAIDA/partida-lenta.svg, $SAIDA/congestionamento.svg, $SAIDA/vazao.svg"
}

# ---------------------------------------------------------------------------
experimento_fluxo() {
  echo "== 3. Controle de fluxo: o leitor para por $(texto "$PAUSA") s depois do primeiro MiB ($FLUXO_MIB MiB, sem descarte)"
  echo
  descarta 0
  fluxo_tcp "$FLUXO_MIB" --pausa-leitura "$PAUSA" --tcp-info "$SAIDA/fluxo.csv"
  if [ "$(resultado respondidos)" != 1 ]; then
    falhou "a transferência com o leitor parado devia voltar inteira"
    cat "$trabalho/fluxo.err"
  fi
  "$GRAFICO" grafico fluxo --saida "$SAIDA/fluxo.svg" \
    --titulo "Um leitor que para por $(texto "$PAUSA") s: a janela fecha, o envio espera" \
    "$SAIDA/fluxo.csv" >"$trabalho/fluxo-resumo.txt"
  grep -v RESUMO "$trabalho/fluxo-resumo.txt"
  local minimo parado
  minimo=$(grep -oE 'janela_min=[0-9.]+' "$trabalho/fluxo-resumo.txt" | cut -d= -f2)
  parado=$(grep -oE 'parado_ms=[0-9.]+' "$trabalho/fluxo-resumo.txt" | cut -d= -f2)
  if [ "${minimo:-1}" != 0 ]; then
    falhou "com o leitor parado, a janela anunciada devia chegar a zero (mínima: ${minimo:-?})"
  fi
  if ! awk -v p="${parado:-0}" -v s="$PAUSA" 'BEGIN { exit !(p >= s * 500) }'; then
    falhou "com o leitor parado por $PAUSA s, o write devia ficar parado pelo menos metade disso (${parado:-?} ms)"
  fi
}

for e in "${experimentos[@]}"; do
  "experimento_$e" | tee "$SAIDA/$e.txt"
  echo
done
# Cada experimento roda num subshell (por causa do tee), que não muda o `ok`
# daqui: as falhas são contadas pelo que ele escreveu.
for e in "${experimentos[@]}"; do
  if grep -q '^FALHOU' "$SAIDA/$e.txt"; then ok=0; fi
done
if [ -n "$quem" ]; then chown -R "$quem" "$SAIDA"; fi
if [ "${LIVRO:-}" = 1 ] && [ $ok = 1 ]; then
  for e in "${experimentos[@]}"; do
    cp "$SAIDA/$e.txt" "docs/captura/lab-$e.txt"
    case "$e" in
      congestionamento) graficos=(partida-lenta congestionamento vazao) ;;
      *) graficos=("$e") ;;
    esac
    for svg in "${graficos[@]}"; do cp "$SAIDA/$svg.svg" "docs/src/img/lab-$svg.svg"; done
    # As tabelas de onde o texto do livro tira os números que cita (o teste
    # tests/professor/tests/livro_laboratorio.rs confere cada um contra elas).
    case "$e" in
      congestionamento) tabelas=(cwnd-0 cwnd-2 vazao) ;;
      *) tabelas=("$e") ;;
    esac
    for csv in "${tabelas[@]}"; do cp "$SAIDA/$csv.csv" "docs/captura/lab-$csv.csv"; done
  done
  if [ -n "$quem" ]; then chown "$quem" docs/captura/lab-* docs/src/img/lab-*.svg; fi
  echo "livro: saídas e tabelas em docs/captura/lab-*, gráficos em docs/src/img/lab-*.svg"
fi
if [ $ok = 1 ]; then
  echo "Resultado: os ${#experimentos[@]} experimento(s) mostraram o que deviam."
  echo "(levou $SECONDS s, sem contar a compilação)"
  exit 0
fi
exit 1
