//! O livro (`docs/`) mostra o código real: veja `avaliacao::livro`.

// Usa o programa do professor (kit, correção, livro): só com ele.
#![cfg(feature = "professor")]

use std::fs;

use avaliacao::livro::{check_book, check_page, pages};
use avaliacao::workspace_root;

#[test]
fn cada_include_do_livro_aponta_para_codigo_que_existe() {
    assert!(
        !pages(&workspace_root()).is_empty(),
        "o livro (docs/src) não tem páginas"
    );
    let problems = check_book(&workspace_root());
    assert!(
        problems.is_empty(),
        "problemas no livro:\n{}",
        problems.join("\n")
    );
}

#[test]
fn o_livro_inclui_os_servidores_e_clientes() {
    let all: String = pages(&workspace_root())
        .iter()
        .map(|p| fs::read_to_string(p).unwrap())
        .collect();
    for file in [
        "udp-echo/src/server.rs",
        "udp-echo/src/client.rs",
        "tcp-echo/src/server.rs",
        "tcp-echo/src/client.rs",
    ] {
        assert!(all.contains(file), "o livro não inclui {file}");
    }
}

// A verificação precisa pegar os erros que o mdBook deixa passar em silêncio.
#[test]
fn a_verificacao_pega_ancora_errada_arquivo_errado_e_codigo_colado() {
    // Uma página de mentira, dois níveis abaixo da raiz, como docs/src/*.md.
    let page = workspace_root().join("tests/tests/exemplo.md");
    let good = "```rust,ignore\n{{#include ../../udp-echo/src/server.rs:serve}}\n```\n";
    assert!(
        check_page(&page, good).is_empty(),
        "{:?}",
        check_page(&page, good)
    );

    let typo = "```rust,ignore\n{{#include ../../udp-echo/src/server.rs:serv}}\n```\n";
    let problems = check_page(&page, typo);
    assert!(
        problems[0].contains("âncora 'serv' não existe"),
        "{problems:?}"
    );

    let missing = "{{#include ../../udp-echo/src/servidor.rs}}";
    assert!(check_page(&page, missing)[0].contains("não existe"));

    let empty_range = "{{#include ../../udp-echo/src/server.rs:5000:6000}}";
    assert!(check_page(&page, empty_range)[0].contains("não traz nenhuma linha"));

    let pasted = "```rust\nfn main() {\n    let x = 1;\n    println!(\"{x}\");\n}\n```\n";
    assert!(check_page(&page, pasted)[0].contains("colado no texto"));

    let short = "```rust\nlet x = 1;\n```\n\n```text\na\nb\nc\nd\ne\n```\n";
    assert!(check_page(&page, short).is_empty());
}
