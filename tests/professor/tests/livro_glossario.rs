//! Um termo para cada ideia: o glossário (`docs/src/glossario.md`) promete
//! que o livro usa sempre a mesma palavra para a mesma coisa. Este teste
//! procura os sinônimos recusados no livro (`docs/src`) e no que os programas
//! escrevem (as saídas gravadas em `docs/saidas` e `docs/captura`, os
//! snapshots dos testes e os textos entre aspas do código de `common`,
//! `udp-echo` e `tcp-echo`).

use std::fs;
use std::path::{Path, PathBuf};

use avaliacao::workspace_root;
use professor::livro::pages;

/// O sinônimo recusado → o termo do glossário. O recusado é procurado como
/// palavras inteiras, sem diferença de maiúsculas.
const RECUSADOS: &[(&str, &str)] = &[
    ("a caminho", "em voo"),
    ("registro", "log"),
    ("registros", "log"),
    ("o sistema", "o kernel"),
    ("ao sistema", "ao kernel"),
    ("do sistema", "do kernel"),
    ("pelo sistema", "pelo kernel"),
    ("no sistema", "no kernel"),
];

/// Depois do recusado, o que faz dele outra ideia: "o sistema operacional" é
/// o sistema inteiro, não o kernel.
const LIBERA_SE_SEGUIDO_DE: &[&str] = &[" operacional"];

fn e_letra(c: char) -> bool {
    c.is_alphanumeric() || c == '_'
}

/// As ocorrências de `recusado` em `texto`, como (linha, texto da linha).
fn achados(texto: &str, recusado: &str) -> Vec<(usize, String)> {
    let mut linhas = Vec::new();
    let todas: Vec<&str> = texto.lines().collect();
    for (n, linha) in todas.iter().enumerate() {
        // A linha e o começo da seguinte: "sistema\noperacional", quebrado
        // pela ajuda ou pelo parágrafo, ainda é o sistema operacional.
        let seguinte = todas.get(n + 1).map_or("", |l| l.trim_start());
        let minusculas = format!("{linha} {seguinte}").to_lowercase();
        let tamanho = linha.to_lowercase().len();
        let achou = minusculas.match_indices(recusado).any(|(i, _)| {
            if i >= tamanho {
                return false; // é da linha seguinte: a vez dela chega
            }
            let antes = minusculas[..i].chars().next_back();
            let resto = &minusculas[i + recusado.len()..];
            !antes.is_some_and(e_letra)
                && !resto.chars().next().is_some_and(e_letra)
                && !LIBERA_SE_SEGUIDO_DE.iter().any(|d| resto.starts_with(d))
        });
        if achou {
            linhas.push((n + 1, linha.trim().to_string()));
        }
    }
    linhas
}

/// Os textos entre aspas das linhas de código (sem os comentários) de um
/// arquivo Rust, linha por linha (as outras linhas ficam vazias, para os
/// números baterem).
fn textos_do_codigo(codigo: &str) -> String {
    codigo
        .lines()
        .map(|linha| {
            if linha.trim_start().starts_with("//") || !linha.contains('"') {
                return String::new();
            }
            // Uma linha que continua um texto (`\` no fim da anterior) não
            // começa com aspas; pegar a linha inteira é o bastante aqui.
            linha.to_string()
        })
        .collect::<Vec<_>>()
        .join("\n")
}

fn arquivos(pasta: &Path, extensao: &str) -> Vec<PathBuf> {
    let mut achados = Vec::new();
    for entrada in fs::read_dir(pasta).into_iter().flatten().flatten() {
        let caminho = entrada.path();
        if caminho.is_dir() {
            achados.extend(arquivos(&caminho, extensao));
        } else if caminho.extension().is_some_and(|e| e == extensao) {
            achados.push(caminho);
        }
    }
    achados.sort();
    achados
}

#[test]
fn nenhum_sinonimo_recusado_no_livro_nem_na_saida_dos_programas() {
    let raiz = workspace_root();
    let mut fontes: Vec<(PathBuf, String)> = Vec::new();
    for pagina in pages(&raiz) {
        let texto = fs::read_to_string(&pagina).expect("página");
        fontes.push((pagina, texto));
    }
    for pasta in ["docs/saidas", "docs/captura"] {
        for arquivo in arquivos(&raiz.join(pasta), "txt") {
            let texto = fs::read_to_string(&arquivo).expect("saída gravada");
            fontes.push((arquivo, texto));
        }
    }
    for arquivo in arquivos(&raiz.join("tests/tests/snapshots"), "snap") {
        let texto = fs::read_to_string(&arquivo).expect("snapshot");
        fontes.push((arquivo, texto));
    }
    for pasta in ["common/src", "udp-echo/src", "tcp-echo/src"] {
        for arquivo in arquivos(&raiz.join(pasta), "rs") {
            let texto = textos_do_codigo(&fs::read_to_string(&arquivo).expect("código"));
            fontes.push((arquivo, texto));
        }
    }
    assert!(
        fontes.len() > 60,
        "o teste leu só {} arquivos",
        fontes.len()
    );
    let mut problemas = Vec::new();
    for (arquivo, texto) in &fontes {
        let nome = arquivo
            .strip_prefix(&raiz)
            .unwrap_or(arquivo)
            .display()
            .to_string();
        for (recusado, termo) in RECUSADOS {
            for (linha, trecho) in achados(texto, recusado) {
                let problema =
                    format!("{nome}:{linha}: \"{recusado}\" (use \"{termo}\"): {trecho}");
                problemas.push(problema);
            }
        }
    }
    assert!(
        problemas.is_empty(),
        "sinônimos que o glossário recusa:\n{}",
        problemas.join("\n")
    );
}

#[test]
fn o_glossario_define_cada_termo_escolhido() {
    let glossario =
        fs::read_to_string(workspace_root().join("docs/src/glossario.md")).expect("glossário");
    for termo in ["**em voo**", "**o log**", "**o kernel**"] {
        assert!(glossario.contains(termo), "o glossário não define {termo}");
    }
}

#[test]
fn a_busca_acha_palavras_inteiras_e_respeita_o_sistema_operacional() {
    let texto = "o sistema escolhe\nO Sistema\no sistema operacional\nsistemas\n\
                 caminho a caminhos\ncomo o sistema\n  operacional\nos bytes a\ncaminho";
    assert_eq!(
        achados(texto, "o sistema")
            .into_iter()
            .map(|(n, _)| n)
            .collect::<Vec<_>>(),
        [1, 2]
    );
    let caminho: Vec<usize> = achados(texto, "a caminho")
        .into_iter()
        .map(|(n, _)| n)
        .collect();
    assert_eq!(caminho, [8], "só o que a quebra de linha separa");
}
