//! O livro cita as notas ao pé da letra. Onde uma página diz que está citando
//! ("as notas dizem", "dizem as notas", "frase das notas", ...), cada trecho
//! entre aspas daquele parágrafo (ou daquela tabela) tem de estar no texto
//! das notas, `docs/notas/notas.md`, igual: só maiúsculas, aspas, `_`, `*` e
//! espaços repetidos não contam.

use std::fs;

use avaliacao::workspace_root;
use professor::livro::pages;

/// O que, num parágrafo, diz que as aspas dele são das notas.
const CITA: &[&str] = &[
    "notas dizem",
    "notas afirmam",
    "notas resumem",
    "notas diz",
    "dizem as notas",
    "frase das notas",
];

/// Minúsculas, sem aspas, `_` e `*`, com um espaço só entre as palavras.
fn normaliza(texto: &str) -> String {
    texto
        .to_lowercase()
        .replace(['"', '_', '*', '`'], "")
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
}

/// Os trechos entre aspas duplas de um texto.
fn entre_aspas(texto: &str) -> Vec<&str> {
    texto.split('"').skip(1).step_by(2).collect()
}

/// As citações das notas numa página: (linha do parágrafo, trecho), das
/// frases que dizem citar.
fn citacoes(pagina: &str) -> Vec<(usize, String)> {
    let mut achadas = Vec::new();
    let mut paragrafo = String::new();
    let mut inicio = 1;
    let mut em_bloco = false;
    let linhas: Vec<&str> = pagina.lines().collect();
    for (n, linha) in linhas.iter().enumerate() {
        if linha.trim_start().starts_with("```") {
            em_bloco = !em_bloco;
            continue;
        }
        let fim = linha.trim().is_empty() || n + 1 == linhas.len();
        if !em_bloco && !linha.trim().is_empty() {
            if paragrafo.is_empty() {
                inicio = n + 1;
            }
            paragrafo.push_str(linha);
            paragrafo.push(' ');
        }
        if fim && !paragrafo.is_empty() {
            // A frase que diz citar (uma tabela não tem ". ": conta inteira).
            for frase in paragrafo.split(". ") {
                let minusculas = frase.to_lowercase();
                if !CITA.iter().any(|c| minusculas.contains(c)) {
                    continue;
                }
                for trecho in entre_aspas(frase) {
                    // Uma palavra só ("confiável") não é uma citação.
                    if trecho.split_whitespace().count() >= 2 {
                        achadas.push((inicio, trecho.to_string()));
                    }
                }
            }
            paragrafo.clear();
        }
    }
    achadas
}

#[test]
fn o_que_o_livro_cita_das_notas_esta_nas_notas() {
    let raiz = workspace_root();
    let notas = normaliza(&fs::read_to_string(raiz.join("docs/notas/notas.md")).expect("notas"));
    let mut problemas = Vec::new();
    let mut vistas = 0;
    for pagina in pages(&raiz) {
        let texto = fs::read_to_string(&pagina).expect("página");
        let nome = pagina
            .strip_prefix(&raiz)
            .unwrap_or(&pagina)
            .display()
            .to_string();
        for (linha, trecho) in citacoes(&texto) {
            vistas += 1;
            if !notas.contains(&normaliza(&trecho)) {
                let problema = format!("{nome}:{linha}: \"{trecho}\" não está nas notas");
                problemas.push(problema);
            }
        }
    }
    assert!(vistas >= 5, "o teste achou só {vistas} citações das notas");
    assert!(problemas.is_empty(), "{}", problemas.join("\n"));
}

#[test]
fn so_conta_o_paragrafo_que_diz_citar() {
    let pagina = "As notas dizem que o UDP \"não é confiável\" e \"inventado aqui\". \
                  Outra frase \"não conta\".\n\nOutro parágrafo \"sem citar nada\" aqui.\n";
    let achadas: Vec<String> = citacoes(pagina).into_iter().map(|(_, t)| t).collect();
    assert_eq!(achadas, ["não é confiável", "inventado aqui"]);
    let notas = normaliza("* Não é confiável\n* Não faz o \"handshake\"");
    assert!(notas.contains(&normaliza("não faz o handshake")));
    assert!(!notas.contains(&normaliza("inventado aqui")));
}
