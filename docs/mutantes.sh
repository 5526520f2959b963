#!/usr/bin/env bash
# Os testes de cada exercício pegam os erros? A tabela de
# docs/src/professor.md ("Os testes pegam os erros?") diz, para cada
# exercício, o arquivo, a função, quantos mutantes o cargo-mutants faz nela e
# quantos o teste do exercício pega. Este script usa a própria tabela.
#
#   bash docs/mutantes.sh             roda o cargo-mutants em cada exercício,
#                                     um de cada vez (uns 25 min em 2 núcleos),
#                                     e mostra as linhas da tabela medidas
#   bash docs/mutantes.sh 7 8         só os exercícios 7 e 8
#   bash docs/mutantes.sh --conferir  só confere, em segundos, que o número de
#                                     mutantes de cada linha é o que o
#                                     cargo-mutants faz hoje (a CI roda este:
#                                     mudou a função, a tabela ficou velha)
#
# Precisa do cargo-mutants: cargo install --locked cargo-mutants@27.1.0
set -euo pipefail
cd "$(dirname "$0")/.."

pagina=docs/src/professor.md
# A versão com que a tabela foi medida: outra versão pode fazer outras
# mutações, e a contagem muda sem que o código tenha mudado.
VERSAO=27.1.0
if ! command -v cargo-mutants >/dev/null 2>&1; then
  echo "mutantes: falta o cargo-mutants (cargo install --locked cargo-mutants@$VERSAO)" >&2
  exit 2
fi

conferir=0
escolhidos=()
for arg in "$@"; do
  case "$arg" in
    --conferir) conferir=1 ;;
    [0-9]*) escolhidos+=("$arg") ;;
    *) echo "mutantes: não entendi '$arg' (use --conferir ou números de exercício)" >&2; exit 1 ;;
  esac
done

instalada=$(cargo mutants --version 2>/dev/null | awk '{print $2}')
if [ "$instalada" != "$VERSAO" ]; then
  echo "mutantes: a tabela foi medida com o cargo-mutants $VERSAO, e este é o ${instalada:-?}:" \
    "as contagens podem mudar só por isso (cargo install --locked cargo-mutants@$VERSAO)" >&2
  if [ "$conferir" = 1 ]; then exit 2; fi
fi

# As linhas da tabela: | 7 | `tcp-echo/src/bench/ping.rs` | `Params::run` | 12 | 12 |
linhas=$(grep -E '^\| [0-9]+ \| `[^`]+` \| `[^`]+` \| [0-9]+ \| [0-9]+ \|$' "$pagina" | tr -d '`|' || true)
[ -n "$linhas" ] || { echo "mutantes: a tabela de $pagina não foi encontrada" >&2; exit 1; }

erros=0
total=0
total_pegos=0
while read -r numero arquivo funcao mutantes pegos; do
  if [ ${#escolhidos[@]} -gt 0 ] && [[ ! " ${escolhidos[*]} " == *" $numero "* ]]; then
    continue
  fi
  # As mudanças dentro da função: o cargo-mutants as chama de
  # "replace FUNÇÃO -> ..." e "replace X with Y in FUNÇÃO".
  filtro=(-f "$arquivo" -F "replace $funcao " -F " in $funcao\$")
  hoje=$(cargo mutants "${filtro[@]}" --list 2>/dev/null | wc -l)
  if [ "$conferir" = 1 ]; then
    if [ "$hoje" != "$mutantes" ]; then
      echo "exercício $numero: a tabela diz $mutantes mutantes em $funcao ($arquivo); o cargo-mutants faz $hoje hoje"
      erros=$((erros + 1))
    fi
    total=$((total + mutantes)); total_pegos=$((total_pegos + pegos))
    continue
  fi
  teste=$(printf 'exercicio_%02d' "$numero")
  saida=target/mutantes/$teste
  mkdir -p "$saida"
  echo "== exercício $numero: $hoje mutantes em $funcao, contra o teste $teste" >&2
  # O cargo-mutants 27 roda a rodada sem mutação (baseline) só com os testes
  # do pacote mudado, onde o teste do exercício não está; por isso a rodada
  # sem mutação é feita aqui, e lá é pulada (--baseline skip, com -t fixo).
  if ! cargo test -q -p avaliacao --test "$teste" >"$saida.log" 2>&1; then
    echo "o teste $teste falha sem nenhuma mutação (veja $saida.log): nada a medir" >&2
    exit 1
  fi
  cargo mutants "${filtro[@]}" \
    --test-package avaliacao --baseline skip --test-tool cargo --copy-target true -t 90 -j 1 \
    -o "$saida" -- --test "$teste" >&2 || true
  # Pegos: os que o teste reprovou (caught) ou fez passar do tempo (timeout).
  pegos_hoje=$(cat "$saida/mutants.out/caught.txt" "$saida/mutants.out/timeout.txt" 2>/dev/null | grep -c . || true)
  sobreviventes=$(grep -c . "$saida/mutants.out/missed.txt" 2>/dev/null || true)
  echo "| $numero | \`$arquivo\` | \`$funcao\` | $hoje | $pegos_hoje |"
  if [ "${sobreviventes:-0}" -gt 0 ]; then
    sed 's/^/    sobreviveu: /' "$saida/mutants.out/missed.txt" >&2
  fi
done <<<"$linhas"

if [ "$conferir" = 1 ]; then
  linha_total=$(grep -E '^\| \| \| \*\*total\*\* \|' "$pagina" || true)
  if [[ "$linha_total" != *"**$total**"* ]]; then
    echo "a linha do total ('$linha_total') não soma $total mutantes"
    erros=$((erros + 1))
  fi
  if [[ "$linha_total" != *"**$total_pegos ("* ]]; then
    echo "a linha do total ('$linha_total') não soma $total_pegos pegos"
    erros=$((erros + 1))
  fi
  if [ "$erros" -gt 0 ]; then
    echo "a tabela de $pagina está velha: rode bash docs/mutantes.sh NÚMERO e atualize-a"
    exit 1
  fi
  echo "mutantes: a tabela de $pagina tem o número de mutantes de hoje ($total)"
fi
