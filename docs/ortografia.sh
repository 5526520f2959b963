#!/usr/bin/env bash
# Verifica a ortografia (pt_BR) do texto do livro: docs/src/**/*.md.
#
# Uso (de qualquer pasta):
#     bash docs/ortografia.sh            # todos os capítulos
#     bash docs/ortografia.sh arquivo.md # só os arquivos dados
#
# Precisa de hunspell e do dicionário pt_BR (Debian/Ubuntu:
# apt-get install -y hunspell hunspell-pt-br); este script não instala nada.
# Ignora blocos de código, código inline, diretivas {{#...}}, endereços
# (URLs), destinos de links e tags HTML. Palavras do projeto (termos de
# código, palavras técnicas em inglês) ficam em docs/palavras.txt, uma por
# linha. Mostra cada palavra desconhecida com o arquivo e as linhas, e sai
# com código 1 se houver alguma.

set -euo pipefail
export LC_ALL=C.UTF-8

DOCS=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
WORDS="$DOCS/palavras.txt"

if ! command -v hunspell >/dev/null 2>&1; then
    echo "ortografia.sh: hunspell não encontrado (apt-get install -y hunspell hunspell-pt-br)" >&2
    exit 2
fi
if ! hunspell -d pt_BR -l </dev/null >/dev/null 2>&1; then
    echo "ortografia.sh: dicionário pt_BR não encontrado (apt-get install -y hunspell-pt-br)" >&2
    exit 2
fi

if [[ $# -gt 0 ]]; then
    files=("$@")
else
    mapfile -t files < <(find "$DOCS/src" -name '*.md' | sort)
fi

# Tira do Markdown tudo o que não é prosa, mantendo a numeração das linhas.
prose() {
    perl -CSD -0777 -ne '
        my ($fence, @out) = (0);
        for my $line (split /\n/, $_, -1) {
            if ($line =~ /^\s*(```|~~~)/) { $fence = !$fence; push @out, ""; next; }
            push @out, $fence ? "" : $line;
        }
        my $text = join "\n", @out;
        # Troca um trecho por nada, mas mantém as quebras de linha dele.
        my $blank = sub { my $n = () = $_[0] =~ /\n/g; "\n" x $n };
        $text =~ s/\{\{#.*?\}\}/$blank->($&)/gse;     # diretivas do mdBook
        $text =~ s/``.*?``/$blank->($&)/gse;           # código inline (``...``)
        $text =~ s/`[^`]*`/$blank->($&)/gse;           # código inline (`...`)
        $text =~ s/\]\([^)]*\)/"]" . $blank->($&)/gse;  # destino de links e imagens
        $text =~ s/^[ \t]*\[[^\]]+\]:[ \t]*\S+.*$//gm; # definições de links
        $text =~ s{<https?://[^>]*>}{}g;               # <https://...>
        $text =~ s{https?://\S+}{}g;                   # URLs soltas
        $text =~ s/<[^>]*>/$blank->($&)/gse;           # tags HTML
        $text =~ s/&[a-z]+;/ /g;                       # entidades HTML
        print $text;
    ' "$1"
}

tmp=$(mktemp)
trap 'rm -f "$tmp"' EXIT
found=0
for file in "${files[@]}"; do
    prose "$file" >"$tmp"
    mapfile -t bad < <(hunspell -d pt_BR -p "$WORDS" -i UTF-8 -l <"$tmp" | sort -u)
    for word in "${bad[@]}"; do
        [[ -n "$word" ]] || continue
        lines=$(grep -nwF -- "$word" "$tmp" | cut -d: -f1 | paste -sd, - || true)
        if [[ -z "$lines" ]]; then
            lines=$(grep -nF -- "$word" "$tmp" | cut -d: -f1 | paste -sd, - || true)
        fi
        echo "${file#"$DOCS"/}:${lines:-?}: $word"
        found=1
    done
done

if [[ $found -ne 0 ]]; then
    echo "Palavras desconhecidas acima: corrija, ou, se estiverem certas (termo" >&2
    echo "técnico, nome de função), acrescente-as a docs/palavras.txt." >&2
    exit 1
fi
echo "ortografia: nenhuma palavra desconhecida em ${#files[@]} arquivo(s)."
