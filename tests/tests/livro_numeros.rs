//! Os números que o livro cita de uma execução, conferidos contra a fonte
//! deles, para não envelhecerem sem ninguém ver (como o `livro_laboratorio`
//! faz com o laboratório):
//!
//! - quantos crates a primeira compilação compila (Rodando os programas), contra
//!   a saída gravada por `docs/saidas/gerar.sh --primeira-compilacao`;
//! - quantos testes tem o `--test udp` (Exercícios), contra o arquivo;
//! - as linhas das falhas de exemplo (Exercícios), contra o código que falha.

use std::fs;

use avaliacao::workspace_root;

fn le(caminho: &str) -> String {
    fs::read_to_string(workspace_root().join(caminho)).unwrap_or_else(|e| panic!("{caminho}: {e}"))
}

/// O número inteiro logo antes de `depois` no texto (`São 29 crates` com
/// `depois = " crates"` dá 29).
fn numero_antes(texto: &str, depois: &str) -> usize {
    let (antes, _) = texto
        .split_once(depois)
        .unwrap_or_else(|| panic!("o texto não tem '{depois}'"));
    let digitos: String = antes
        .chars()
        .rev()
        .take_while(char::is_ascii_digit)
        .collect::<Vec<_>>()
        .into_iter()
        .rev()
        .collect();
    digitos
        .parse()
        .unwrap_or_else(|_| panic!("sem número antes de '{depois}'"))
}

#[test]
fn os_crates_da_primeira_compilacao_sao_os_da_saida_gravada() {
    let pagina = le("docs/src/introducao-rodando.md");
    let saida = le("docs/saidas/primeira_compilacao.txt");
    let compilados = saida
        .lines()
        .filter(|l| l.trim_start().starts_with("Compiling "))
        .count();
    assert_eq!(
        numero_antes(&pagina, " crates:"),
        compilados,
        "Rodando os programas diz 'São N crates', mas a saída gravada compila {compilados}"
    );
    // Os diretos: o que o texto nomeia tem de estar na saída.
    for direto in ["clap", "socket2", "ctrlc", "common", "udp-echo"] {
        assert!(
            saida.contains(&format!("Compiling {direto} ")),
            "a saída gravada não compila {direto}"
        );
    }
}

#[test]
fn os_testes_do_udp_sao_os_que_o_livro_conta() {
    let pagina = le("docs/src/exercicios.md");
    let testes = le("tests/tests/udp.rs").matches("#[test]").count();
    assert_eq!(
        numero_antes(&pagina, " testes de `cargo test -p avaliacao --test udp`"),
        testes,
        "Exercícios conta os testes do --test udp errado"
    );
}

/// A linha e a coluna (`arquivo:L:C`) de cada `panicked at arquivo:L:C` da
/// falha de exemplo.
fn lugar(pagina: &str, arquivo: &str) -> (usize, usize) {
    let marca = format!("panicked at {arquivo}:");
    let (_, resto) = pagina
        .split_once(&marca)
        .unwrap_or_else(|| panic!("a falha de exemplo não cita {arquivo}"));
    let mut partes = resto.split(':');
    let linha = partes.next().and_then(|n| n.parse().ok()).expect("linha");
    let coluna = partes.next().and_then(|n| n.parse().ok()).expect("coluna");
    (linha, coluna)
}

#[test]
fn a_falha_de_exemplo_aponta_para_as_linhas_de_agora() {
    let pagina = le("docs/src/exercicios.md");

    // O teste desiste na chamada que mandou o `hello world` (os ajudantes
    // do tests/src/lib.rs são `#[track_caller]`: o lugar é o do teste).
    let teste = le("tests/tests/exercicio_01.rs");
    let (n, linha) = teste
        .lines()
        .enumerate()
        .find(|(_, l)| l.contains("assert_udp_reply(&server, b\"hello world\""))
        .expect("o assert_udp_reply do responde_em_maiusculas");
    let coluna = linha.find("assert_udp_reply").expect("assert_udp_reply") + 1;
    assert_eq!(
        lugar(&pagina, "tests/tests/exercicio_01.rs"),
        (n + 1, coluna)
    );
    // E a mensagem é a que o ajudante escreve quando o servidor para.
    let lib = le("tests/src/lib.rs");
    let mensagem = "o servidor parou (entrou em pânico? devolveu um erro?) antes de mandar";
    assert!(
        lib.contains(mensagem),
        "a mensagem mudou em tests/src/lib.rs"
    );
    assert!(
        pagina.contains(&format!(
            "{mensagem} a resposta ao datagrama de 11 bytes \"hello world\""
        )),
        "a falha de exemplo não tem a mensagem de hoje"
    );

    // O servidor do kit para no todo! que o kit põe logo depois da marca de
    // início do exercício 1, com o recuo dela.
    let servidor = le("udp-echo/src/server.rs");
    let (n, marca) = servidor
        .lines()
        .enumerate()
        .find(|(_, l)| l.contains("// EXERCÍCIO 1: INÍCIO"))
        .expect("a marca do exercício 1");
    let coluna = marca.len() - marca.trim_start().len() + 1;
    assert_eq!(lugar(&pagina, "udp-echo/src/server.rs"), (n + 2, coluna));
}
