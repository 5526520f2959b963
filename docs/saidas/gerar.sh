#!/usr/bin/env bash
# Gera de novo as saídas que o livro mostra (docs/saidas/*.txt), rodando os
# programas de verdade. Uso, na raiz do workspace:
#     cargo build --workspace && bash docs/saidas/gerar.sh
# Portas e tempos, que mudam a cada execução, aparecem como PORTA e N,NN s.
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

echo "saídas geradas em $S:"
ls "$S"/*.txt
