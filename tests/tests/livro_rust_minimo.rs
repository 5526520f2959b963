//! "Rust mínimo" (`docs/src/rust-minimo.md`) promete explicar todo o Rust
//! dos quatro programas e dos exemplos. Este teste confere a promessa: lê o
//! código (`udp-echo/src/{server,client}.rs`, `tcp-echo/src/{server,client}.rs`
//! e todo arquivo em `udp-echo/examples` e `tcp-echo/examples`, onde ficam os
//! programas das notas e os passos) e falha quando ele usa algo que a página
//! não explica:
//!
//! - cada construção da tabela [`SINTAXE`] (um trecho de código → a palavra
//!   que a página tem de ter);
//! - cada método (`.nome(`), macro (`nome!`), função de um tipo (`Tipo::nome`)
//!   e nome trazido da biblioteca padrão por `use std::...`, que tem de
//!   aparecer na página entre crases, a não ser que seja uma função do
//!   próprio projeto (explicada no capítulo dela) ou da API de sockets (tabela
//!   [`SOCKETS`], explicada nos capítulos do UDP e do TCP).

use std::collections::BTreeSet;
use std::fs;
use std::path::{Path, PathBuf};

use avaliacao::workspace_root;

/// Construções de sintaxe: o trecho no código (depois de tirar os
/// comentários) → o que a página tem de ter entre crases.
const SINTAXE: &[(&str, &str)] = &[
    ("|&", "|&b|"),
    ("Box<dyn", "Box<dyn std::error::Error>"),
    ("Ok(())", "Ok(())"),
    ("impl ", "impl"),
    ("'static", "'static"),
    ("move |", "move"),
    ("const ", "const"),
    ("mod ", "mod"),
    ("if let ", "if let"),
    ("let _ =", "let _ ="),
    (" as u", "as u64"),
    ("..=", "1..=config.attempts"),
    ("Some(1..)", "Some(1..)"),
    ("#[derive(", "#[derive(Debug)]"),
    ("#[cfg(test)]", "#[cfg(test)]"),
    ("&mut ", "&mut"),
    ("return ", "return"),
    ("struct ", "struct"),
    ("matches!(", "matches!"),
    ("b'", "b'\\n'"),
    ("b\"", "b\"OI\""),
    ("loop {", "loop"),
    ("while ", "while"),
    ("for ", "for"),
    ("+=", "+="),
    ("[u8]", "&[u8]"),
    ("_ =>", "_ =>"),
    ("dyn ", "dyn"),
    ("pub ", "pub"),
    ("else {", "else"),
];

/// As construções que não são um trecho fixo: (o código a tem?, o que a
/// página tem de ter).
fn construcoes(codigo: &str) -> [(bool, &'static str); 4] {
    // Uma linha de texto que continua na seguinte: termina em `\`.
    let continua = codigo.lines().any(|l| l.trim_end().ends_with('\\'));
    // `mut nome: &Tipo`, um parâmetro que é uma referência mutável de lugar.
    let mut_ref = codigo.match_indices("mut ").any(|(i, _)| {
        let resto = &codigo[i + 4..];
        let nome: String = resto.chars().take_while(|c| e_ident(*c)).collect();
        !nome.is_empty() && resto[nome.len()..].starts_with(": &")
    });
    // O mesmo `let nome` duas vezes no arquivo: sombreamento.
    let mut lets = BTreeSet::new();
    let mut sombra = false;
    for pedaco in codigo.split("let ").skip(1) {
        let pedaco = pedaco.strip_prefix("mut ").unwrap_or(pedaco);
        let nome: String = pedaco.chars().take_while(|c| e_ident(*c)).collect();
        if !nome.is_empty() && nome != "_" && !lets.insert(nome) {
            sombra = true;
        }
    }
    // Um nome que começa com `_` (e não é só `_`).
    let sublinhado = codigo.match_indices('_').any(|(i, _)| {
        let antes = codigo[..i].chars().next_back();
        let depois = codigo[i + 1..].chars().next();
        !antes.is_some_and(e_ident)
            && depois.is_some_and(|c| c.is_ascii_lowercase())
            && !codigo[..i].ends_with('.')
    });
    [
        (continua, "`\\`"),
        (mut_ref, "`fn receive(mut stream: &TcpStream, ...)`"),
        (sombra, "sombreamento"),
        (sublinhado, "`_nome`"),
    ]
}

/// A API de sockets e de entrada e saída, explicada nos capítulos (não é
/// "Rust", é o que as notas já fazem com outro nome).
const SOCKETS: &[&str] = &[
    "accept",
    "bind",
    "connect",
    "recv_from",
    "send_to",
    "local_addr",
    "shutdown",
    "try_clone",
    "set_read_timeout",
    "set_write_timeout",
];

/// Os arquivos que a página cobre.
fn arquivos(raiz: &Path) -> Vec<PathBuf> {
    let mut todos: Vec<PathBuf> = [
        "udp-echo/src/server.rs",
        "udp-echo/src/client.rs",
        "tcp-echo/src/server.rs",
        "tcp-echo/src/client.rs",
    ]
    .iter()
    .map(|f| raiz.join(f))
    .collect();
    for pasta in ["udp-echo/examples", "tcp-echo/examples"] {
        let mut exemplos: Vec<PathBuf> = fs::read_dir(raiz.join(pasta))
            .map(|d| d.flatten().map(|e| e.path()).collect())
            .unwrap_or_default();
        exemplos.retain(|p| p.extension().is_some_and(|e| e == "rs"));
        exemplos.sort();
        todos.extend(exemplos);
    }
    todos
}

/// O código sem os comentários de linha (`//`, `///`, `//!`).
fn sem_comentarios(codigo: &str) -> String {
    codigo
        .lines()
        .map(|linha| {
            let aparada = linha.trim_start();
            if aparada.starts_with("//") {
                ""
            } else {
                // Um `//` depois do código, fora de uma string.
                match linha.find(" // ") {
                    Some(i) if linha[..i].matches('"').count() % 2 == 0 => &linha[..i],
                    _ => linha,
                }
            }
        })
        .collect::<Vec<_>>()
        .join("\n")
}

fn e_ident(c: char) -> bool {
    c.is_ascii_alphanumeric() || c == '_'
}

/// Os métodos (`.nome(`), as macros (`nome!(`) e as funções de tipos
/// (`Tipo::nome`) usados no código.
fn nomes_usados(codigo: &str) -> BTreeSet<String> {
    let mut nomes = BTreeSet::new();
    let bytes: Vec<char> = codigo.chars().collect();
    let ident_em =
        |i: usize| -> String { bytes[i..].iter().take_while(|c| e_ident(**c)).collect() };
    for i in 0..bytes.len() {
        let c = bytes[i];
        // .nome( ou .nome::<
        if c == '.' && i + 1 < bytes.len() && bytes[i + 1].is_ascii_lowercase() {
            let nome = ident_em(i + 1);
            let depois = bytes.get(i + 1 + nome.len()).copied();
            if depois == Some('(') || depois == Some(':') {
                nomes.insert(nome);
            }
        }
        // nome!( nome![ nome!{
        if c == '!'
            && i > 0
            && e_ident(bytes[i - 1])
            && matches!(bytes.get(i + 1), Some('(' | '[' | '{'))
        {
            let inicio = (0..i)
                .rev()
                .take_while(|j| e_ident(bytes[*j]))
                .last()
                .unwrap_or(i);
            nomes.insert(format!("{}!", bytes[inicio..i].iter().collect::<String>()));
        }
        // Tipo::nome (uma função associada: Vec::with_capacity)
        if c.is_ascii_uppercase() && (i == 0 || !e_ident(bytes[i - 1])) {
            let tipo = ident_em(i);
            let resto = i + tipo.len();
            if bytes.get(resto) == Some(&':') && bytes.get(resto + 1) == Some(&':') {
                let nome = ident_em(resto + 2);
                if nome.starts_with(|c: char| c.is_ascii_lowercase()) {
                    nomes.insert(format!("{tipo}::{nome}"));
                }
            }
        }
    }
    nomes
}

/// Os nomes que um `use std::...;` traz (`use std::io::{self, Read}` traz
/// `io` e `Read`).
fn nomes_da_std(codigo: &str) -> BTreeSet<String> {
    let mut nomes = BTreeSet::new();
    for instrucao in codigo.split(';') {
        let Some(caminho) = instrucao.trim().strip_prefix("use std::") else {
            continue;
        };
        let partes = caminho.replace(['{', '}', '\n'], ",");
        for parte in partes.split(',') {
            let ultimo = parte.trim().rsplit("::").next().unwrap_or("").trim();
            let ultimo = ultimo.split(" as ").next().unwrap_or(ultimo).trim();
            if ultimo == "self" {
                // `io::{self, ...}`: o próprio módulo.
                let modulo = caminho.split("::").next().unwrap_or("");
                nomes.insert(modulo.trim().to_string());
            } else if !ultimo.is_empty() && ultimo != "*" {
                nomes.insert(ultimo.to_string());
            }
        }
    }
    nomes
}

/// As funções (`fn nome`), macros (`nome!`) e tipos (`struct Nome`,
/// `enum Nome`) que o próprio projeto define, em `common`, `udp-echo` e
/// `tcp-echo`: explicados no capítulo de cada um. (Um método da biblioteca
/// padrão com o mesmo nome de uma função do projeto passa sem conferência.)
fn funcoes_do_projeto(raiz: &Path) -> BTreeSet<String> {
    fn junta(pasta: &Path, nomes: &mut BTreeSet<String>) {
        for entrada in fs::read_dir(pasta).into_iter().flatten().flatten() {
            let caminho = entrada.path();
            if caminho.is_dir() {
                junta(&caminho, nomes);
            } else if caminho.extension().is_some_and(|e| e == "rs") {
                let codigo = fs::read_to_string(&caminho).unwrap_or_default();
                for pedaco in codigo.split("fn ").skip(1) {
                    let nome: String = pedaco.chars().take_while(|c| e_ident(*c)).collect();
                    nomes.insert(nome);
                }
                for pedaco in codigo.split("macro_rules! ").skip(1) {
                    let nome: String = pedaco.chars().take_while(|c| e_ident(*c)).collect();
                    nomes.insert(format!("{nome}!"));
                }
                for tipo in ["struct ", "enum "] {
                    for pedaco in codigo.split(tipo).skip(1) {
                        let nome: String = pedaco.chars().take_while(|c| e_ident(*c)).collect();
                        nomes.insert(format!("tipo {nome}"));
                    }
                }
            }
        }
    }
    let mut nomes = BTreeSet::new();
    for pasta in ["common/src", "udp-echo/src", "tcp-echo/src"] {
        junta(&raiz.join(pasta), &mut nomes);
    }
    nomes
}

/// Os trechos entre crases da página.
fn entre_crases(pagina: &str) -> Vec<String> {
    let mut trechos = Vec::new();
    for linha in pagina.lines() {
        let mut partes = linha.split('`');
        partes.next();
        while let (Some(trecho), Some(_)) = (partes.next(), partes.next()) {
            trechos.push(trecho.to_string());
        }
    }
    trechos
}

/// A página explica `nome` se algum trecho entre crases o tem como palavra
/// inteira (`fetch_add` não conta para `fetch_add_all`).
fn explica(trechos: &[String], nome: &str) -> bool {
    trechos.iter().any(|t| {
        t.match_indices(nome).any(|(i, _)| {
            let antes = t[..i].chars().next_back();
            let depois = t[i + nome.len()..].chars().next();
            !antes.is_some_and(e_ident) && !depois.is_some_and(e_ident)
        })
    })
}

#[test]
fn rust_minimo_explica_cada_construcao_dos_programas_e_dos_exemplos() {
    let raiz = workspace_root();
    let pagina = fs::read_to_string(raiz.join("docs/src/rust-minimo.md")).expect("rust-minimo.md");
    let trechos = entre_crases(&pagina);
    let do_projeto = funcoes_do_projeto(&raiz);
    let mut faltam = std::collections::BTreeMap::new();
    let mut vistos = 0;
    for arquivo in arquivos(&raiz) {
        let codigo = sem_comentarios(&fs::read_to_string(&arquivo).expect("arquivo do código"));
        let onde = arquivo
            .strip_prefix(&raiz)
            .unwrap_or(&arquivo)
            .display()
            .to_string();
        for (trecho, palavra) in SINTAXE {
            if codigo.contains(trecho) {
                vistos += 1;
                if !trechos.iter().any(|t| t.contains(palavra)) {
                    faltam.entry(palavra.to_string()).or_insert(onde.clone());
                }
            }
        }
        for (achou, palavra) in construcoes(&codigo) {
            vistos += 1;
            if achou && !pagina.contains(palavra) {
                faltam.entry(palavra.to_string()).or_insert(onde.clone());
            }
        }
        let nomes = nomes_usados(&codigo)
            .into_iter()
            .chain(nomes_da_std(&codigo));
        for nome in nomes {
            vistos += 1;
            let explicado = match nome.split_once("::") {
                // Tipo::funcao: do projeto, ou o tipo ou a função explicados.
                Some((tipo, funcao)) => {
                    do_projeto.contains(&format!("tipo {tipo}"))
                        || explica(&trechos, &nome)
                        || explica(&trechos, tipo)
                        || SOCKETS.contains(&funcao)
                }
                None => {
                    do_projeto.contains(&nome)
                        || SOCKETS.contains(&nome.as_str())
                        || explica(&trechos, &nome)
                }
            };
            if !explicado {
                faltam.entry(nome).or_insert(onde.clone());
            }
        }
    }
    assert!(vistos > 100, "o teste viu só {vistos} construções");
    assert!(
        faltam.is_empty(),
        "Rust mínimo (docs/src/rust-minimo.md) não explica:\n{}",
        faltam
            .into_iter()
            .map(|(nome, onde)| format!("`{nome}` (em {onde})"))
            .collect::<Vec<_>>()
            .join("\n")
    );
}

#[test]
fn a_leitura_do_codigo_acha_metodos_macros_funcoes_e_uses() {
    let codigo = "use std::io::{self, Read};\nuse std::time::Instant;\n\
                  let v = Vec::with_capacity(8); // Vec::nao_conta\n\
                  println!(\"{}\", x.len()); if a != b { v.iter().is_some_and(|&b| b) }";
    let limpo = sem_comentarios(codigo);
    let nomes: Vec<String> = nomes_usados(&limpo).into_iter().collect();
    assert_eq!(
        nomes,
        [
            "Vec::with_capacity",
            "is_some_and",
            "iter",
            "len",
            "println!"
        ]
    );
    let std: Vec<String> = nomes_da_std(&limpo).into_iter().collect();
    assert_eq!(std, ["Instant", "Read", "io"]);
    let todas = "let a = 1;\nlet a = 2;\nfn f(mut s: &T, _x: u8) {}\nlet t = \"a \\\n b\";";
    assert!(
        construcoes(todas).iter().all(|(achou, _)| *achou),
        "{todas}"
    );
    let nenhuma = "let a = 1;\nmatch x { _ => y.z_w() }";
    assert!(
        construcoes(nenhuma).iter().all(|(achou, _)| !*achou),
        "{nenhuma}"
    );
}
